// Compute worker: CPU work over a case read through its own read-only connection
// (features now; scoring and training later). One task per worker.
import { parentPort, workerData } from 'node:worker_threads';
import { toAppError } from '../../../src-shared/result';
import { buildFeatures, type BuildRequest } from '../features/build';

const { task, cancel } = workerData as {
  task: { type: 'features' } & BuildRequest;
  cancel: SharedArrayBuffer;
};
const port = parentPort!;
try {
  const outcome = buildFeatures(task, new Int32Array(cancel), (phase, rows) =>
    port.postMessage({ type: 'progress', phase, rows }),
  );
  const transfer =
    outcome.mode === 'current'
      ? []
      : [outcome.write.ids.buffer, ...outcome.write.values.map((v) => v.buffer)];
  port.postMessage({ type: 'done', outcome }, transfer as ArrayBuffer[]);
} catch (e) {
  port.postMessage({ type: 'error', error: toAppError(e) });
}
