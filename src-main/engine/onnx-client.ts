// The process's ONNX worker, shared by every engine host in the process (onnxruntime-node's
// addon loads in one thread per process). Started on first use; keeps the process alive only
// while a request is out; a worker that died is started again on the next request.
import { createHash } from 'node:crypto';
import type { Transferable, Worker } from 'node:worker_threads';
import type { Result } from '../../src-shared/result';
import type { RpcClient } from '../../src-shared/rpc';
import { featureBuffers, type FeatureInput } from './models/feature-input';
import type { OnnxApi } from './workers/onnx-worker';
import { spawnWorker } from './worker-spawn';
import { connectWorker } from './worker-rpc';

let current: { worker: Worker; rpc: RpcClient<OnnxApi> } | null = null;

function onnxWorker(): { worker: Worker; rpc: RpcClient<OnnxApi> } {
  if (current) return current;
  const worker = spawnWorker('onnx-worker');
  worker.unref();
  const rpc = connectWorker<OnnxApi>(worker, 'the ONNX worker');
  const self = { worker, rpc };
  const forget = () => {
    if (current === self) current = null;
  };
  worker.on('error', forget);
  worker.on('exit', forget);
  current = self;
  return self;
}

/** Scores features (in the model's feature order; rows or columns) with an ONNX model. */
export async function scoreOnnx(
  model: Uint8Array,
  name: string,
  features: FeatureInput,
): Promise<Result<{ scores: Float64Array; featureNames: string[] | null }>> {
  const key = createHash('sha256').update(model).digest('hex');
  const { worker, rpc } = onnxWorker();
  worker.ref(); // keep the process alive while a request is out
  try {
    return await rpc.call(
      'score',
      { key, name, model, features },
      { transfer: featureBuffers(features) as Transferable[] },
    );
  } finally {
    if (rpc.inFlight === 0) worker.unref();
  }
}
