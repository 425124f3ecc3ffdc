// Building the demo case: generated files (a worker) imported, attacks injected, features built,
// card transactions scored by the bundled default model, the rules run over the logs. Built under
// a temporary name and renamed when complete, so an interrupted build never leaves a half-made
// demo case behind to be opened next time.
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CaseInfo } from '../../../src-shared/domain';
import { err, ok, toAppError, type Result } from '../../../src-shared/result';
import {
  DEMO_INJECTIONS,
  DEMO_RECIPE,
  DEMO_RECIPE_KEY,
  demoInjectionStart,
  type DemoFile,
} from '../demo/demo-data';
import { projectRoot } from '../features/config';
import type { Job } from '../jobs';
import { spawnWorker } from '../worker-spawn';
import { connectWorker } from '../worker-rpc';
import type { DemoApi, DemoEvents } from '../workers/demo-worker';
import type { DomainHandlers, HandlerContext } from './context';
import { featuresStep } from './features';
import { ingestStep } from './ingest-step';
import { scoreStep } from './models';
import { rulesStep } from './rules';

function removeCaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

/** The demo's source files, written by a worker into `dir`. */
async function generate(job: Job, dir: string): Promise<Result<DemoFile[]>> {
  job.phase('generating');
  const worker = spawnWorker('demo-worker');
  job.workers.add(worker);
  const rpc = connectWorker<DemoApi, DemoEvents>(worker, 'the demo worker');
  rpc.on('file', (name) => job.phase(`generating ${name}`));
  const r = await rpc.call('write', { dir });
  job.workers.delete(worker);
  void worker.terminate();
  return r;
}

/** The demo's attacks, features, scores (with the bundled default model, when there is one) and rules. */
async function prepare(
  ctx: HandlerContext,
  job: Job,
  casePath: string,
  ids: Map<string, number>,
): Promise<Result<null>> {
  const db = ctx.db();
  job.phase('injecting attacks');
  let salt = 0;
  for (const { dataset, scenario, count } of DEMO_INJECTIONS) {
    for (let k = 0; k < count; k++) {
      if (job.cancelled) return err('CANCELLED', 'demo cancelled');
      salt++;
      const start = demoInjectionStart(k, count, salt);
      const r = await db.call('inject', ids.get(dataset)!, scenario, { start, seed: 1000 + salt });
      if (!r.ok) return r;
    }
  }
  for (const [name, datasetId] of ids) {
    job.phase(`building features for ${name}`);
    const f = await featuresStep(ctx, job, casePath, datasetId, false);
    if (!f.ok) return f;
  }
  const model = path.join(projectRoot(), 'models', 'default.onnx');
  if (existsSync(model)) {
    job.phase('scoring with the default model');
    const s = await scoreStep(ctx, job, {
      casePath,
      datasetId: ids.get('card_transactions')!,
      modelFile: model,
    });
    if (!s.ok) return s;
  }
  // The rule engine watches the login and API-gateway logs.
  for (const name of ['logins', 'api_gateway']) {
    const datasetId = ids.get(name);
    if (datasetId === undefined) continue;
    job.phase(`running the rules over ${name}`);
    const r = await rulesStep(ctx, job, casePath, datasetId);
    if (!r.ok) return r;
  }
  const stamped = await db.call('setMeta', DEMO_RECIPE_KEY, String(DEMO_RECIPE));
  return stamped.ok ? ok(null) : stamped;
}

/** The whole build, into `partial`; renamed to `final` and opened when complete. */
async function build(
  ctx: HandlerContext,
  job: Job,
  partial: string,
  final: string,
): Promise<Result<CaseInfo>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-demo-'));
  try {
    const files = await generate(job, dir);
    if (!files.ok) return files;
    const ids = new Map<string, number>();
    for (const f of files.value) {
      if (job.cancelled) return err('CANCELLED', 'demo cancelled');
      const r = await ingestStep(ctx, job, {
        file: f.file,
        fileName: path.basename(f.file),
        format: f.format,
        name: f.name,
      });
      if (!r.ok) return r;
      ids.set(f.name, r.value.dataset.id);
      job.baseRows += r.value.rows;
      job.baseBytes += r.value.bytes;
    }
    const prepared = await prepare(ctx, job, partial, ids);
    if (!prepared.ok) return prepared;
    job.phase('finishing');
    await ctx.db().call('close');
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(partial + suffix)) renameSync(partial + suffix, final + suffix);
    return ctx.switchCase(final, { force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const demoHandlers = {
  'demo.create': async (p, ctx) => {
    // held from here until the job exists (then the job holds the case)
    const claim = ctx.claimCase();
    if (!claim.ok) return claim;
    try {
      return await startDemo(ctx, path.resolve(p.path));
    } finally {
      claim.value();
    }
  },
} satisfies DomainHandlers;

/** Opens the demo's partial case and starts the job that builds it. */
async function startDemo(ctx: HandlerContext, final: string): Promise<Result<{ jobId: string }>> {
  if (existsSync(final)) return err('IO', 'a file already exists there', { file: final });
  const partial = `${final}.partial`;
  removeCaseFiles(partial);
  const created = await ctx.db().call('open', partial, true);
  if (!created.ok) return created;
  if (ctx.current()) ctx.setCase(null);
  const { jobId } = ctx.jobs.start('demo', 'Building the demo case', async (job) => {
    const r = await build(ctx, job, partial, final).catch((e: unknown): Result<CaseInfo> => ({
      ok: false,
      error: toAppError(e),
    }));
    if (r.ok) return ok({ datasets: r.value.datasets.length });
    // a build that did not finish leaves nothing behind
    await ctx.db().call('close');
    removeCaseFiles(partial);
    ctx.setCase(null);
    return r;
  });
  return ok({ jobId });
}
