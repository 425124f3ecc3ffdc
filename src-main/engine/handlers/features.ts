// Point-in-time features: computed in a compute worker, stored by the DB worker.
import type { FeaturesResult } from '../../../src-shared/domain';
import { ok, type Result } from '../../../src-shared/result';
import { runCompute } from '../compute-client';
import type { Job } from '../jobs';
import type { DomainHandlers, HandlerContext } from './context';

/**
 * A job that reads stored features (training, an evaluation) builds them first when they are
 * missing or behind the events, saying so in its label.
 */
export async function featuresFirst(
  ctx: HandlerContext,
  job: Job,
  casePath: string,
  datasetId: number,
): Promise<Result<null>> {
  const current = await ctx.db().call('featuresCurrent', datasetId);
  if (!current.ok) return current;
  if (current.value) return ok(null);
  const label = job.progress.label;
  job.progress.label = `${label} · building features first`;
  const built = await featuresStep(ctx, job, casePath, datasetId, false);
  job.progress.label = label;
  return built.ok ? ok(null) : built;
}

/** Builds (or brings up to date) a dataset's features, inside a job (its own, or a bigger one). */
export async function featuresStep(
  ctx: HandlerContext,
  job: Job,
  casePath: string,
  datasetId: number,
  force: boolean,
): Promise<Result<FeaturesResult>> {
  const started = performance.now();
  const outcome = await runCompute(job, 'features', { casePath, datasetId, force });
  if (!outcome.ok) return outcome;
  const o = outcome.value;
  if (o.mode === 'current') {
    return ok({
      datasetId,
      features: o.names,
      rows: o.rows,
      written: 0,
      mode: o.mode,
      reason: 'every event already has its features',
      seconds: (performance.now() - started) / 1000,
    });
  }
  const { names, totalRows, ids, values } = o.write;
  const written = ids.length; // before the arrays move to the DB worker
  job.phase('writing');
  const r = await ctx
    .db()
    .callMoving(
      [ids.buffer as ArrayBuffer, ...values.map((v) => v.buffer as ArrayBuffer)],
      'writeFeatures',
      job.ticket,
      o.write,
    );
  if (!r.ok) return r;
  return ok({
    datasetId,
    features: names,
    rows: totalRows,
    written,
    mode: o.mode,
    reason: o.reason,
    seconds: (performance.now() - started) / 1000,
  });
}

export const featuresHandlers = {
  'features.build': ({ datasetId, force }, ctx) => {
    const open = ctx.dataset(datasetId);
    if (!open.ok) return open;
    const { ds, info } = open.value;
    const { jobId } = ctx.jobs.start('features', `Building features for ${ds.name}`, (job) =>
      featuresStep(ctx, job, info.path, datasetId, force ?? false),
    );
    return ok({ jobId });
  },
} satisfies DomainHandlers;
