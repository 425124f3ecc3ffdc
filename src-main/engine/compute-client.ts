// Runs one task in a compute worker of its own (workers/compute-worker.ts), its progress feeding
// the job; the worker is stopped when the task ends.
import { err, type Result } from '../../src-shared/result';
import type { Job } from './jobs';
import type { ComputeApi, ComputeEvents } from './workers/compute-worker';
import { spawnWorker } from './worker-spawn';
import { connectWorker } from './worker-rpc';

export async function runCompute<K extends keyof ComputeApi & string>(
  job: Job,
  task: K,
  params: ComputeApi[K]['params'],
): Promise<Result<ComputeApi[K]['result']>> {
  const worker = spawnWorker('compute-worker', { workerData: { cancel: job.cancel.buffer } });
  job.workers.add(worker);
  const rpc = connectWorker<ComputeApi, ComputeEvents>(worker, 'the compute worker');
  rpc.on('progress', ({ phase, rows }) => {
    job.phase(phase);
    job.progress.rows = rows;
  });
  const r = await rpc.call(task, params);
  job.workers.delete(worker);
  void worker.terminate();
  // a cancelled job's worker may have been stopped mid-task: that is the cancel, not a failure
  if (!r.ok && job.cancelled) return err('CANCELLED', `${task} cancelled`);
  return r;
}
