// Public layouts recognised by their header, each with the mapping that reads it as published:
// which column is the time and in what unit from what start, which is the label, the amount,
// the entity. The mapping is a default like a remembered one: a mapping the case remembers for
// the header, and choices given with the import, come first.
import { SOURCES, type ImportMapping, type SourceChoice, type SourceId } from '../../../src-shared/import';
import { fail } from '../../../src-shared/result';
import { CARD_ID } from './ieee-cis';
import { adaptToHeader } from './mapping';
import { PAYSIM_DERIVED } from './paysim';

export interface KnownSource {
  id: SourceId;
  /** As the import dialog and the CLI name it. */
  name: string;
  /** Does a header (column names, as in the file) have this layout? */
  matches(names: readonly string[]): boolean;
  /**
   * How to read a file with this header (naming only columns it has, or `derived` ones when the
   * import prepares the file: a CSV).
   */
  mapping(names: readonly string[], prepared: boolean): ImportMapping;
  /** Columns the import adds to files of this layout (see ieee-cis.ts). */
  derived?: string[];
}

const lower = (names: readonly string[]) => names.map((n) => n.trim().toLowerCase());
/** The column of the header with this name (any case), if any. */
const find = (names: readonly string[], name: string) =>
  names.find((n) => n.trim().toLowerCase() === name.toLowerCase());
/** A label role for the column of that name, when the file has it (a test file may not). */
const labelIn = (names: readonly string[], name: string) => {
  const c = find(names, name);
  return c ? { label: c } : {};
};

const hasAll = (names: readonly string[], wanted: string[]) => {
  const set = new Set(lower(names));
  return wanted.every((w) => set.has(w.toLowerCase()));
};

export const KNOWN_SOURCES: KnownSource[] = [
  {
    // Time,V1..V28,Amount,Class: two days of September 2013; Time counts seconds from the first
    id: 'ulb_creditcard',
    name: SOURCES.ulb_creditcard,
    matches: (names) => {
      const n = lower(names);
      return (
        n.length === 31 &&
        n[0] === 'time' &&
        n[29] === 'amount' &&
        n[30] === 'class' &&
        n.slice(1, 29).every((c, i) => c === `v${i + 1}`)
      );
    },
    mapping: () => ({
      timeColumn: 'Time',
      timeUnit: 'second',
      timeOrigin: '2013-09-01',
      roles: { amount: 'Amount', label: 'Class' },
    }),
  },
  {
    // train_transaction.csv: TransactionDT counts seconds from 2017-12-01 (the competition's
    // reference); the card is its card columns together (card_id, added at import)
    id: 'ieee_cis',
    name: SOURCES.ieee_cis,
    matches: (names) =>
      hasAll(names, ['TransactionID', 'TransactionDT', 'TransactionAmt', 'ProductCD', 'card1']),
    mapping: (names, prepared) => ({
      timeColumn: 'TransactionDT',
      timeUnit: 'second',
      timeOrigin: '2017-12-01',
      roles: { amount: 'TransactionAmt', entity: prepared ? CARD_ID : 'card1', ...labelIn(names, 'isFraud') },
      noRoles: ['TransactionID'],
    }),
    derived: [CARD_ID],
  },
  {
    // step counts hours of a 30-day simulation; the origin is a stand-in (the data has none)
    id: 'paysim',
    name: SOURCES.paysim,
    matches: (names) =>
      hasAll(names, ['step', 'type', 'amount', 'nameOrig', 'oldbalanceOrg', 'newbalanceOrig', 'nameDest']),
    derived: [...PAYSIM_DERIVED],
    mapping: (names) => ({
      timeColumn: 'step',
      timeUnit: 'hour',
      timeOrigin: '2016-01-01',
      roles: {
        entity: 'nameOrig',
        resource: 'nameDest',
        amount: 'amount',
        action: 'type',
        ...labelIn(names, 'isFraud'),
      },
    }),
  },
  {
    // one NAB series: timestamp,value
    id: 'nab_metric',
    name: SOURCES.nab_metric,
    matches: (names) => lower(names).join(',') === 'timestamp,value',
    mapping: () => ({ timeColumn: 'timestamp' }),
  },
];

/** The columns the import adds to files of a layout (when it prepares them: a CSV). */
export const derivedOf = (id: SourceId): string[] => KNOWN_SOURCES.find((s) => s.id === id)?.derived ?? [];

/** The known source whose layout the header has, or null. */
export function recogniseSource(names: readonly string[]): KnownSource | null {
  return KNOWN_SOURCES.find((s) => s.matches(names)) ?? null;
}

/**
 * The layout to read a header with, as chosen ('auto': recognised from the header), with its
 * mapping fitted to the header; a layout asked for by name must find the columns it reads.
 */
export function chooseSource(
  names: readonly string[],
  choice: SourceChoice = 'auto',
  file?: string,
  prepared = true,
): { id: SourceId; name: string; mapping: ImportMapping } | null {
  if (choice === 'none') return null;
  const known = choice === 'auto' ? recogniseSource(names) : KNOWN_SOURCES.find((s) => s.id === choice)!;
  if (!known) return null;
  const mapping = adaptToHeader(known.mapping(names, prepared), names);
  const have = new Set([...names, ...(prepared ? (known.derived ?? []) : [])]);
  const read = [mapping.timeColumn, ...Object.values(mapping.roles ?? {})].filter((c): c is string => !!c);
  const missing = read.filter((c) => !have.has(c));
  if (missing.length)
    fail(
      'BAD_REQUEST',
      `the ${known.name} layout reads the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')}, which this file does not have (its columns: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''})`,
      { file, column: missing[0] },
    );
  return { id: known.id, name: known.name, mapping };
}
