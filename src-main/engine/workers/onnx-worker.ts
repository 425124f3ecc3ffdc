// ONNX worker: the one thread of the process that loads onnxruntime-node (its native addon
// can be loaded by one thread per process only). Scores batches of rows with a model.
import { parentPort } from 'node:worker_threads';
import { transferring } from '../../../src-shared/rpc';
import type { FeatureInput } from '../models/feature-input';
import { openOnnx, type OnnxScorer } from '../models/onnx/score';
import { serveWorker } from '../worker-rpc';

export type OnnxApi = {
  score: {
    params: { key: string; name: string; model: Uint8Array; features: FeatureInput };
    result: { scores: Float64Array; featureNames: string[] | null };
  };
};

const sessions = new Map<string, OnnxScorer>(); // by model key, the last few

async function score({ key, name, model, features }: OnnxApi['score']['params']) {
  let scorer = sessions.get(key);
  if (!scorer) {
    scorer = await openOnnx(model, name);
    if (sessions.size >= 4) {
      const [oldKey, old] = sessions.entries().next().value as [string, OnnxScorer];
      sessions.delete(oldKey);
      await old.release();
    }
    sessions.set(key, scorer);
  }
  // widened to float64 here, off the host's thread, as every other score is
  const scores = Float64Array.from(await scorer.score(features));
  return transferring({ scores, featureNames: scorer.featureNames }, [scores.buffer]);
}

// One request at a time: a session is never released while another request uses it, and a
// model is never opened twice at once. (onnxruntime runs each request on its own threads.)
let queue: Promise<unknown> = Promise.resolve();
serveWorker<OnnxApi>(parentPort!, {
  score: (params) => {
    const turn = queue.then(() => score(params));
    queue = turn.catch(() => undefined);
    return turn;
  },
});
