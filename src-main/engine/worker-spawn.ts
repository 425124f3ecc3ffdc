// Starts an engine worker. From the build (out/main/*.js) workers are plain JS files beside
// the bundle; from source (tests, tsx) they are TypeScript loaded through tsx.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import path from 'node:path';

export type WorkerName =
  | 'db-worker'
  | 'parse-worker'
  | 'demo-worker'
  | 'compute-worker'
  | 'onnx-worker'
  | 'gbdt-worker'
  | 'live-worker';

export function spawnWorker(name: WorkerName, options: WorkerOptions = {}): Worker {
  const fromSource = __filename.endsWith('.ts');
  const file = fromSource
    ? path.join(__dirname, 'workers', `${name}.ts`)
    : path.join(__dirname, `${name}.js`);
  if (!fromSource) return new Worker(file, options);
  const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`;
  return new Worker(boot, { ...options, eval: true });
}
