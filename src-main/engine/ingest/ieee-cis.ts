// IEEE-CIS fraud detection's files as published: train_transaction.csv (TransactionID, isFraud,
// TransactionDT, TransactionAmt, ProductCD, card1..card6, addr1, …, V339) and, beside it,
// train_identity.csv (TransactionID, id_01..id_38, DeviceType, DeviceInfo) for a quarter of the
// transactions. `card1` alone is a card's issuing bank and many cards share it, so the card is
// the card columns together (`card_id`: card1..card6, as the competition's solutions built it).
// The transactions are written to a CSV with `card_id` and the identity columns joined on
// TransactionID (a left join: a transaction without identity gets empty cells), which the
// ordinary import then reads with the IEEE-CIS mapping (card_id the entity).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../../../src-shared/result';
import { appendColumns, eachLine, splitCsvLine } from './csv-lines';

export const CARD_COLUMNS = ['card1', 'card2', 'card3', 'card4', 'card5', 'card6'];
export const CARD_ID = 'card_id';

/** The identity file published beside a transaction file (train_ → train_identity.csv), if any. */
export function identityBeside(transactions: string): string | null {
  const base = path.basename(transactions);
  if (!/transaction/i.test(base)) return null;
  const candidate = path.join(path.dirname(transactions), base.replace(/transaction/i, 'identity'));
  return candidate !== transactions && existsSync(candidate) ? candidate : null;
}

/** A card's id from its card columns (as the file has them; an empty one stays empty). */
export const cardId = (values: string[]) => values.join('|');

/** The columns the transactions gain: card_id, then the identity file's (but its key). */
export function joinedHeader(transactionNames: string[], identityNames: string[] | null): string[] {
  return [
    ...transactionNames,
    CARD_ID,
    ...(identityNames ?? [])
      .filter((n) => n.toLowerCase() !== 'transactionid')
      .map((n) => n.replace(/-/g, '_')),
  ];
}

export interface IeeeSummary {
  rows: number;
  /** Transactions that found their identity row. */
  joined: number;
  identityRows: number;
  columns: string[];
}

/** Writes the transactions with card_id and their identity columns as CSV to `out`. */
export async function prepareIeee(
  transactions: string,
  identity: string | null,
  out: string,
  cancelled: () => boolean,
  progress: (phase: string, rows: number) => void,
): Promise<IeeeSummary> {
  const txName = path.basename(transactions);
  // the identity rows, by TransactionID
  let idNames: string[] | null = null;
  let idKey = -1;
  const byId = new Map<string, string[]>();
  if (identity) {
    const name = path.basename(identity);
    await eachLine(
      identity,
      (text, line) => {
        const f = splitCsvLine(text);
        if (!idNames) {
          idNames = f.map((h) => h.trim());
          idKey = idNames.findIndex((h) => h.toLowerCase() === 'transactionid');
          if (idKey < 0)
            fail(
              'MALFORMED_INPUT',
              'the identity file has no TransactionID column to join the transactions on',
              {
                file: name,
                line,
                column: 'TransactionID',
              },
            );
          return;
        }
        if (f.length !== idNames.length)
          fail('MALFORMED_INPUT', `expected ${idNames.length} fields, found ${f.length}`, {
            file: name,
            line,
          });
        const key = f[idKey];
        if (!key)
          fail('MALFORMED_INPUT', 'a row without its TransactionID', {
            file: name,
            line,
            column: 'TransactionID',
          });
        byId.set(
          key,
          f.filter((_, i) => i !== idKey),
        );
      },
      cancelled,
      progress,
      () => byId.size,
    );
  }
  const empty = idNames ? new Array<string>((idNames as string[]).length - 1).fill('') : [];

  let joined = 0;
  const { rows, columns } = await appendColumns(
    transactions,
    out,
    (names, line) => {
      const key = names.findIndex((h) => h.toLowerCase() === 'transactionid');
      if (identity && key < 0)
        fail('MALFORMED_INPUT', 'no TransactionID column to join the identity file on', {
          file: txName,
          line,
          column: 'TransactionID',
        });
      const cards = CARD_COLUMNS.map((c) => names.findIndex((h) => h.toLowerCase() === c)).filter(
        (i) => i >= 0,
      );
      if (!cards.length)
        fail('MALFORMED_INPUT', 'none of the card columns (card1..card6) is there', { file: txName, line });
      return {
        added: joinedHeader([], idNames),
        reads: [key, ...cards],
        cells: (f) => {
          const id = identity ? byId.get(f[key]) : undefined;
          if (id) joined++;
          return [cardId(cards.map((i) => f[i])), ...(identity ? (id ?? empty) : [])];
        },
      };
    },
    cancelled,
    progress,
  );
  return { rows, joined, identityRows: byId.size, columns };
}

/** A file's first rows as they will be imported: with their card_id (the preview's view). */
export function withCardId<H extends { names: string[]; rows: unknown[][] }>(head: H): H {
  const at = CARD_COLUMNS.map((c) => head.names.findIndex((h) => h.toLowerCase() === c)).filter(
    (i) => i >= 0,
  );
  if (!at.length) return head;
  return {
    ...head,
    names: [...head.names, CARD_ID],
    rows: head.rows.map((r) => [
      ...r,
      cardId(at.map((i) => (r[i] === null || r[i] === undefined ? '' : String(r[i])))),
    ]),
  };
}
