// What the import dialog shows before a file is imported (`ingest.preview`), and the mapping an
// import is made with (roles, time options, the label's attack values), which a case remembers
// per header layout.
import type { CanonicalRole, ColumnType, DataFormat } from './domain';

export const TIME_FORMATS = [
  'iso',
  'mdy',
  'dmy',
  'syslog',
  'epoch_s',
  'epoch_ms',
  'epoch_us',
  'epoch_ns',
] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];
export const TIME_UNITS = ['second', 'minute', 'hour', 'day'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/** Public layouts the import recognises by their header (and that can be asked for by id). */
export const SOURCES = {
  ulb_creditcard: 'ULB credit-card transactions',
  ieee_cis: 'IEEE-CIS fraud transactions',
  paysim: 'PaySim mobile-money transactions',
  nab_metric: 'NAB metric series',
} as const;
export type SourceId = keyof typeof SOURCES;
export const SOURCE_IDS = Object.keys(SOURCES) as SourceId[];
/** How to read a file's layout: recognised from its header, none, or the one named. */
export type SourceChoice = 'auto' | 'none' | SourceId;

/** How a file's columns are read: what `ingest.start` takes besides the file, and what a case remembers. */
export interface ImportMapping {
  /** Role → column (the time role is the time column). */
  roles?: Partial<Record<CanonicalRole, string>>;
  /** Columns that play no role, whatever their names say. */
  noRoles?: string[];
  timeColumn?: string;
  /** The time of day is in this column (14:05:33), read with the dates of the time column. */
  clockColumn?: string;
  timeFormat?: TimeFormat;
  timeUnit?: TimeUnit;
  timeOrigin?: string;
  timeYear?: number;
  /** A text label column: the values that mean an attack (the default of a training on it). */
  positive?: string[];
}

/** How each role of a column came about in a preview. */
/** Who chose a column's role: the request, the case's remembered mapping, a known public layout, the file. */
export type RoleSource = 'given' | 'remembered' | 'source' | 'detected' | null;

export interface PreviewColumn {
  name: string;
  type: ColumnType;
  role: CanonicalRole | null;
  roleSource: RoleSource;
  /** Of the rows read, how many are empty and how many distinct values the others hold. */
  nulls: number;
  distinct: number;
  /** Up to five distinct values, as the file has them. */
  examples: string[];
  /** When the values are times: how they read (`slash`: month/day or day/month, undecided). */
  time: string | null;
}

export interface ImportPreview {
  /** The file's name (as the error messages name it). */
  file: string;
  format: DataFormat;
  /** Rows read (at most `PREVIEW_ROWS`), and whether that was the whole file. */
  rows: number;
  complete: boolean;
  /** The file's header layout (its column names, normalised and hashed). */
  layout: string;
  /** A mapping remembered in the case for this header layout, if any (the defaults below include it). */
  remembered: ImportMapping | null;
  /** A public layout recognised by its header (ULB credit-card, IEEE-CIS, PaySim, NAB), read as published. */
  source: string | null;
  /** Its id (null: none), the choice the dialog's layout menu shows. */
  sourceId: SourceId | null;
  columns: PreviewColumn[];
  time: {
    /** The time column (null: none; the data has no time), and the time-of-day column read with it. */
    column: string | null;
    clockColumn: string | null;
    /** How the time is read: a format, `step`, or `slash` while undecided. */
    kind: string | null;
    /** Why the time cannot be read as it stands (03/04/2026: month/day or day/month?). */
    ambiguous: string | null;
  };
  /** A column that looks like a label, with its values; which mean an attack, when known. */
  label: {
    column: string;
    values: { value: string; count: number }[];
    /** Numbers 0/1 need no choice. */
    numeric: boolean;
    positive: string[] | null;
  } | null;
  /** The mapping the dialog starts from: remembered, then given, then what the file says. */
  mapping: ImportMapping;
}

export const PREVIEW_ROWS = 1000;
