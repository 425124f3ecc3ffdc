// The process's ONNX worker, shared by every engine host in the process (onnxruntime-node's
// addon loads in one thread per process). Started on first use; does not keep the process alive.
import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { err, type Result } from '../../src-shared/result';
import { featureBuffers, type FeatureInput } from './models/feature-input';
import { spawnWorker } from './worker-spawn';

let worker: Worker | null = null;
let seq = 0;
const pending = new Map<
  number,
  (r: Result<{ scores: Float64Array; featureNames: string[] | null }>) => void
>();

function onnxWorker(): Worker {
  if (worker) return worker;
  const w = spawnWorker('onnx-worker');
  w.unref();
  w.on(
    'message',
    (m: {
      seq: number;
      ok: boolean;
      scores?: Float64Array;
      featureNames?: string[] | null;
      error?: never;
    }) => {
      const resolve = pending.get(m.seq);
      pending.delete(m.seq);
      resolve?.(
        m.ok
          ? { ok: true, value: { scores: m.scores!, featureNames: m.featureNames ?? null } }
          : { ok: false, error: m.error! },
      );
    },
  );
  const die = (why: string) => {
    worker = null;
    for (const resolve of pending.values()) resolve(err('INTERNAL', why));
    pending.clear();
  };
  w.on('error', (e) => die(`the ONNX worker failed: ${e.message}`));
  w.on('exit', (code) => die(`the ONNX worker exited (code ${code})`));
  worker = w;
  return w;
}

/** Scores features (in the model's feature order; rows or columns) with an ONNX model. */
export function scoreOnnx(
  model: Uint8Array,
  name: string,
  features: FeatureInput,
): Promise<Result<{ scores: Float64Array; featureNames: string[] | null }>> {
  const key = createHash('sha256').update(model).digest('hex');
  const id = ++seq;
  return new Promise((resolve) => {
    const w = onnxWorker();
    w.ref(); // keep the process alive while a request is out
    pending.set(id, (r) => {
      if (pending.size === 0) w.unref();
      resolve(r);
    });
    w.postMessage({ seq: id, key, name, model, features }, featureBuffers(features));
  });
}
