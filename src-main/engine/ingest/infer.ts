// Column type inference from a sample, and the per-value converters used for every row.
import type { ColumnType } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { isTimeName } from './roles';

const NUMBER_RE = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const INT_RE = /^\s*[-+]?\d+\s*$/;

const INT = 1;
const REAL = 2;
const TEXT = 3;

/** Classifies text as an integer, a real or other text: a hand-written scan, regexes as fallback. */
export function classify(v: string): number {
  const n = v.length;
  let i = 0;
  let c = v.charCodeAt(0);
  if (c === 45 || c === 43) c = v.charCodeAt(++i);
  let digits = 0;
  while (i < n && c >= 48 && c <= 57) {
    digits++;
    c = v.charCodeAt(++i);
  }
  if (i === n) return digits > 0 && digits <= 15 ? INT : classifySlow(v);
  if (c !== 46) return classifySlow(v);
  c = v.charCodeAt(++i);
  while (i < n && c >= 48 && c <= 57) {
    digits++;
    c = v.charCodeAt(++i);
  }
  return i === n && digits > 0 ? REAL : classifySlow(v);
}

function classifySlow(v: string): number {
  if (INT_RE.test(v)) return Number.isSafeInteger(Number(v)) ? INT : TEXT;
  return NUMBER_RE.test(v) ? REAL : TEXT;
}
const ISO_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export type TimeKind = 'iso' | 'epoch_s' | 'epoch_ms';

export interface InferredColumn {
  name: string;
  type: ColumnType;
  /** Set when the column's values are times. */
  time: TimeKind | null;
}

type Raw = unknown;

const isEmpty = (v: Raw): boolean => v === null || v === undefined || v === '';

/** Infers a type per column from sampled rows (CSV strings or JSON values). */
export function inferColumns(names: string[], sample: Raw[][], timeColumn?: string): InferredColumn[] {
  // One row-major pass with a counter per column (the import waits on this).
  const n = names.length;
  const ints = new Int32Array(n);
  const reals = new Int32Array(n);
  const texts = new Int32Array(n);
  const notIso = new Uint8Array(n); // a text value that is not an ISO time was seen
  const maxAbs = new Float64Array(n);
  const timeName = names.map((name) => isTimeName(name) || name === timeColumn);
  for (const row of sample) {
    for (let c = 0; c < n; c++) {
      const v = row[c];
      if (typeof v === 'string') {
        if (v === '') continue;
        const kind = classify(v);
        if (kind === INT || kind === REAL) {
          if (kind === INT) ints[c]++;
          else reals[c]++;
          if (timeName[c]) maxAbs[c] = Math.max(maxAbs[c], Math.abs(Number(v)));
        } else {
          texts[c]++;
          if (!notIso[c] && !(ISO_RE.test(v) && !Number.isNaN(Date.parse(normaliseIso(v))))) notIso[c] = 1;
        }
      } else if (typeof v === 'number') {
        if (Number.isSafeInteger(v)) ints[c]++;
        else reals[c]++;
        maxAbs[c] = Math.max(maxAbs[c], Math.abs(v));
      } else if (typeof v === 'boolean') {
        ints[c]++;
      } else if (v !== null && v !== undefined) {
        texts[c]++; // arrays and objects are kept as JSON text
        notIso[c] = 1;
      }
    }
  }
  return names.map((name, c) => {
    const type: ColumnType = texts[c] > 0 ? 'TEXT' : reals[c] > 0 ? 'REAL' : ints[c] > 0 ? 'INTEGER' : 'TEXT';
    let time: TimeKind | null = null;
    if (texts[c] > 0 && !notIso[c]) time = 'iso';
    else if (type !== 'TEXT' && timeName[c]) time = maxAbs[c] >= 1e11 ? 'epoch_ms' : 'epoch_s'; // by magnitude
    return { name, type, time };
  });
}

/** Picks the time column: the one asked for, else a time-named column, else the first ISO column. */
export function chooseTimeColumn(columns: InferredColumn[], asked: string | undefined, file: string): number {
  if (asked !== undefined) {
    const i = columns.findIndex((c) => c.name === asked);
    if (i < 0)
      fail('BAD_REQUEST', `no column named "${asked}" (columns: ${columns.map((c) => c.name).join(', ')})`, {
        file,
      });
    if (columns[i].time === null) {
      if (columns[i].type === 'TEXT')
        fail('MALFORMED_INPUT', `values are not ISO 8601 times`, { file, column: asked });
      columns[i].time = 'epoch_s';
    }
    return i;
  }
  const named = columns.findIndex((c) => c.time !== null && isTimeName(c.name));
  if (named >= 0) return named;
  return columns.findIndex((c) => c.time === 'iso');
}

const ZONE_RE = /(?:[Zz]|[+-]\d{2}:?\d{2})$/;
/** Times beyond ±273,790 years are refused (and would not fit the ts column anyway). */
const MAX_TIME_MS = 8.64e15;

/** ISO text without a zone is read as UTC, with a space or a T between date and time. */
export function normaliseIso(s: string): string {
  if (s.length <= 10) return s;
  let t = s.charCodeAt(10) === 32 ? s.slice(0, 10) + 'T' + s.slice(11) : s;
  if (!ZONE_RE.test(t)) t += 'Z';
  return t;
}

export type Converter = (v: Raw, line: number) => number | string | null;

export function makeConverter(col: InferredColumn, file: string): Converter {
  const bad = (what: string, v: Raw, line: number): never =>
    fail('MALFORMED_INPUT', `expected ${what}, found ${preview(v)}`, { file, line, column: col.name });
  if (col.type === 'TEXT') {
    return (v) => {
      if (isEmpty(v)) return null;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      return JSON.stringify(v);
    };
  }
  const integer = col.type === 'INTEGER';
  return (v, line) => {
    if (isEmpty(v)) return null;
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'boolean') n = v ? 1 : 0;
    else if (typeof v === 'string') {
      n = +v;
      if (n === 0 && v.trim() === '') return null;
    } else return bad(integer ? 'an integer' : 'a number', v, line);
    if (!Number.isFinite(n)) return bad(integer ? 'an integer' : 'a number', v, line);
    if (integer && !Number.isSafeInteger(n)) return bad('an integer', v, line);
    return n;
  };
}

/** Converts a time value to epoch milliseconds, or fails naming the line. */
export function makeTimeConverter(
  col: InferredColumn,
  file: string,
): (v: Raw, line: number) => number | null {
  const kind = col.time;
  return (v, line) => {
    if (isEmpty(v)) return null;
    if (kind === 'iso') {
      const t = typeof v === 'string' ? Date.parse(normaliseIso(v)) : NaN;
      if (Number.isNaN(t))
        fail('MALFORMED_INPUT', `expected an ISO 8601 time, found ${preview(v)}`, {
          file,
          line,
          column: col.name,
        });
      return t;
    }
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n) || Math.abs(kind === 'epoch_ms' ? n : n * 1000) > MAX_TIME_MS)
      fail('MALFORMED_INPUT', `expected a time in epoch units, found ${preview(v)}`, {
        file,
        line,
        column: col.name,
      });
    return Math.round(kind === 'epoch_ms' ? n : n * 1000);
  };
}

export function preview(v: Raw): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);
}

/** Safe, unique SQL identifiers for source column names. */
export function sqlNames(names: string[]): string[] {
  const used = new Set<string>(['id', 'ts', '_id', '_ts', '_extra']);
  return names.map((raw, i) => {
    let s = raw
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 48);
    if (!s) s = `col_${i + 1}`;
    if (/^[0-9]/.test(s)) s = `c_${s}`;
    let candidate = s;
    for (let k = 2; used.has(candidate); k++) candidate = `${s}_${k}`;
    used.add(candidate);
    return candidate;
  });
}
