// Training a model on a dataset's stored features, in a compute worker: labels from a label
// column or from injected scenarios, a time-ordered split (train on the past, stop early on the
// next slice, test on the latest), a threshold chosen by a stated policy on the validation slice.
import type { DatasetInfo } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { tableOf } from '../db/case-store';
import { featuresTable, readFeatureSet } from '../db/features-store';
import type { DB } from '../db/open-case';
import { trainGbdt, predictProba, DEFAULT_PARAMS, type GbdtParams } from './gbdt/train';
import { bestF1Threshold, budgetThreshold, metricsAt, type Metrics } from './metrics';
import { exportOnnx } from './onnx/export';
import { fitHbos, fitIsolationForest } from './unsupervised';

export type ModelKind = 'gbdt' | 'iforest' | 'hbos';
export type ThresholdPolicy = { kind: 'best_f1' } | { kind: 'budget'; perDay: number };

export interface TrainRequest {
  datasetId: number;
  model: ModelKind;
  /** A column of 0/1 labels; by default the dataset's label column, else injected scenarios. */
  label?: string;
  params?: Partial<GbdtParams>;
  policy?: ThresholdPolicy;
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
  split: { train: number; validation: number; test: number; by: 'time' };
  params: Record<string, unknown>;
  policy: ThresholdPolicy;
  threshold: number;
  metrics: { validation: Metrics | null; test: Metrics | null };
  createdAt: string;
}

export interface TrainedModel {
  kind: ModelKind;
  name: string;
  metadata: ModelMetadata;
  /** ONNX bytes (gbdt) or the detector as JSON (iforest, hbos). */
  body: Uint8Array;
}

interface Loaded {
  names: string[];
  columns: Float32Array[];
  ts: Float64Array;
  labels: Uint8Array | null;
  labelSource: string;
}

const TRUE = new Set(['1', 'true', 'yes', 'fraud', 'anomaly', 'attack']);
const FALSE = new Set(['0', 'false', 'no', 'normal', 'benign']);

/** Features (and labels) of every event, in time order. */
export function loadTrainingData(db: DB, ds: DatasetInfo, label: string | undefined): Loaded {
  const set =
    readFeatureSet(db, ds.id) ??
    fail('BAD_REQUEST', `dataset "${ds.name}" has no features yet: build them first (sentinel features)`);
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
  const baseSql = labelCol
    ? `CASE WHEN ie.event_id IS NOT NULL THEN 1 ELSE d."${labelCol.sqlName}" END` // injected attacks are positives
    : injected
      ? `CASE WHEN ie.event_id IS NULL THEN 0 ELSE 1 END`
      : verdicts
        ? '0' // only analysts' verdicts: what nobody flagged counts as normal
        : 'NULL';
  // An analyst's verdict outranks every other source of labels.
  const labelSql = `CASE lb.verdict WHEN 'confirmed' THEN 1 WHEN 'false_positive' THEN 0 ELSE ${baseSql} END`;
  checkFeaturesCurrent(db, ds);
  const n = db
    .prepare(`SELECT count(*) FROM ${featuresTable(ds.id)}`)
    .pluck()
    .get() as number;
  const rows = db
    .prepare(
      `SELECT d._ts, ${labelSql} AS label, ${set.names.map((n) => `f."${n}"`).join(', ')}
       FROM ${featuresTable(ds.id)} f JOIN ${tableOf(ds.id)} d ON d._id = f.event_id
       LEFT JOIN injected_events ie ON ie.dataset_id = ${ds.id} AND ie.event_id = f.event_id
       LEFT JOIN labels lb ON lb.dataset_id = ${ds.id} AND lb.event_id = f.event_id
       ORDER BY d._ts, d._id`,
    )
    .raw()
    .iterate() as IterableIterator<(number | string | null)[]>;
  const columns = set.names.map(() => new Float32Array(n));
  const ts = new Float64Array(n);
  const labels = labelCol || injected || verdicts ? new Uint8Array(n) : null;
  const seen = new Set<string>();
  let i = 0;
  for (const row of rows) {
    if (i >= n) break;
    ts[i] = row[0] === null ? NaN : (row[0] as number);
    if (labels) {
      const v = row[1];
      const s = v === null ? '' : String(v).trim().toLowerCase();
      if (TRUE.has(s)) labels[i] = 1;
      else if (FALSE.has(s) || s === '') labels[i] = 0;
      else seen.add(s);
    }
    for (let f = 0; f < columns.length; f++) {
      const v = row[f + 2];
      columns[f][i] = v === null ? NaN : (v as number);
    }
    i++;
  }
  if (seen.size) {
    fail(
      'BAD_REQUEST',
      `label column "${labelCol!.name}" is not binary: it has ${[...seen]
        .slice(0, 5)
        .map((v) => JSON.stringify(v))
        .join(', ')}${seen.size > 5 ? '…' : ''} besides 0/1`,
    );
  }
  return {
    names: set.names,
    columns,
    ts,
    labels,
    labelSource:
      (labelCol
        ? `column ${labelCol.name}`
        : injected
          ? 'injected scenarios'
          : verdicts
            ? 'analyst verdicts'
            : 'none') + (verdicts && (labelCol || injected) ? ` and ${verdicts} analyst verdicts` : ''),
  };
}

/** Models read stored features: they must cover the dataset as it is now. */
export function checkFeaturesCurrent(db: DB, ds: DatasetInfo): void {
  const set = readFeatureSet(db, ds.id);
  const now = db.prepare(`SELECT count(*) AS n, max(_id) AS max FROM ${tableOf(ds.id)}`).get() as {
    n: number;
    max: number | null;
  };
  const have = set
    ? (db
        .prepare(`SELECT count(*) FROM ${featuresTable(ds.id)}`)
        .pluck()
        .get() as number)
    : 0;
  if (!set || have !== now.n || set.maxEventId !== (now.max ?? 0)) {
    fail(
      'BAD_REQUEST',
      `the features of dataset "${ds.name}" are out of date (${now.n} events, ${have} with features): build them first (sentinel features)`,
    );
  }
}

const slice = (cols: Float32Array[], from: number, to: number) => cols.map((c) => c.subarray(from, to));
const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : null);

export function trainOnDataset(
  db: DB,
  ds: DatasetInfo,
  req: TrainRequest,
  onProgress: (done: number, total: number) => void,
  cancelled: () => boolean = () => false,
): TrainedModel {
  const data = loadTrainingData(db, ds, req.label);
  const n = data.ts.length;
  if (n < 50) fail('BAD_REQUEST', `dataset "${ds.name}" has ${n} events with features: too few to train on`);
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
  // Time-ordered split: 70% train, 10% validation, 20% test (never shuffled across time).
  const a = Math.floor(n * 0.7);
  const b = Math.floor(n * 0.8);
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
  const days = (from: number, to: number) => Math.max(1 / 24, (data.ts[to - 1] - data.ts[from]) / 86_400_000);
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
      const p: GbdtParams = {
        ...DEFAULT_PARAMS,
        earlyStoppingRounds: 20,
        scalePosWeight: 'balanced',
        ...req.params,
      };
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
        body: (meta: ModelMetadata) => exportOnnx(model, { sentinelrisk: JSON.stringify(meta) }),
      };
    }
    const detector = (req.model === 'iforest' ? fitIsolationForest : fitHbos)(
      data.names,
      slice(data.columns, 0, a),
    );
    if (cancelled()) fail('CANCELLED', 'training cancelled');
    onProgress(1, 1);
    return {
      params: (req.model === 'iforest' ? { trees: 200, sampleSize: 256 } : { bins: 20 }) as Record<
        string,
        unknown
      >,
      score: (cols: Float32Array[]) => detector.score(cols),
      body: () => new TextEncoder().encode(JSON.stringify(detector.serialize())),
    };
  })();
  const valScores = fitted.score(slice(data.columns, a, b));
  const testScores = fitted.score(slice(data.columns, b, n));
  const threshold = thresholdOn(valScores, labelsIn(a, b), a, b);
  const metadata = describe(
    ds,
    data,
    req.model,
    fitted.params,
    policy,
    threshold,
    positives,
    valScores,
    testScores,
    a,
    b,
  );
  return { kind: req.model, name: `${ds.name}-${req.model}`, metadata, body: fitted.body(metadata) };
}

function describe(
  ds: DatasetInfo,
  data: Loaded,
  kind: ModelKind,
  params: Record<string, unknown>,
  policy: ThresholdPolicy,
  threshold: number,
  positives: number,
  valScores: ArrayLike<number>,
  testScores: ArrayLike<number>,
  a: number,
  b: number,
): ModelMetadata {
  const n = data.ts.length;
  const labelled = data.labels !== null && positives > 0;
  return {
    format: 'sentinelrisk-model/1',
    kind,
    featureNames: data.names,
    trainedOn: {
      dataset: ds.name,
      rows: a,
      positives,
      from: iso(data.ts[0]),
      to: iso(data.ts[a - 1]),
      labels: data.labelSource,
    },
    split: { train: a, validation: b - a, test: n - b, by: 'time' },
    params,
    policy,
    threshold,
    metrics: {
      validation: labelled ? metricsAt(valScores, data.labels!.subarray(a, b), threshold) : null,
      test: labelled ? metricsAt(testScores, data.labels!.subarray(b, n), threshold) : null,
    },
    createdAt: new Date().toISOString(),
  };
}
