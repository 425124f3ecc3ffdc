// Runs one task in a compute worker of its own (workers/compute-worker.ts), its progress feeding
// the job; the worker is stopped when the task ends (a cancel may stop it at once). A spare
// worker is started when a task ends, so the next one does not wait for a thread to start and
// load its code (~150 ms); it does not keep the process alive.
import type { Worker } from 'node:worker_threads';
import { err, type Result } from '../../src-shared/result';
import type { Job } from './jobs';
import type { ComputeApi, ComputeEvents } from './workers/compute-worker';
import { spawnWorker } from './worker-spawn';
import { connectWorker } from './worker-rpc';

let spare: Worker | null = null;

function takeWorker(): Worker {
  const worker = spare ?? spawnWorker('compute-worker');
  spare = null;
  worker.ref();
  return worker;
}

function startSpare(): void {
  if (spare) return;
  const worker = spawnWorker('compute-worker');
  worker.unref();
  worker.on('error', () => undefined); // a spare that fails is replaced when next needed
  worker.once('exit', () => {
    if (spare === worker) spare = null;
  });
  spare = worker;
}

export async function runCompute<K extends keyof ComputeApi & string>(
  job: Job,
  task: K,
  params: ComputeApi[K]['params'],
): Promise<Result<ComputeApi[K]['result']>> {
  const worker = takeWorker();
  job.workers.add(worker);
  const rpc = connectWorker<ComputeApi, ComputeEvents>(worker, 'the compute worker');
  rpc.on('progress', ({ phase, rows }) => {
    job.phase(phase);
    job.progress.rows = rows;
  });
  const armed = await rpc.call('arm', { cancel: job.cancel.buffer as SharedArrayBuffer });
  const r = armed.ok ? await rpc.call(task, params) : armed;
  job.workers.delete(worker);
  void worker.terminate();
  if (!job.cancelled) startSpare();
  // a cancelled job's worker may have been stopped mid-task: that is the cancel, not a failure
  if (!r.ok && job.cancelled) return err('CANCELLED', `${task} cancelled`);
  return r;
}
