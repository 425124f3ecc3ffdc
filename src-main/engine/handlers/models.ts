// Models: training (a compute worker) and scoring (detectors in a compute worker, ONNX models in
// the process's ONNX worker), each kept in the case by the DB worker.
import type { ScoreResult, TrainResult } from '../../../src-shared/domain';
import { err, ok, type Result } from '../../../src-shared/result';
import { runCompute } from '../compute-client';
import type { Job } from '../jobs';
import { writeModelFiles } from '../models/model-files';
import { outcome } from '../models/score-dataset';
import type { TrainRequest } from '../models/train-dataset';
import { scoreOnnx } from '../onnx-client';
import type { ScoreTask } from '../workers/compute-worker';
import type { DomainHandlers, HandlerContext, ParamsOut } from './context';
import { featuresFirst } from './features';

/** What to train, from a `model.train` request. */
export function trainRequest(q: ParamsOut<'model.train'>): TrainRequest {
  const params = Object.fromEntries(
    Object.entries({
      trees: q.trees,
      maxDepth: q.maxDepth,
      eta: q.eta,
      seed: q.seed,
      scalePosWeight: q.classWeight && (q.classWeight === 'none' ? 1 : 'balanced'),
      earlyStoppingRounds: q.earlyStopping === undefined ? undefined : q.earlyStopping || null,
    }).filter(([, v]) => v !== undefined),
  );
  return {
    datasetId: q.datasetId,
    model: q.model,
    label: q.label,
    positive: q.positive,
    negative: q.negative,
    params,
    policy: q.alertsPerDay ? { kind: 'budget', perDay: q.alertsPerDay } : { kind: 'best_f1' },
    columns: q.columns,
    excludeColumns: q.excludeColumns,
  };
}

/** Trains a model and keeps it in the case (and in `out`, when given), inside a job. */
export async function trainStep(
  ctx: HandlerContext,
  job: Job,
  casePath: string,
  req: TrainRequest,
  out?: string,
): Promise<Result<TrainResult>> {
  const started = performance.now();
  const features = await featuresFirst(ctx, job, casePath, req.datasetId);
  if (!features.ok) return features;
  job.phase('reading');
  const t1 = performance.now();
  const trained = await runCompute(job, 'train', { casePath, ...req });
  const t2 = performance.now();
  if (!trained.ok) return trained;
  const t = trained.value;
  if (job.cancelled) return err('CANCELLED', 'training cancelled');
  if (out) {
    // the files first: if they cannot be written, nothing is kept in the case either
    const written = writeModelFiles(out, t);
    if (!written.ok) return written;
  }
  job.phase('saving');
  const saved = await ctx.db().call('saveModel', {
    name: t.name,
    kind: t.kind,
    datasetId: req.datasetId,
    featureNames: t.metadata.featureNames,
    metadata: t.metadata,
    threshold: t.metadata.threshold,
    body: t.body,
  });
  if (!saved.ok) return saved;
  if (process.env.SENTINEL_TRACE)
    console.error(
      `train job: features check ${(t1 - started).toFixed(0)} ms, compute worker ${(t2 - t1).toFixed(0)} ms, saving ${(performance.now() - t2).toFixed(0)} ms`,
    );
  return ok({
    model: saved.value,
    seconds: (performance.now() - started) / 1000,
    readSeconds: t.readSeconds,
    validation: t.metadata.metrics.validation,
    test: t.metadata.metrics.test,
    all: t.metadata.metrics.all ?? null,
    split: t.metadata.split.by,
    columns: t.metadata.columns ?? [],
  });
}

/** Scores a dataset with a stored model or an ONNX file (then kept in the case), inside a job. */
export async function scoreStep(ctx: HandlerContext, job: Job, req: ScoreTask): Promise<Result<ScoreResult>> {
  const started = performance.now();
  const ready = await runCompute(job, 'score', req);
  if (!ready.ok) return ready;
  const { model, ids, features } = ready.value;
  let scores = ready.value.scores;
  if (!scores) {
    const viaOnnx = await scoreOnnx(model.body, model.name, features);
    if (!viaOnnx.ok) return viaOnnx;
    const named = viaOnnx.value.featureNames;
    if (named && named.join() !== model.featureNames.join())
      return err('BAD_REQUEST', `model "${model.name}": its metadata and its feature list disagree`);
    scores = viaOnnx.value.scores;
  }
  const result = outcome(ids, scores, model.threshold, new Set(ready.value.quiet));
  job.phase('saving');
  const rows = result.ids.length;
  const keep =
    model.id ??
    ({
      name: model.name,
      kind: model.kind,
      datasetId: null,
      featureNames: model.featureNames,
      metadata: model.metadata,
      threshold: model.threshold,
      body: model.body,
    } as const);
  const stored = await ctx
    .db()
    .callMoving(
      [result.ids.buffer as ArrayBuffer, result.scores.buffer as ArrayBuffer],
      'saveScores',
      job.ticket,
      keep,
      req.datasetId,
      result.ids,
      result.scores,
    );
  if (!stored.ok) return stored;
  // what the feed shows now: the toast and the feed say the same number
  const feed = await ctx.db().call('feed', { datasetId: req.datasetId, view: 'open', offset: 0, limit: 1 });
  return ok({
    modelId: stored.value,
    datasetId: req.datasetId,
    rows,
    anomalies: result.anomalies,
    openAlerts: feed.ok ? feed.value.counts.open : result.anomalies,
    threshold: result.threshold,
    seconds: (performance.now() - started) / 1000,
  });
}

export const modelsHandlers = {
  'model.list': (_p, ctx) => ctx.onCase('models'),
  'model.train': (p, ctx) => {
    const open = ctx.dataset(p.datasetId);
    if (!open.ok) return open;
    const { ds, info } = open.value;
    const req = trainRequest(p);
    const { jobId } = ctx.jobs.start('train', `Training ${req.model} on ${ds.name}`, (job) =>
      trainStep(ctx, job, info.path, req, p.out),
    );
    return ok({ jobId });
  },
  'model.score': (p, ctx) => {
    const release = () => {
      if (p.uploadId) ctx.options.releaseUpload?.(p.uploadId);
    };
    const open = ctx.dataset(p.datasetId);
    if (!open.ok) {
      release();
      return open;
    }
    const { ds, info } = open.value;
    let task: ScoreTask = { casePath: info.path, datasetId: p.datasetId, modelId: p.modelId };
    if (p.path !== undefined || p.uploadId !== undefined) {
      const src = ctx.resolveSource(p);
      if (!src.ok) return src;
      task = {
        casePath: info.path,
        datasetId: p.datasetId,
        modelFile: src.value.path,
        modelName: p.fileName ?? src.value.fileName,
      };
    }
    const { jobId } = ctx.jobs.start('score', `Scoring ${ds.name}`, (job) =>
      scoreStep(ctx, job, task).finally(release),
    );
    return ok({ jobId });
  },
} satisfies DomainHandlers;
