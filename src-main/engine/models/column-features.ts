// A dataset's own columns as model inputs, beside the point-in-time features. Numbers pass
// through; yes/no text becomes 0/1; categories of bounded cardinality become how common the
// value was in the training slice (and one 0/1 feature per value when there are a handful);
// free text (payloads, URLs, user agents, messages) becomes character statistics. Never the
// time, the label or an identifier. Encoders are fitted on the training rows only and kept in
// the model's metadata, so scoring and explanations compute exactly what training did.
import type { ColumnInfo, ColumnUseInfo, DatasetInfo } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';

export const TEXT_STATS = [
  'length',
  'digits',
  'letters',
  'punctuation',
  'non_ascii',
  'entropy',
  'metachars',
  'longest_token',
] as const;
export type TextStat = (typeof TEXT_STATS)[number];

/** One model input made from one column. `column` is its sqlName; `source` its name in the file. */
export type ColumnFeature =
  | { kind: 'number'; name: string; column: string; source: string }
  | { kind: 'flag'; name: string; column: string; source: string; truthy: string[] }
  | { kind: 'frequency'; name: string; column: string; source: string; shares: Record<string, number> }
  | { kind: 'onehot'; name: string; column: string; source: string; value: string }
  | { kind: 'text'; name: string; column: string; source: string; stat: TextStat };

/** What a column became, or why it was left out: shown to the analyst and kept in the metadata. */
export type ColumnUse = ColumnUseInfo;

/** A column's values in row order: numbers (NaN = empty) or text (null = empty). */
export type RawColumn = Float64Array | (string | null)[];

export interface ColumnChoice {
  /** Only these columns (by name in the file, or sqlName). */
  columns?: string[];
  /** Not these. */
  exclude?: string[];
}

const FLAG_TRUE = ['t', 'true', 'yes', 'y'];
const FLAG_VALUES = new Set([...FLAG_TRUE, 'f', 'false', 'no', 'n']);
/** Most distinct values a category may have (counted on the training slice). */
export const MAX_CATEGORIES = 1000;
/** At most this many values: each also gets its own 0/1 feature. */
const ONE_HOT_MAX = 8;
/**
 * Free text (payloads, URLs, user agents, messages): long on average, or words (spaces in many
 * values) that are mostly all different. Short tokens without spaces (addresses, codes, names
 * of things) are identifiers or categories, not text to measure.
 */
const FREE_TEXT_LENGTH = 24;
const WORDS_LENGTH = 12;
const META = new Set([...'\'"`;<>(){}=%\\']);

const findColumn = (ds: DatasetInfo, wanted: string): ColumnInfo =>
  ds.columns.find((c) => c.name === wanted) ??
  ds.columns.find((c) => c.sqlName === wanted) ??
  fail(
    'BAD_REQUEST',
    `dataset "${ds.name}" has no column "${wanted}" (columns: ${ds.columns.map((c) => c.name).join(', ')})`,
    { column: wanted },
  );

/**
 * The columns a model may read, before looking at their values: every column but the time and
 * the label (or only those chosen), minus those excluded.
 */
export function candidateColumns(
  ds: DatasetInfo,
  choice: ColumnChoice,
  label: ColumnInfo | null,
): ColumnInfo[] {
  const excluded = new Set((choice.exclude ?? []).map((c) => findColumn(ds, c).sqlName));
  const chosen = choice.columns?.map((c) => findColumn(ds, c));
  for (const c of chosen ?? []) {
    if (label && c.sqlName === label.sqlName)
      fail('BAD_REQUEST', `column "${c.name}" is the label: it cannot also be a model input`, {
        column: c.name,
      });
  }
  const base = chosen ?? ds.columns.filter((c) => c.role !== 'time' && c.name !== ds.timeColumn);
  return base.filter((c) => !excluded.has(c.sqlName) && (!label || c.sqlName !== label.sqlName));
}

/** Integers, every one different, counting up with the rows (or named like an id): an identifier. */
function looksLikeId(col: ColumnInfo, values: Float64Array, rows: ArrayLike<number>): boolean {
  if (col.type !== 'INTEGER' || rows.length < 100) return false;
  const seen = new Set<number>();
  let increasing = true;
  let prev = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v !== v) continue;
    if (v <= prev) increasing = false;
    prev = v;
  }
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]];
    if (v !== v) continue;
    if (seen.has(v)) return false;
    seen.add(v);
  }
  return increasing || /(^|[^a-z])id$|_id$|^id/i.test(col.name);
}

function isConstant(values: RawColumn, rows: ArrayLike<number>): boolean {
  let first: number | string | null | undefined;
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]];
    if (v === null || (typeof v === 'number' && v !== v)) continue;
    if (first === undefined) first = v;
    else if (v !== first) return false;
  }
  return true;
}

/**
 * Fits the column features of `columns` on the training rows `train` (indices into the raw
 * columns). `explicit`: the analyst named the columns, so identifiers are kept.
 */
export function fitColumnFeatures(
  columns: ColumnInfo[],
  raw: RawColumn[],
  train: ArrayLike<number>,
  explicit = false,
): { features: ColumnFeature[]; uses: ColumnUse[] } {
  const features: ColumnFeature[] = [];
  const uses: ColumnUse[] = [];
  columns.forEach((col, c) => {
    const values = raw[c];
    const base = { column: col.sqlName, source: col.name };
    if (isConstant(values, train)) {
      uses.push({ column: col.name, use: 'skipped', why: 'the same value (or empty) on every training row' });
      return;
    }
    if (values instanceof Float64Array) {
      if (!explicit && looksLikeId(col, values, train)) {
        uses.push({
          column: col.name,
          use: 'skipped',
          why: 'an identifier (every value different, counting up)',
        });
        return;
      }
      features.push({ kind: 'number', name: `col.${col.sqlName}`, ...base });
      uses.push({ column: col.name, use: 'number' });
      return;
    }
    const counts = new Map<string, number>();
    let present = 0;
    let length = 0;
    let spaced = 0;
    let flags = true;
    const distinct = new Set<string>();
    for (let k = 0; k < train.length; k++) {
      const v = values[train[k]];
      if (v === null) continue;
      present++;
      length += v.length;
      if (/\s/.test(v.trim())) spaced++;
      if (flags && !FLAG_VALUES.has(v.trim().toLowerCase())) flags = false;
      if (counts.size <= MAX_CATEGORIES) counts.set(v, (counts.get(v) ?? 0) + 1);
      if (distinct.size < present / 2 + 1) distinct.add(v);
    }
    const meanLength = length / Math.max(1, present);
    const freeText =
      meanLength >= FREE_TEXT_LENGTH ||
      (meanLength >= WORDS_LENGTH && spaced >= 0.2 * present && distinct.size >= present / 2);
    if (flags) {
      features.push({ kind: 'flag', name: `col.${col.sqlName}`, ...base, truthy: FLAG_TRUE });
      uses.push({ column: col.name, use: 'flag' });
    } else if (freeText) {
      for (const stat of TEXT_STATS)
        features.push({ kind: 'text', name: `col.${col.sqlName}.${stat}`, ...base, stat });
      uses.push({ column: col.name, use: 'text' });
    } else if (counts.size <= MAX_CATEGORIES) {
      const shares: Record<string, number> = Object.create(null) as Record<string, number>;
      for (const [v, n] of counts) shares[v] = n / train.length;
      features.push({ kind: 'frequency', name: `col.${col.sqlName}.freq`, ...base, shares });
      if (counts.size <= ONE_HOT_MAX) {
        [...counts.entries()]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .forEach(([value], k) =>
            features.push({ kind: 'onehot', name: `col.${col.sqlName}.is${k}`, ...base, value }),
          );
      }
      uses.push({ column: col.name, use: 'category' });
    } else if (explicit) {
      for (const stat of TEXT_STATS)
        features.push({ kind: 'text', name: `col.${col.sqlName}.${stat}`, ...base, stat });
      uses.push({ column: col.name, use: 'text' });
    } else {
      uses.push({
        column: col.name,
        use: 'skipped',
        why: `an identifier (more than ${MAX_CATEGORIES.toLocaleString('en-US')} distinct short values)`,
      });
    }
  });
  return { features, uses };
}

/** The statistic of one text value. */
export function textStat(s: string, stat: TextStat): number {
  const n = s.length;
  if (stat === 'length') return n;
  if (stat === 'longest_token') {
    let best = 0;
    let run = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      run = c === 32 || c === 9 || c === 10 || c === 13 ? 0 : run + 1;
      if (run > best) best = run;
    }
    return best;
  }
  if (stat === 'entropy') {
    if (!n) return 0;
    const counts = new Map<string, number>();
    for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let h = 0;
    for (const k of counts.values()) {
      const p = k / n;
      h -= p * Math.log2(p);
    }
    return h;
  }
  let count = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const digit = c >= 48 && c <= 57;
    const letter = /\p{L}/u.test(ch);
    const space = /\s/u.test(ch);
    if (
      (stat === 'digits' && digit) ||
      (stat === 'letters' && letter) ||
      (stat === 'punctuation' && !digit && !letter && !space) ||
      (stat === 'non_ascii' && c > 127) ||
      (stat === 'metachars' && META.has(ch))
    )
      count++;
  }
  if (stat === 'metachars') return count + (s.match(/--|\/\*|\*\//g)?.length ?? 0);
  return n ? count / n : 0;
}

/** One feature's values for `rows` of its column (all rows when omitted). */
export function columnFeatureValues(f: ColumnFeature, values: RawColumn): Float32Array {
  const n = values.length;
  const out = new Float32Array(n);
  if (values instanceof Float64Array) {
    if (f.kind !== 'number') return out.fill(NaN); // a column whose type changed: nothing to read
    for (let i = 0; i < n; i++) out[i] = values[i];
    return out;
  }
  const truthy = f.kind === 'flag' ? new Set(f.truthy) : null;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) {
      out[i] = f.kind === 'onehot' ? 0 : NaN;
      continue;
    }
    switch (f.kind) {
      case 'number': {
        const x = Number(v);
        out[i] = v.trim() !== '' && Number.isFinite(x) ? x : NaN;
        break;
      }
      case 'flag':
        out[i] = truthy!.has(v.trim().toLowerCase()) ? 1 : 0;
        break;
      case 'frequency':
        out[i] = Object.prototype.hasOwnProperty.call(f.shares, v) ? f.shares[v] : 0; // unseen: never seen in training
        break;
      case 'onehot':
        out[i] = v === f.value ? 1 : 0;
        break;
      case 'text':
        out[i] = textStat(v, f.stat);
        break;
    }
  }
  return out;
}

const NAME = /^col\.[a-z_][a-z0-9_]{0,63}(\.[a-z0-9_]{1,20})?$/;
const KINDS = new Set(['number', 'flag', 'frequency', 'onehot', 'text']);

/** Column features from a model's metadata, checked: case files and model files are untrusted. */
export function readColumnFeatures(v: unknown, where: string): ColumnFeature[] {
  if (v === undefined || v === null) return [];
  const bad = (why: string) => fail('BAD_REQUEST', `${where}: its column features are malformed (${why})`);
  if (!Array.isArray(v)) return bad('not a list');
  return v.map((f: unknown, i) => {
    const o = f as Record<string, unknown>;
    if (!o || typeof o !== 'object') return bad(`entry ${i}`);
    if (typeof o.name !== 'string' || !NAME.test(o.name)) return bad(`entry ${i}: name`);
    if (typeof o.column !== 'string' || !/^[a-z_][a-z0-9_]{0,63}$/.test(o.column))
      return bad(`entry ${i}: column`);
    if (typeof o.kind !== 'string' || !KINDS.has(o.kind)) return bad(`entry ${i}: kind`);
    if (o.kind === 'text' && !(TEXT_STATS as readonly string[]).includes(o.stat as string))
      return bad(`entry ${i}: stat`);
    if (o.kind === 'onehot' && typeof o.value !== 'string') return bad(`entry ${i}: value`);
    if (o.kind === 'flag' && !(Array.isArray(o.truthy) && o.truthy.every((t) => typeof t === 'string')))
      return bad(`entry ${i}: truthy`);
    if (o.kind === 'frequency') {
      const s = o.shares as Record<string, unknown>;
      if (!s || typeof s !== 'object' || !Object.values(s).every((x) => typeof x === 'number'))
        return bad(`entry ${i}: shares`);
      const shares = Object.create(null) as Record<string, number>;
      Object.assign(shares, s);
      return { ...o, shares } as ColumnFeature;
    }
    return { ...o, source: typeof o.source === 'string' ? o.source : o.column } as ColumnFeature;
  });
}
