// ONNX worker: the one thread of the process that loads onnxruntime-node (its native addon
// can be loaded by one thread per process only). Scores batches of rows with a model.
import { parentPort } from 'node:worker_threads';
import { toAppError } from '../../../src-shared/result';
import type { FeatureInput } from '../models/feature-input';
import { openOnnx, type OnnxScorer } from '../models/onnx/score';

const port = parentPort!;
const sessions = new Map<string, OnnxScorer>(); // by model key, the last few

type ScoreMessage = { seq: number; key: string; name: string; model: Uint8Array; features: FeatureInput };

async function handle(m: ScoreMessage): Promise<void> {
  try {
    let scorer = sessions.get(m.key);
    if (!scorer) {
      scorer = await openOnnx(m.model, m.name);
      if (sessions.size >= 4) {
        const [oldKey, old] = sessions.entries().next().value as [string, OnnxScorer];
        sessions.delete(oldKey);
        await old.release();
      }
      sessions.set(m.key, scorer);
    }
    // widened to float64 here, off the host's thread, as every other score is
    const scores = Float64Array.from(await scorer.score(m.features));
    port.postMessage({ seq: m.seq, ok: true, scores, featureNames: scorer.featureNames }, [
      scores.buffer as ArrayBuffer,
    ]);
  } catch (e) {
    port.postMessage({ seq: m.seq, ok: false, error: toAppError(e) });
  }
}

// One request at a time: a session is never released while another request uses it, and a
// model is never opened twice at once. (onnxruntime runs each request on its own threads.)
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: ScoreMessage) => {
  queue = queue.then(() => handle(m));
});
