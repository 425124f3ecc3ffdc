// Demo worker: writes the demo case's source files (generation is CPU work: keep it off the host).
import { parentPort, workerData } from 'node:worker_threads';
import { toAppError } from '../../../src-shared/result';
import { writeDemoFiles } from '../demo/demo-data';

const { dir } = workerData as { dir: string };
writeDemoFiles(dir, (name) => parentPort!.postMessage({ type: 'file', name })).then(
  (files) => parentPort!.postMessage({ type: 'done', files }),
  (e: unknown) => parentPort!.postMessage({ type: 'error', error: toAppError(e) }),
);
