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

/** `slash`: dates like 03/04/2026 that could be month/day or day/month (no value says which). */
export type TimeKind =
  'iso' | 'mdy' | 'dmy' | 'slash' | 'syslog' | 'epoch_s' | 'epoch_ms' | 'epoch_us' | 'epoch_ns' | 'step';

/** How times are read when their values do not say it themselves (the import's time options). */
export interface TimeOptions {
  /** A text format, or the unit of epoch numbers. */
  format?: 'iso' | 'mdy' | 'dmy' | 'syslog' | 'epoch_s' | 'epoch_ms' | 'epoch_us' | 'epoch_ns';
  /** Numbers counting steps of this unit from `origin` (PaySim's `step` in hours, say). */
  unit?: 'second' | 'minute' | 'hour' | 'day';
  /** Epoch ms the steps count from (default 1970-01-01). */
  origin?: number;
  /** The year of syslog times, which have none (default: this year, rolling over at January). */
  year?: number;
}

export interface InferredColumn {
  name: string;
  type: ColumnType;
  /** Set when the column's values are times. */
  time: TimeKind | null;
  /** `step` times: the unit in ms and the origin. */
  step?: { unitMs: number; origin: number };
  /** `syslog` times: the year of the first value. */
  year?: number;
  /** The time of day is in this other column (its values like 14:05:33), read with this date. */
  clock?: string;
  /** Text values that are all dates without a time of day (2024-03-01, 03/01/2024). */
  dateOnly?: boolean;
  /** Text values that are all times of day (14:05:33). */
  clockLike?: boolean;
}

// 3/4/2026, 03/04/2026 14:05, 03/04/2026 14:05:09.123
const SLASH_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;
// Dec 10 06:55:46 (syslog: no year)
const SYSLOG_RE =
  /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})$/;
// 14:05, 14:05:33, 14:05:33.123 (a time of day, in a column beside the date)
const CLOCK_RE = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const UNIT_MS = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** The unit of epoch numbers, by their magnitude: seconds, milliseconds, µs or ns. */
const epochByMagnitude = (maxAbs: number): TimeKind =>
  maxAbs >= 1e17 ? 'epoch_ns' : maxAbs >= 1e14 ? 'epoch_us' : maxAbs >= 1e11 ? 'epoch_ms' : 'epoch_s';

type Raw = unknown;

const isEmpty = (v: Raw): boolean => v === null || v === undefined || v === '';

/**
 * Words files write for a missing number (pandas reads the same as missing). In a column of
 * numbers they are empty values; a column of text keeps them as they are.
 */
export const MISSING_WORDS = new Set([
  'null',
  'NULL',
  'Null',
  'NaN',
  'nan',
  'NA',
  'N/A',
  'n/a',
  'None',
  '#N/A',
]);

/** Infers a type per column from sampled rows (CSV strings or JSON values). */
export function inferColumns(names: string[], sample: Raw[][], timeColumn?: string): InferredColumn[] {
  // One row-major pass with a counter per column (the import waits on this).
  const n = names.length;
  const ints = new Int32Array(n);
  const reals = new Int32Array(n);
  const texts = new Int32Array(n);
  const notIso = new Uint8Array(n); // a text value that is not an ISO time was seen
  const notSlash = new Uint8Array(n);
  const notSyslog = new Uint8Array(n);
  const slashFirst = new Int32Array(n); // the largest first and second number of slash dates
  const slashSecond = new Int32Array(n);
  const maxAbs = new Float64Array(n);
  const withClock = new Uint8Array(n); // a date value with a time of day was seen
  const notClock = new Uint8Array(n);
  const timeName = names.map((name) => isTimeName(name) || name === timeColumn);
  for (const row of sample) {
    for (let c = 0; c < n; c++) {
      const v = row[c];
      if (typeof v === 'string') {
        if (v === '' || MISSING_WORDS.has(v)) continue;
        let kind = classify(v);
        // epoch nanoseconds have more digits than a double holds exactly: numbers, for a time
        if (kind === TEXT && timeName[c] && INT_RE.test(v)) kind = REAL;
        if (kind === INT || kind === REAL) {
          if (kind === INT) ints[c]++;
          else reals[c]++;
          if (timeName[c]) maxAbs[c] = Math.max(maxAbs[c], Math.abs(Number(v)));
        } else {
          texts[c]++;
          if (!notIso[c] && !(ISO_RE.test(v) && !Number.isNaN(Date.parse(normaliseIso(v))))) notIso[c] = 1;
          if (!notSlash[c]) {
            const m = SLASH_RE.exec(v);
            if (!m) notSlash[c] = 1;
            else {
              slashFirst[c] = Math.max(slashFirst[c], Number(m[1]));
              slashSecond[c] = Math.max(slashSecond[c], Number(m[2]));
              if (m[4] !== undefined) withClock[c] = 1;
            }
          }
          if (v.length > 10) withClock[c] = 1;
          if (!notClock[c] && !CLOCK_RE.test(v)) notClock[c] = 1;
          if (!notSyslog[c] && !SYSLOG_RE.test(v)) notSyslog[c] = 1;
        }
      } else if (typeof v === 'number') {
        if (Number.isSafeInteger(v)) ints[c]++;
        else reals[c]++;
        maxAbs[c] = Math.max(maxAbs[c], Math.abs(v));
      } else if (typeof v === 'boolean') {
        ints[c]++;
      } else if (v !== null && v !== undefined) {
        texts[c]++; // arrays and objects are kept as JSON text
        notIso[c] = notSlash[c] = notSyslog[c] = notClock[c] = 1;
      }
    }
  }
  return names.map((name, c) => {
    const type: ColumnType = texts[c] > 0 ? 'TEXT' : reals[c] > 0 ? 'REAL' : ints[c] > 0 ? 'INTEGER' : 'TEXT';
    let time: TimeKind | null = null;
    if (texts[c] > 0 && !notIso[c]) time = 'iso';
    else if (texts[c] > 0 && !notSlash[c])
      time = slashFirst[c] > 12 ? 'dmy' : slashSecond[c] > 12 ? 'mdy' : 'slash';
    else if (texts[c] > 0 && !notSyslog[c]) time = 'syslog';
    else if (type !== 'TEXT' && timeName[c]) time = epochByMagnitude(maxAbs[c]);
    const col: InferredColumn = { name, type, time };
    if (
      texts[c] > 0 &&
      (time === 'iso' || time === 'mdy' || time === 'dmy' || time === 'slash') &&
      !withClock[c]
    )
      col.dateOnly = true;
    if (texts[c] > 0 && !notClock[c]) col.clockLike = true;
    return col;
  });
}

const DATE_NAME = /^(date|day|event_?date|.*[_ ]date|date[_ ].*)$/i;
const CLOCK_NAME = /^(time|clock|time_?of_?day|event_?time|.*[_ ]time|time[_ ].*)$/i;

/**
 * A date column and a time-of-day column read together as one time (`date` 2024-03-01 and
 * `time` 14:05:33), when their names say so and no column holds whole times: the indices of
 * the date and the clock, or null.
 */
export function findDateAndClock(columns: InferredColumn[]): { date: number; clock: number } | null {
  const date = columns.findIndex((c) => c.dateOnly && DATE_NAME.test(c.name));
  const clock = columns.findIndex((c) => c.clockLike && CLOCK_NAME.test(c.name));
  if (date < 0 || clock < 0) return null;
  // a column of whole times (a timestamp, epoch numbers named as a time) is the better choice
  const better = columns.some((c, i) => i !== date && c.time !== null && !c.dateOnly);
  return better ? null : { date, clock };
}

/** The time column and, when the time of day is in a column of its own, that column. */
export interface TimeChoice {
  /** Index of the time (or date) column; -1 when there is none. */
  t: number;
  /** Index of the time-of-day column read with it; -1 when none. */
  clock: number;
  /** The format is ambiguous (03/04/2026) and no option settles it: why (only with `allowAmbiguous`). */
  ambiguous?: string;
}

/**
 * Picks the time column as `chooseTimeColumn` does, with a separate time-of-day column: the one
 * asked for (it must hold times of day), else a date and a time column found by their names
 * and values when no column holds whole times.
 */
export function chooseTime(
  all: InferredColumn[],
  asked: { time?: string; clock?: string; exclude?: readonly string[] },
  file: string,
  options: TimeOptions = {},
  allowAmbiguous = false,
): TimeChoice {
  // Columns the analyst said play no role are not found as the time either.
  const exclude = new Set(asked.exclude ?? []);
  const columns = exclude.size
    ? all.map((c) => (exclude.has(c.name) ? { ...c, time: null, dateOnly: false, clockLike: false } : c))
    : all;
  let clock = -1;
  let timeAsked = asked.time;
  if (asked.clock !== undefined) {
    clock = columns.findIndex((c) => c.name === asked.clock);
    if (clock < 0)
      fail(
        'BAD_REQUEST',
        `no column named "${asked.clock}" for the time of day (columns: ${columns.map((c) => c.name).join(', ')})`,
        { file, column: asked.clock },
      );
    if (!columns[clock].clockLike)
      fail('MALFORMED_INPUT', `values are not times of day like 14:05:33`, { file, column: asked.clock });
    if (timeAsked === undefined) {
      const pair = columns.findIndex((c, i) => i !== clock && c.dateOnly);
      if (pair < 0)
        fail('BAD_REQUEST', `no column of dates to read with the time of day in "${asked.clock}"`, {
          file,
          column: asked.clock,
        });
      timeAsked = columns[pair].name;
    }
  } else if (timeAsked === undefined) {
    const pair = findDateAndClock(columns);
    if (pair) {
      clock = pair.clock;
      timeAsked = columns[pair.date].name;
    }
  }
  if (clock >= 0 && timeAsked === asked.clock)
    fail('BAD_REQUEST', `"${asked.clock}" cannot be both the date and the time of day`, {
      file,
      column: asked.clock,
    });
  let ambiguous: string | undefined;
  const t = chooseTimeColumn(columns, timeAsked, file, options, (why) => (ambiguous = why), allowAmbiguous);
  if (clock >= 0) {
    const c = columns[t];
    if (c.type !== 'TEXT' || (c.time !== 'iso' && c.time !== 'mdy' && c.time !== 'dmy' && c.time !== 'slash'))
      fail('MALFORMED_INPUT', `a time of day in "${columns[clock].name}" needs dates in "${c.name}"`, {
        file,
        column: c.name,
      });
    c.clock = columns[clock].name;
  }
  return ambiguous === undefined ? { t, clock } : { t, clock, ambiguous };
}

const TEXT_FORMATS = new Set(['iso', 'mdy', 'dmy', 'syslog']);
const READABLE = 'ISO 8601, MM/DD/YYYY, DD/MM/YYYY, syslog ("Dec 10 06:55:46") or epoch numbers';

/**
 * Picks the time column: the one asked for, else a time-named column, else the first column of
 * times in text (ISO first); then applies the import's time options to it. A format no value
 * settles (03/04/2026) is an error asking for one.
 */
export function chooseTimeColumn(
  columns: InferredColumn[],
  asked: string | undefined,
  file: string,
  options: TimeOptions = {},
  onAmbiguous?: (why: string) => void,
  allowAmbiguous = false,
): number {
  let i: number;
  if (asked !== undefined) {
    i = columns.findIndex((c) => c.name === asked);
    if (i < 0)
      fail('BAD_REQUEST', `no column named "${asked}" (columns: ${columns.map((c) => c.name).join(', ')})`, {
        file,
      });
  } else {
    i = columns.findIndex((c) => c.time !== null && isTimeName(c.name));
    if (i < 0) i = columns.findIndex((c) => c.time === 'iso');
    if (i < 0) i = columns.findIndex((c) => c.time === 'mdy' || c.time === 'dmy' || c.time === 'syslog');
    if (i < 0) return -1;
  }
  applyTimeOptions(columns[i], options, file, allowAmbiguous ? onAmbiguous : undefined);
  return i;
}

/**
 * Applies the import's time options to the time column (a format, steps from an origin, the
 * year of syslog times); a format no value settles (03/04/2026) is an error asking for one.
 */
export function applyTimeOptions(
  col: InferredColumn,
  options: TimeOptions,
  file: string,
  /** When given, an ambiguous format is reported here instead of refused. */
  onAmbiguous?: (why: string) => void,
): void {
  const where = { file, column: col.name };
  if (options.unit) {
    if (col.type === 'TEXT')
      fail(
        'BAD_REQUEST',
        `a time counted in ${options.unit}s needs numbers, and "${col.name}" holds text`,
        where,
      );
    col.time = 'step';
    col.step = { unitMs: UNIT_MS[options.unit], origin: options.origin ?? 0 };
  } else if (options.format) {
    const text = TEXT_FORMATS.has(options.format);
    if (text !== (col.type === 'TEXT'))
      fail(
        'BAD_REQUEST',
        `time format ${options.format} reads ${text ? 'text' : 'numbers'}, and "${col.name}" holds ${col.type === 'TEXT' ? 'text' : 'numbers'}`,
        where,
      );
    col.time = options.format;
  } else if (col.time === null) {
    if (col.type === 'TEXT') fail('MALFORMED_INPUT', `values are not times (it reads ${READABLE})`, where);
    col.time = 'epoch_s';
  }
  if (col.time === 'slash') {
    const why = `dates like 03/04/2026 could be month/day or day/month, and no value says which: give the time format (mdy or dmy)`;
    if (onAmbiguous) onAmbiguous(why);
    else fail('MALFORMED_INPUT', why, where);
  }
  if (col.time === 'syslog') col.year = options.year ?? new Date().getUTCFullYear();
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
    if (isEmpty(v) || (typeof v === 'string' && MISSING_WORDS.has(v.trim()))) return null;
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

/** Hours, minutes and seconds of a clock (absent parts are 0). */
const clock = (h?: string, m?: string, s?: string) => +(h ?? 0) <= 23 && +(m ?? 0) <= 59 && +(s ?? 0) <= 59;

/** Milliseconds since midnight of a time of day like 14:05:33.250, or null when it is not one. */
export function clockMs(v: Raw): number | null {
  const m = typeof v === 'string' ? CLOCK_RE.exec(v.trim()) : null;
  if (!m || !clock(m[1], m[2], m[3])) return null;
  return ((+m[1] * 60 + +m[2]) * 60 + +(m[3] ?? 0)) * 1000 + +(m[4] ?? '0').slice(0, 3).padEnd(3, '0');
}

/** A time converter: the time value, and the time-of-day value when it has a column of its own. */
export type TimeConverter = (v: Raw, line: number, clockValue?: Raw) => number | null;

/**
 * Converts a time value to epoch milliseconds, or fails naming the line; a date with its time
 * of day in another column (`col.clock`) is the date's midnight plus that time.
 */
export function makeTimeConverter(col: InferredColumn, file: string): TimeConverter {
  const read = makeOneTimeConverter(col, file);
  if (col.clock === undefined) return read;
  const clockColumn = col.clock;
  return (v, line, c) => {
    const day = read(v, line);
    if (day === null) return null;
    const ms = clockMs(c);
    if (ms === null)
      return fail('MALFORMED_INPUT', `expected a time of day like 14:05:33, found ${preview(c ?? '')}`, {
        file,
        line,
        column: clockColumn,
      });
    return day + ms;
  };
}

function makeOneTimeConverter(col: InferredColumn, file: string): (v: Raw, line: number) => number | null {
  const kind = col.time;
  if (kind === 'slash')
    fail(
      'MALFORMED_INPUT',
      'dates like 03/04/2026 could be month/day or day/month: give the time format (mdy or dmy)',
      {
        file,
        column: col.name,
      },
    );
  const bad = (what: string, v: Raw, line: number): never =>
    fail('MALFORMED_INPUT', `expected ${what}, found ${preview(v)}`, { file, line, column: col.name });
  const inRange = (t: number, what: string, v: Raw, line: number) =>
    Number.isFinite(t) && Math.abs(t) <= MAX_TIME_MS ? t : bad(what, v, line);
  if (kind === 'iso')
    return (v, line) => {
      if (isEmpty(v)) return null;
      const t = typeof v === 'string' ? Date.parse(normaliseIso(v)) : NaN;
      return Number.isNaN(t) ? bad('an ISO 8601 time', v, line) : t;
    };
  if (kind === 'mdy' || kind === 'dmy') {
    const what = kind === 'mdy' ? 'a date MM/DD/YYYY' : 'a date DD/MM/YYYY';
    return (v, line) => {
      if (isEmpty(v)) return null;
      const m = typeof v === 'string' ? SLASH_RE.exec(v.trim()) : null;
      if (!m) return bad(what, v, line);
      const [month, day] = kind === 'mdy' ? [+m[1], +m[2]] : [+m[2], +m[1]];
      const t = Date.UTC(
        +m[3],
        month - 1,
        day,
        +(m[4] ?? 0),
        +(m[5] ?? 0),
        +(m[6] ?? 0),
        +(m[7] ?? '0').padEnd(3, '0'),
      );
      // Date.UTC rolls 02/31 over into March: a date that does not exist is refused
      if (month < 1 || month > 12 || new Date(t).getUTCDate() !== day || !clock(m[4], m[5], m[6]))
        return bad(what, v, line);
      return t;
    };
  }
  if (kind === 'syslog') {
    // Syslog has no year: the first value is in `year`; each next value takes the year (this
    // one, the one before or the next) that puts it nearest the value before it, so December
    // then January moves on a year, and a late December line among January ones stays behind.
    let year = col.year ?? new Date().getUTCFullYear();
    let prev: number | null = null;
    const what = 'a syslog time like "Dec 10 06:55:46"';
    return (v, line) => {
      if (isEmpty(v)) return null;
      const m = typeof v === 'string' ? SYSLOG_RE.exec(v.trim()) : null;
      if (!m || !clock(m[3], m[4], m[5])) return bad(what, v, line);
      const month = MONTHS.indexOf(m[1]);
      const at = (y: number) => Date.UTC(y, month, +m[2], +m[3], +m[4], +m[5]);
      const candidates = prev === null ? [year] : [year - 1, year, year + 1];
      const y = candidates.reduce((best, c) =>
        Math.abs(at(c) - prev!) < Math.abs(at(best) - prev!) ? c : best,
      );
      const t = at(y);
      // Feb 30 does not exist (nor Feb 29 outside leap years)
      if (new Date(t).getUTCDate() !== +m[2]) return bad(what, v, line);
      if (y > year) year = y;
      prev = t;
      return t;
    };
  }
  const scale =
    kind === 'epoch_ms'
      ? 1
      : kind === 'epoch_us'
        ? 1e-3
        : kind === 'epoch_ns'
          ? 1e-6
          : kind === 'step'
            ? col.step!.unitMs
            : 1000;
  const origin = kind === 'step' ? col.step!.origin : 0;
  const what = kind === 'step' ? 'a number of steps' : 'a time in epoch units';
  return (v, line) => {
    if (isEmpty(v)) return null;
    const n = typeof v === 'number' ? v : Number(v);
    return Math.round(inRange(origin + n * scale, what, v, line));
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
