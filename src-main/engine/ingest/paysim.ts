// PaySim's transactions as published (step, type, amount, nameOrig, oldbalanceOrg,
// newbalanceOrig, nameDest, oldbalanceDest, newbalanceDest, isFraud, isFlaggedFraud): the
// balances say more through their differences than by themselves (an account emptied, money
// that leaves one side and never reaches the other), so the import adds them as columns.
// The rows are written to a CSV with the four columns appended, which the ordinary import reads.
import path from 'node:path';
import { fail } from '../../../src-shared/result';
import { appendColumns } from './csv-lines';

/** The columns added, each from the published ones. */
export const PAYSIM_DERIVED = [
  'orig_balance_change', // oldbalanceOrg - newbalanceOrig
  'orig_balance_gap', // oldbalanceOrg - amount - newbalanceOrig (0 when the books balance)
  'dest_balance_change', // newbalanceDest - oldbalanceDest
  'dest_balance_gap', // oldbalanceDest + amount - newbalanceDest (0 when the books balance)
] as const;

/** The balances read (the recipient's may be missing: its differences are then empty). */
const NEED = ['amount', 'oldbalanceOrg', 'newbalanceOrig'];
const BALANCES = [...NEED, 'oldbalanceDest', 'newbalanceDest'];

/** A difference as the file's numbers give it (empty when a number is missing). */
const diff = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '');

export function preparePaysim(
  file: string,
  out: string,
  cancelled: () => boolean,
  progress: (phase: string, rows: number) => void,
): Promise<{ rows: number; columns: string[] }> {
  return appendColumns(
    file,
    out,
    (names, line) => {
      const missing = NEED.filter((c) => !names.includes(c));
      if (missing.length)
        fail(
          'MALFORMED_INPUT',
          `no ${missing.map((c) => `"${c}"`).join(', ')} column (PaySim's layout has them)`,
          {
            file: path.basename(file),
            line,
            column: missing[0],
          },
        );
      const at = BALANCES.map((c) => names.indexOf(c));
      return {
        added: [...PAYSIM_DERIVED],
        reads: at,
        cells: (f) => {
          const [amount, oldOrig, newOrig, oldDest, newDest] = at.map((i) =>
            i < 0 || f[i].trim() === '' ? NaN : Number(f[i]),
          );
          return [
            oldOrig - newOrig,
            oldOrig - amount - newOrig,
            newDest - oldDest,
            oldDest + amount - newDest,
          ].map(diff);
        },
      };
    },
    cancelled,
    progress,
  );
}

/** A file's first rows as they will be imported: with the balance differences (the preview's view). */
export function withBalanceDiffs<H extends { names: string[]; rows: unknown[][] }>(head: H): H {
  const at = BALANCES.map((c) => head.names.indexOf(c));
  if (NEED.some((c) => !head.names.includes(c))) return head;
  const num = (v: unknown) => (v === null || v === undefined || v === '' ? NaN : Number(v));
  return {
    ...head,
    names: [...head.names, ...PAYSIM_DERIVED],
    rows: head.rows.map((r) => {
      const [amount, oldOrig, newOrig, oldDest, newDest] = at.map((i) => (i < 0 ? NaN : num(r[i])));
      const cells = [
        oldOrig - newOrig,
        oldOrig - amount - newOrig,
        newDest - oldDest,
        oldDest + amount - newDest,
      ];
      return [...r, ...cells.map((v) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null))];
    }),
  };
}
