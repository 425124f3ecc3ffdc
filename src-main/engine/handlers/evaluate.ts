// Evaluation: every model kind trained on the same split of a dataset and measured on its test
// rows side by side (metrics at each one's threshold, alerts a day, ROC and PR curves), kept in
// the case with the request and the engine's version. A kind that cannot be trained here (boosted
// trees without both classes) is listed with why; no labels at all is an error, not figures.
import { version } from '../../../package.json';
import {
  MODEL_KINDS,
  type EvaluationEntry,
  type EvaluationResult,
  type ModelKind,
} from '../../../src-shared/domain';
import { err, ok, type Result } from '../../../src-shared/result';
import { runCompute } from '../compute-client';
import type { Job } from '../jobs';
import { curves } from '../models/metrics';
import { featuresFirst } from './features';
import type { TrainRequest } from '../models/train-dataset';
import type { DomainHandlers, HandlerContext, ParamsOut } from './context';

type EvaluateParams = ParamsOut<'model.evaluate'>;

async function evaluateStep(
  ctx: HandlerContext,
  job: Job,
  casePath: string,
  ds: { name: string; rows: number },
  p: EvaluateParams,
): Promise<Result<EvaluationResult>> {
  const features = await featuresFirst(ctx, job, casePath, p.datasetId);
  if (!features.ok) return features;
  const kinds: ModelKind[] = p.models ?? [...MODEL_KINDS];
  const entries: EvaluationEntry[] = [];
  let split: EvaluationResult['split'] | null = null;
  let labels = '';
  for (const [k, kind] of kinds.entries()) {
    if (job.cancelled) return err('CANCELLED', 'evaluation cancelled');
    job.progress.label = `Evaluating ${ds.name}: ${kind} (${k + 1} of ${kinds.length})`;
    const req: TrainRequest = {
      datasetId: p.datasetId,
      model: kind,
      label: p.label,
      positive: p.positive,
      negative: p.negative,
      params: p.seed === undefined ? {} : { seed: p.seed },
      keepTestScores: true,
    };
    const started = performance.now();
    const r = await runCompute(job, 'train', { casePath, ...req });
    const seconds = (performance.now() - started) / 1000;
    if (!r.ok) {
      if (r.error.code === 'CANCELLED') return r;
      entries.push({
        kind,
        test: null,
        why: r.error.message,
        params: {},
        alertsPerDay: null,
        roc: [],
        pr: [],
        seconds,
      });
      continue;
    }
    const t = r.value;
    const m = t.metadata;
    split = {
      by: m.split.by,
      train: m.split.train,
      validation: m.split.validation,
      test: m.split.test,
      seed: m.split.seed ?? null,
    };
    labels = m.trainedOn.labels;
    const test = t.testScores;
    const scoresLabels = test && test.labels && test.labels.some((v) => v === 1) ? test.labels : null;
    const detected = test ? test.scores.reduce((s, v) => s + (v >= m.threshold ? 1 : 0), 0) : 0;
    entries.push({
      kind,
      test: m.metrics.test,
      why: m.metrics.test ? null : 'no attacks among the test rows: nothing to measure',
      params: m.params,
      alertsPerDay: test ? detected / test.days : null,
      ...(test && scoresLabels ? curves(test.scores, scoresLabels) : { roc: [], pr: [] }),
      seconds,
    });
  }
  if (!split || !entries.some((e) => e.test))
    return err(
      'BAD_REQUEST',
      `dataset "${ds.name}" cannot be evaluated: ${entries.find((e) => e.why)?.why ?? 'no model could be trained on it'}. An evaluation needs labels (a label column, injected scenarios or analyst verdicts) with attacks among the latest rows`,
    );
  const result: Omit<EvaluationResult, 'id'> = {
    datasetId: p.datasetId,
    dataset: ds.name,
    datasetRows: ds.rows,
    labels,
    split,
    appVersion: version,
    request: { ...p },
    entries,
    createdAt: new Date().toISOString(),
  };
  job.phase('saving');
  const saved = await ctx.db().call('saveEvaluation', result);
  if (!saved.ok) return saved;
  return ok({ ...result, id: saved.value });
}

export const evaluateHandlers = {
  'model.evaluate': (p, ctx) => {
    const open = ctx.dataset(p.datasetId);
    if (!open.ok) return open;
    const { ds, info } = open.value;
    const { jobId } = ctx.jobs.start('evaluate', `Evaluating ${ds.name}`, (job) =>
      evaluateStep(ctx, job, info.path, ds, p),
    );
    return ok({ jobId });
  },
  'evaluation.list': (p, ctx) => {
    const open = ctx.dataset(p.datasetId);
    if (!open.ok) return open;
    return ctx.onCase('evaluations', p.datasetId);
  },
} satisfies DomainHandlers;
