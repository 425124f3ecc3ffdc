// Bringing a dataset's scores up to date in one job (one progress, one Cancel): its features
// (only new events when it can), then each given model scores again; or, `train`, a model is
// trained first (trees when the dataset has labels, else an Isolation Forest) and scores.
// Stops at the first failure; what earlier steps wrote stays.
import type { ScoreResult, TrainResult } from '../../../src-shared/domain';
import { err, ok } from '../../../src-shared/result';
import { featuresStep } from './features';
import { scoreStep, trainStep } from './models';
import type { DomainHandlers } from './context';

export const refreshHandlers = {
  'scores.refresh': ({ datasetId, modelIds = [], train = false }, ctx) => {
    const open = ctx.dataset(datasetId);
    if (!open.ok) return open;
    const { ds, info } = open.value;
    const casePath = info.path;
    const title = train
      ? `Building features, training and scoring ${ds.name}`
      : `Updating the scores of ${ds.name}`;
    const { jobId } = ctx.jobs.start('refresh', title, async (job) => {
      const started = performance.now();
      const steps = 1 + (train ? 2 : modelIds.length);
      let step = 0;
      const next = (what: string) => {
        job.progress.label = `${title} · ${++step}/${steps}: ${what}`;
        job.progress.phase = 'starting';
      };
      next('features');
      const built = await featuresStep(ctx, job, casePath, datasetId, false);
      if (!built.ok) return built;
      let trained: TrainResult | null = null;
      let models = modelIds;
      if (train) {
        if (job.cancelled) return err('CANCELLED', 'cancelled');
        next('training trees');
        const trainOne = (model: 'gbdt' | 'iforest') =>
          trainStep(ctx, job, casePath, { datasetId, model, params: {}, policy: { kind: 'best_f1' } });
        let t = await trainOne('gbdt');
        if (!t.ok && t.error.code === 'BAD_REQUEST' && /label/i.test(t.error.message)) {
          job.progress.label = `${title} · ${step}/${steps}: no labels, training an Isolation Forest`;
          t = await trainOne('iforest');
        }
        if (!t.ok) return t;
        trained = t.value;
        models = [t.value.model.id];
      }
      const listed = await ctx.db().call('models');
      const nameOf = (id: number) =>
        (listed.ok ? listed.value.find((m) => m.id === id)?.name : undefined) ?? `model ${id}`;
      const scored: ScoreResult[] = [];
      for (const modelId of models) {
        if (job.cancelled) return err('CANCELLED', 'cancelled');
        next(`scoring with ${nameOf(modelId)}`);
        const s = await scoreStep(ctx, job, { casePath, datasetId, modelId });
        if (!s.ok) return s;
        scored.push(s.value);
      }
      return ok({
        datasetId,
        built: built.value,
        trained,
        scored,
        seconds: (performance.now() - started) / 1000,
      });
    });
    return ok({ jobId });
  },
} satisfies DomainHandlers;
