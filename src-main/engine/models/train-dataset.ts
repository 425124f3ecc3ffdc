// Training a model on a dataset's stored features, in a compute worker: labels from a label
// column or from injected scenarios, a time-ordered split (train on the past, stop early on the
// next slice, test on the latest), a threshold chosen by a stated policy on the validation slice.
import type { ColumnInfo, DatasetInfo, ModelKind } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { tableOf } from '../db/case-store';
import { featuresCurrent, featuresTable, readFeatureSet } from '../db/features-store';
import { readDatasetMapping } from '../db/layouts-store';
import type { DB } from '../db/open-case';
import { rng } from '../random';
import {
  candidateColumns,
  columnFeatureValues,
  fitColumnFeatures,
  type ColumnFeature,
  type ColumnUse,
  type RawColumn,
} from './column-features';
import { readRawColumns, readStoredFeatures } from './feature-source';
import { eventChunkColumns, readChunks, textValues } from '../db/column-store';
import { trainGbdt, predictProba, DEFAULT_PARAMS, type GbdtParams } from './gbdt/train';
import { bestF1Threshold, budgetThreshold, metricsAt, type Metrics } from './metrics';
import { exportOnnx } from './onnx/export';
import { DETECTORS, fitDetector } from './detectors';

export type { ModelKind };
export type ThresholdPolicy = { kind: 'best_f1' } | { kind: 'budget'; perDay: number };

export interface TrainRequest {
  datasetId: number;
  model: ModelKind;
  /** A column of 0/1 labels; by default the dataset's label column, else injected scenarios. */
  label?: string;
  /** A text label: the values that mean an attack, or (`negative`) those that mean normal. */
  positive?: string[];
  negative?: string[];
  params?: Partial<GbdtParams>;
  policy?: ThresholdPolicy;
  /** The dataset's columns to use as features (by name): all that qualify when omitted. */
  columns?: string[];
  excludeColumns?: string[];
  /** Hand back the test rows' scores and labels (an evaluation draws its curves from them). */
  keepTestScores?: boolean;
}

export interface ModelMetadata {
  format: 'sentinelrisk-model/1';
  kind: ModelKind;
  featureNames: string[];
  trainedOn: {
    dataset: string;
    rows: number;
    positives: number;
    from: string | null;
    to: string | null;
    labels: string;
  };
  split: { train: number; validation: number; test: number; by: 'time' | 'shuffle'; seed?: number };
  /** How the dataset's own columns feed the model (fitted on the training rows). */
  columnFeatures?: ColumnFeature[];
  /** What each candidate column became, or why it was left out. */
  columns?: ColumnUse[];
  params: Record<string, unknown>;
  policy: ThresholdPolicy;
  threshold: number;
  /** Detectors: the rows they were fitted on, said in words. */
  fittedOn?: string;
  /** `all`: unsupervised detectors, also fitted and evaluated on every row (as ADBench does). */
  metrics: { validation: Metrics | null; test: Metrics | null; all?: Metrics | null };
  createdAt: string;
}

export interface TrainedModel {
  kind: ModelKind;
  name: string;
  metadata: ModelMetadata;
  /** ONNX bytes (gbdt) or the detector as JSON (the unsupervised kinds). */
  body: Uint8Array;
  /** Of the training's time, how much went to reading the case (features, columns, labels). */
  readSeconds: number;
  /** With keepTestScores: the test rows' scores and labels, and the days they span. */
  testScores?: { scores: Float64Array; labels: Uint8Array | null; days: number };
}

/** What training reads, every array in split order (train, then validation, then test). */
interface Loaded {
  names: string[];
  columns: Float32Array[];
  ts: Float64Array;
  labels: Uint8Array | null;
  /** Rows an analyst marked normal (a false-positive verdict), and those confirmed as attacks. */
  normal: Uint8Array;
  confirmed: Uint8Array;
  labelSource: string;
  columnFeatures: ColumnFeature[];
  columnUses: ColumnUse[];
  split: { a: number; b: number; by: 'time' | 'shuffle'; seed?: number };
}

/** Rows marked normal a detector needs before it is fitted on them alone. */
export const MIN_MARKED_NORMAL = 50;

const TRUE = new Set(['1', 'true', 'yes', 'fraud', 'anomaly', 'attack']);
const FALSE = new Set(['0', 'false', 'no', 'normal', 'benign']);

/** Index of `id` in ascending `ids`, or -1. */
function indexOf(ids: Float64Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else if (ids[mid] > id) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * Per event, in id order: its id, time, an analyst's verdict (1 confirmed, 0 false positive,
 * -1 none), whether it was injected, and the label column's value. From the typed chunks when
 * they cover the dataset, else from the rows.
 */
function readBaseRows(
  db: DB,
  ds: DatasetInfo,
  labelCol: ColumnInfo | null,
): {
  ids: Float64Array;
  ts: Float64Array;
  verdict: Int8Array;
  injectedRow: Uint8Array;
  given: RawColumn | null;
} {
  const specs = eventChunkColumns(labelCol ? [labelCol] : []);
  const chunked = readChunks(db, ds.id, 'events', specs);
  if (chunked) {
    const [ts, label] = chunked.columns;
    const { ids } = chunked;
    const verdict = new Int8Array(ids.length).fill(-1);
    const injectedRow = new Uint8Array(ids.length);
    const verdicts = db
      .prepare(
        "SELECT event_id, verdict = 'confirmed' FROM labels WHERE dataset_id = ? AND verdict IN ('confirmed', 'false_positive')",
      )
      .raw()
      .all(ds.id) as [number, number][];
    for (const [id, v] of verdicts) {
      const i = indexOf(ids, id);
      if (i >= 0) verdict[i] = v;
    }
    const injected = db
      .prepare('SELECT event_id FROM injected_events WHERE dataset_id = ?')
      .pluck()
      .all(ds.id) as number[];
    for (const id of injected) {
      const i = indexOf(ids, id);
      if (i >= 0) injectedRow[i] = 1;
    }
    const given = !label ? null : 'codes' in label ? textValues(label) : (label as Float64Array);
    return { ids, ts: ts as Float64Array, verdict, injectedRow, given };
  }
  const givenSql = labelCol ? `d."${labelCol.sqlName}"` : 'NULL';
  const verdictSql = `CASE lb.verdict WHEN 'confirmed' THEN 1 WHEN 'false_positive' THEN 0 ELSE -1 END`;
  const n = db
    .prepare(`SELECT count(*) FROM ${tableOf(ds.id)}`)
    .pluck()
    .get() as number;
  const rows = db
    .prepare(
      `SELECT d._id, d._ts, ${verdictSql}, ie.event_id IS NOT NULL, ${givenSql} FROM ${tableOf(ds.id)} d
       LEFT JOIN injected_events ie ON ie.dataset_id = ${ds.id} AND ie.event_id = d._id
       LEFT JOIN labels lb ON lb.dataset_id = ${ds.id} AND lb.event_id = d._id
       ORDER BY d._id`,
    )
    .raw()
    .iterate() as IterableIterator<(number | string | null)[]>;
  const ids = new Float64Array(n);
  const ts = new Float64Array(n);
  const verdict = new Int8Array(n);
  const injectedRow = new Uint8Array(n);
  const given: (number | string | null)[] = new Array(n);
  let i = 0;
  for (const row of rows) {
    if (i >= n) break;
    ids[i] = row[0] as number;
    ts[i] = row[1] === null ? NaN : (row[1] as number);
    verdict[i] = row[2] as number;
    injectedRow[i] = row[3] ? 1 : 0;
    given[i] = row[4];
    i++;
  }
  return {
    ids: ids.subarray(0, i),
    ts: ts.subarray(0, i),
    verdict: verdict.subarray(0, i),
    injectedRow: injectedRow.subarray(0, i),
    given: labelCol ? (given.slice(0, i) as RawColumn) : null,
  };
}

/** Event ids, times and labels, in id order. */
function loadBase(
  db: DB,
  ds: DatasetInfo,
  { label, positive, negative }: Pick<TrainRequest, 'label' | 'positive' | 'negative'>,
): {
  ids: Float64Array;
  ts: Float64Array;
  labels: Uint8Array | null;
  normal: Uint8Array;
  confirmed: Uint8Array;
  labelSource: string;
  labelColumn: ColumnInfo | null;
} {
  const labelCol =
    label !== undefined
      ? ds.columns.find((c) => c.name === label || c.sqlName === label)
      : ds.columns.find((c) => c.role === 'label');
  if (label !== undefined && !labelCol) fail('BAD_REQUEST', `dataset "${ds.name}" has no column "${label}"`);
  const injected = db
    .prepare('SELECT count(*) FROM injected_events WHERE dataset_id = ?')
    .pluck()
    .get(ds.id) as number;
  const verdicts = db
    .prepare(
      "SELECT count(*) FROM labels WHERE dataset_id = ? AND verdict IN ('confirmed', 'false_positive')",
    )
    .pluck()
    .get(ds.id) as number;
  const base = readBaseRows(db, ds, labelCol ?? null);
  const { ids, ts, verdict, injectedRow, given } = base;
  const n = ids.length;
  const labels = labelCol || injected || verdicts ? new Uint8Array(n) : null;
  const normal = new Uint8Array(n);
  const confirmed = new Uint8Array(n);
  if ((positive || negative) && !labelCol)
    fail(
      'BAD_REQUEST',
      `dataset "${ds.name}" has no label column to read ${positive ? 'positive' : 'negative'} values from: name it with --label`,
    );
  // a text label's attack values chosen at import, when the training names none: they belong
  // to the column the import took as the label (named in its mapping, or else the label role's)
  if (labelCol && !positive && !negative) {
    const mapping = readDatasetMapping(db, ds.id);
    const chosen = mapping?.positive;
    const theirs = mapping?.roles?.label;
    if (chosen?.length && (theirs ? theirs === labelCol.name : label === undefined)) positive = chosen;
  }
  const norm = (v: string) => v.trim().toLowerCase();
  const pos = positive && new Set(positive.map(norm));
  const neg = negative && new Set(negative.map(norm));
  const values = new Map<string, number>(); // the label column's values, for an error that lists them
  const unknown = new Set<string>();
  // An analyst's verdict outranks every other source of labels; injected attacks are positives;
  // with only verdicts, what nobody flagged counts as normal.
  for (let i = 0; i < n; i++) {
    const v = verdict[i];
    if (v === 0) normal[i] = 1;
    else if (v === 1) confirmed[i] = 1;
    if (labels && v >= 0) labels[i] = v;
    else if (labels && injectedRow[i]) labels[i] = 1;
    else if (labels && !labelCol) labels[i] = 0;
    else if (labels) {
      const x = given![i];
      const s = x === null || x !== x ? '' : norm(String(x));
      if (values.size < 50) values.set(s, (values.get(s) ?? 0) + 1);
      if (pos && neg) {
        if (pos.has(s)) labels[i] = 1;
        else if (neg.has(s) || s === '') labels[i] = 0;
        else unknown.add(s);
      } else if (pos) labels[i] = pos.has(s) ? 1 : 0;
      else if (neg) labels[i] = neg.has(s) || s === '' ? 0 : 1;
      else if (TRUE.has(s)) labels[i] = 1;
      else if (FALSE.has(s) || s === '') labels[i] = 0;
      else unknown.add(s);
    }
  }
  const listed = (xs: Iterable<string>) =>
    [...xs]
      .slice(0, 8)
      .map((v) => JSON.stringify(v))
      .join(', ');
  if (unknown.size) {
    fail(
      'BAD_REQUEST',
      `label column "${labelCol!.name}" is not binary: it has ${listed(unknown)}${unknown.size > 8 ? '…' : ''} besides 0/1 (its values: ${listed(values.keys())}); say which mean an attack with --positive VALUE[,VALUE] (or which are normal with --negative)`,
      { column: labelCol!.name },
    );
  }
  for (const [given, set] of [
    ['positive', pos],
    ['negative', neg],
  ] as const) {
    const missing = set ? [...set].filter((v) => !values.has(v)) : [];
    if (set && values.size < 50 && missing.length)
      fail(
        'BAD_REQUEST',
        `label column "${labelCol!.name}" has no value ${listed(missing)} (its values: ${listed(values.keys())}): check the ${given} values`,
        { column: labelCol!.name },
      );
  }
  const labelSource =
    (labelCol
      ? `column ${labelCol.name}` +
        (pos ? ` (attacks: ${listed(pos)})` : neg ? ` (normal: ${listed(neg)})` : '')
      : injected
        ? 'injected scenarios'
        : verdicts
          ? 'analyst verdicts'
          : 'none') + (verdicts && (labelCol || injected) ? ` and ${verdicts} analyst verdicts` : '');
  return { ids, ts, labels, normal, confirmed, labelSource, labelColumn: labelCol ?? null };
}

/**
 * The order rows are split in: by time (train on the past, test on the latest) when the events
 * have times; else a seeded shuffle, stratified by label so each slice holds its share of
 * positives. 70% train, 10% validation, 20% test.
 */
export function splitOrder(
  ts: Float64Array,
  labels: Uint8Array | null,
  seed: number,
): { order: Int32Array; a: number; b: number; by: 'time' | 'shuffle' } {
  const n = ts.length;
  const order = new Int32Array(n);
  if (ts.some((t) => t === t)) {
    for (let i = 0; i < n; i++) order[i] = i;
    let sorted = true; // events stored in time order (the usual case): nothing to sort
    for (let i = 1; i < n && sorted; i++) sorted = ts[i] >= ts[i - 1];
    if (sorted && ts[0] === ts[0])
      return { order, a: Math.floor(n * 0.7), b: Math.floor(n * 0.8), by: 'time' };
    // time, then id (rows are in id order); events without a time first, as SQL sorts NULLs
    order.sort((x, y) => {
      const tx = ts[x];
      const ty = ts[y];
      if (tx !== tx) return ty !== ty ? x - y : -1;
      if (ty !== ty) return 1;
      return tx - ty || x - y;
    });
    return { order, a: Math.floor(n * 0.7), b: Math.floor(n * 0.8), by: 'time' };
  }
  const r = rng(seed);
  const shuffled = (xs: number[]) => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  };
  const groups = labels
    ? [0, 1].map((v) => shuffled([...Array(n).keys()].filter((i) => labels[i] === v)))
    : [shuffled([...Array(n).keys()])];
  const cut = (g: number[], from: number, to: number) =>
    g.slice(Math.floor(g.length * from), Math.floor(g.length * to));
  const parts = [
    [0, 0.7],
    [0.7, 0.8],
    [0.8, 1],
  ].map(([from, to]) => groups.flatMap((g) => cut(g, from, to)));
  order.set([...parts[0], ...parts[1], ...parts[2]]);
  return { order, a: parts[0].length, b: parts[0].length + parts[1].length, by: 'shuffle' };
}

/** Every value of `col` at `rows` is empty, or the same. */
function constantOn(col: Float32Array, rows: Int32Array): boolean {
  let first = NaN;
  for (let k = 0; k < rows.length; k++) {
    const v = col[rows[k]];
    if (v !== v) continue;
    if (first !== first) first = v;
    else if (v !== first) return false;
  }
  return true;
}

/** The same float32 values (NaN as NaN) in every row. */
function sameValues(x: Float32Array, y: Float32Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && (x[i] === x[i] || y[i] === y[i])) return false;
  return true;
}

const identities = new WeakMap<Int32Array, boolean>();
/** Rows already in split order (events in time order): nothing to move. */
function isIdentity(order: Int32Array): boolean {
  let known = identities.get(order);
  if (known === undefined) {
    known = order.every((v, i) => v === i);
    identities.set(order, known);
  }
  return known;
}

const permute = <T extends Float32Array | Float64Array | Uint8Array>(xs: T, order: Int32Array): T => {
  if (isIdentity(order)) return xs;
  const out = new (xs.constructor as new (n: number) => T)(order.length);
  for (let i = 0; i < order.length; i++) out[i] = xs[order[i]];
  return out;
};

/**
 * Everything a training reads, in split order: the stored point-in-time features and the
 * dataset's own columns as features (fitted on the training rows), the labels, the times.
 */
export function loadTrainingData(db: DB, ds: DatasetInfo, req: TrainRequest): Loaded {
  // One read snapshot: an import committing meanwhile cannot put different rows in the parts.
  db.exec('BEGIN');
  try {
    return loadSnapshot(db, ds, req);
  } finally {
    db.exec('COMMIT');
  }
}

function loadSnapshot(db: DB, ds: DatasetInfo, req: TrainRequest): Loaded {
  const set =
    readFeatureSet(db, ds.id) ??
    fail('BAD_REQUEST', `dataset "${ds.name}" has no features yet: build them first (sentinel features)`);
  checkFeaturesCurrent(db, ds);
  const base = loadBase(db, ds, req);
  const n = base.ids.length;
  if (n < 50)
    fail(
      'BAD_REQUEST',
      `dataset "${ds.name}" has ${n} event${n === 1 ? '' : 's'}: too few to train on (at least 50)`,
    );
  const seed = typeof req.params?.seed === 'number' ? req.params.seed : 42;
  const split = splitOrder(base.ts, base.labels, seed);
  const trainRows = split.order.subarray(0, split.a);
  const stored = set.names.length ? readStoredFeatures(db, ds.id, set.names) : null;
  if (stored && (stored.ids.length !== n || stored.ids.some((id, i) => id !== base.ids[i])))
    fail('BAD_REQUEST', `the features of dataset "${ds.name}" do not cover its events: build them again`);
  const candidates = candidateColumns(
    ds,
    { columns: req.columns, exclude: req.excludeColumns },
    base.labelColumn,
  );
  const { raw } = readRawColumns(db, ds, candidates);
  const fitted = fitColumnFeatures(candidates, raw, trainRows, req.columns !== undefined);
  const names = [...set.names, ...fitted.features.map((f) => f.name)];
  const columns = [
    ...(stored?.columns ?? []),
    ...fitted.features.map((f) =>
      columnFeatureValues(f, raw[candidates.findIndex((c) => c.sqlName === f.column)]),
    ),
  ];
  const keep = names.map((_, k) => !constantOn(columns[k], trainRows));
  if (!keep.some(Boolean)) {
    const skipped = fitted.uses.filter((u) => u.use === 'skipped').map((u) => `${u.column} (${u.why})`);
    fail(
      'BAD_REQUEST',
      `dataset "${ds.name}": every feature is empty or constant on the training rows, so no model can learn from it` +
        (names.length
          ? ` (features: ${names.slice(0, 12).join(', ')}${names.length > 12 ? '…' : ''})`
          : ' (no features)') +
        (skipped.length ? `; columns left out: ${skipped.slice(0, 8).join('; ')}` : ''),
    );
  }
  // A column whose values a point-in-time feature already gives (the amount) is not given twice.
  const uses = fitted.uses.map((u) => ({ ...u }));
  const storedCount = set.names.length;
  fitted.features.forEach((f, i) => {
    const k = storedCount + i;
    if (!keep[k] || fitted.features.filter((g) => g.column === f.column).length !== 1) return;
    const twin = set.names.findIndex((_, j) => keep[j] && sameValues(columns[j], columns[k]));
    if (twin < 0) return;
    keep[k] = false;
    const use = uses.find((u) => u.column === f.source);
    if (use) Object.assign(use, { use: 'skipped', why: `same values as the feature ${set.names[twin]}` });
  });
  const kept = new Set(names.filter((_, k) => keep[k]));
  return {
    names: names.filter((_, k) => keep[k]),
    columns: columns.filter((_, k) => keep[k]).map((c) => permute(c, split.order)),
    ts: permute(base.ts, split.order),
    labels: base.labels && permute(base.labels, split.order),
    normal: permute(base.normal, split.order),
    confirmed: permute(base.confirmed, split.order),
    labelSource: base.labelSource,
    columnFeatures: fitted.features.filter((f) => kept.has(f.name)),
    columnUses: uses,
    split: { a: split.a, b: split.b, by: split.by, ...(split.by === 'shuffle' ? { seed } : {}) },
  };
}

/** Models read stored features: they must cover the dataset as it is now. */
export function checkFeaturesCurrent(db: DB, ds: DatasetInfo): void {
  if (featuresCurrent(db, ds.id)) return;
  const events = db
    .prepare(`SELECT count(*) FROM ${tableOf(ds.id)}`)
    .pluck()
    .get() as number;
  const have = readFeatureSet(db, ds.id)
    ? (db
        .prepare(`SELECT count(*) FROM ${featuresTable(ds.id)}`)
        .pluck()
        .get() as number)
    : 0;
  fail(
    'BAD_REQUEST',
    `the features of dataset "${ds.name}" are out of date (${events} events, ${have} with features): build them first (sentinel features)`,
  );
}

const count = (n: number) => n.toLocaleString('en-US');
const slice = (cols: Float32Array[], from: number, to: number) => cols.map((c) => c.subarray(from, to));
const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : null);

export function trainOnDataset(
  db: DB,
  ds: DatasetInfo,
  req: TrainRequest,
  onProgress: (done: number, total: number) => void,
  cancelled: () => boolean = () => false,
): TrainedModel {
  const t0 = performance.now();
  const data = loadTrainingData(db, ds, req);
  const readSeconds = (performance.now() - t0) / 1000;
  const n = data.ts.length;
  const positives = data.labels ? data.labels.reduce((s, v) => s + v, 0) : 0;
  if (req.model === 'gbdt') {
    if (!data.labels) {
      fail(
        'BAD_REQUEST',
        `dataset "${ds.name}" has no labels: inject attack scenarios (sentinel inject) or name a label column (--label), or train an unsupervised model (--model iforest)`,
      );
    }
    if (positives === 0 || positives === n) {
      fail(
        'BAD_REQUEST',
        `dataset "${ds.name}" has ${positives === 0 ? 'no positive' : 'only positive'} labels (${data.labelSource}): a classifier needs both classes; try --model iforest`,
      );
    }
  }
  // 70% train, 10% validation, 20% test: by time, or (no times) a stratified seeded shuffle.
  const { a, b } = data.split;
  if (req.model === 'gbdt') {
    const trainPositives = data.labels!.subarray(0, a).reduce((s, v) => s + v, 0);
    if (trainPositives === 0) {
      fail(
        'BAD_REQUEST',
        `dataset "${ds.name}": every labelled event falls after the training period (the earliest 70% by time); inject scenarios earlier in time, or label earlier events`,
      );
    }
  }
  const policy: ThresholdPolicy = req.policy ?? { kind: 'best_f1' };
  // without times, an alert budget per day is a budget per 1,000 events
  const days = (from: number, to: number) =>
    data.split.by === 'time'
      ? Math.max(1 / 24, (data.ts[to - 1] - data.ts[from]) / 86_400_000)
      : Math.max(1, to - from) / 1000;
  // Best F1 needs positives in the validation slice; without them the alert budget decides.
  const thresholdOn = (scores: ArrayLike<number>, labels: Uint8Array | null, from: number, to: number) =>
    policy.kind === 'budget' || !labels || !labels.some((v) => v === 1)
      ? budgetThreshold(scores, policy.kind === 'budget' ? policy.perDay : 10, days(from, to))
      : bestF1Threshold(scores, labels);

  const labelsIn = (from: number, to: number) =>
    data.labels && positives ? data.labels.subarray(from, to) : null;
  // One shape for every kind: fit on the training slice, score validation and test.
  const fitted = (() => {
    if (req.model === 'gbdt') {
      // Classes are not re-weighted by default (XGBoost's default): weighing the rare positives
      // up by hundreds makes the trees chase the rare values of sparse columns.
      const p: GbdtParams = { ...DEFAULT_PARAMS, earlyStoppingRounds: 20, ...req.params };
      const model = trainGbdt(
        data.names,
        { columns: slice(data.columns, 0, a), labels: data.labels!.subarray(0, a) },
        p,
        {
          validation: { columns: slice(data.columns, a, b), labels: data.labels!.subarray(a, b) },
          onTree: (done) => onProgress(done, p.trees),
          cancelled,
        },
      );
      if (cancelled()) fail('CANCELLED', 'training cancelled');
      const score = (cols: Float32Array[]) => predictProba(model, cols);
      return {
        params: { ...p, treesKept: model.trees.length } as Record<string, unknown>,
        score,
        // the validation rows' scores, as training left them (the same walk over their bins)
        validation: model.validationMargin?.map((m) => 1 / (1 + Math.exp(-m))) ?? null,
        body: (meta: ModelMetadata) => exportOnnx(model, { sentinelrisk: JSON.stringify(meta) }),
        fittedOn: undefined,
        all: null,
      };
    }
    const kind = req.model;
    const options = {
      seed: typeof req.params?.seed === 'number' ? req.params.seed : 42,
      ...(typeof req.params?.trees === 'number' ? { trees: req.params.trees } : {}),
    };
    // Fitted on the training rows analysts marked normal when there are enough, else on all of
    // them but the attacks analysts confirmed (a detector must not learn those as normal).
    const marked: number[] = [];
    const unconfirmed: number[] = [];
    for (let i = 0; i < a; i++) {
      if (data.normal[i]) marked.push(i);
      if (!data.confirmed[i]) unconfirmed.push(i);
    }
    const onMarked = marked.length >= MIN_MARKED_NORMAL;
    const fitRows = onMarked ? marked : unconfirmed;
    const fitColumns =
      fitRows.length === a
        ? slice(data.columns, 0, a)
        : data.columns.map((c) => Float32Array.from(fitRows, (i) => c[i]));
    const attacks = a - unconfirmed.length;
    const detector = fitDetector(kind, data.names, fitColumns, options);
    if (cancelled()) fail('CANCELLED', 'training cancelled');
    // As ADBench evaluates detectors: fitted on every row (no labels used), scored on every row.
    const all =
      data.labels && positives
        ? fitDetector(kind, data.names, data.columns, options).score(data.columns)
        : null;
    onProgress(1, 1);
    return {
      params: DETECTORS[kind].params(options),
      fittedOn: onMarked
        ? `the ${count(marked.length)} training rows analysts marked normal`
        : `all ${count(a)} training rows` +
          (attacks ? ` but the ${count(attacks)} confirmed as attacks` : '') +
          (marked.length
            ? ` (${count(marked.length)} marked normal: too few to fit on, ${MIN_MARKED_NORMAL} needed)`
            : ''),
      score: (cols: Float32Array[]) => detector.score(cols),
      validation: null,
      body: () => new TextEncoder().encode(JSON.stringify(detector.serialize())),
      all,
    };
  })();
  const tFit = performance.now();
  const valScores = fitted.validation ?? fitted.score(slice(data.columns, a, b));
  const testScores = fitted.score(slice(data.columns, b, n));
  const threshold = thresholdOn(valScores, labelsIn(a, b), a, b);
  const metadata = {
    ...describe(ds, data, req.model, fitted.params, policy, threshold, positives, {
      validation: valScores,
      test: testScores,
      all: fitted.all,
    }),
    ...(fitted.fittedOn ? { fittedOn: fitted.fittedOn } : {}),
  };
  if (process.env.SENTINEL_TRACE)
    console.error(
      `train: read ${(readSeconds * 1000).toFixed(0)} ms, fit ${(tFit - t0 - readSeconds * 1000).toFixed(0)} ms, after ${(performance.now() - tFit).toFixed(0)} ms`,
    );
  return {
    kind: req.model,
    name: `${ds.name}-${req.model}`,
    metadata,
    body: fitted.body(metadata),
    readSeconds,
    ...(req.keepTestScores
      ? {
          testScores: {
            scores: Float64Array.from(testScores),
            labels: labelsIn(b, n),
            days: days(b, n),
          },
        }
      : {}),
  };
}

function describe(
  ds: DatasetInfo,
  data: Loaded,
  kind: ModelKind,
  params: Record<string, unknown>,
  policy: ThresholdPolicy,
  threshold: number,
  positives: number,
  scores: { validation: ArrayLike<number>; test: ArrayLike<number>; all: ArrayLike<number> | null },
): ModelMetadata {
  const n = data.ts.length;
  const { a, b, by, seed } = data.split;
  const labelled = data.labels !== null && positives > 0;
  const timed = by === 'time';
  return {
    format: 'sentinelrisk-model/1',
    kind,
    featureNames: data.names,
    trainedOn: {
      dataset: ds.name,
      rows: a,
      positives,
      from: timed ? iso(data.ts[0]) : null,
      to: timed ? iso(data.ts[a - 1]) : null,
      labels: data.labelSource,
    },
    split: { train: a, validation: b - a, test: n - b, by, ...(seed === undefined ? {} : { seed }) },
    columnFeatures: data.columnFeatures,
    columns: data.columnUses,
    params,
    policy,
    threshold,
    metrics: {
      validation: labelled ? metricsAt(scores.validation, data.labels!.subarray(a, b), threshold) : null,
      test: labelled ? metricsAt(scores.test, data.labels!.subarray(b, n), threshold) : null,
      ...(scores.all && labelled ? { all: metricsAt(scores.all, data.labels!, threshold) } : {}),
    },
    createdAt: new Date().toISOString(),
  };
}
