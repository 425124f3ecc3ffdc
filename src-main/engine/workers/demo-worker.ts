// Demo worker: writes the demo case's source files (generation is CPU work: keep it off the host).
import { parentPort } from 'node:worker_threads';
import { writeDemoFiles, type DemoFile } from '../demo/demo-data';
import { serveWorker } from '../worker-rpc';

export type DemoApi = { write: { params: { dir: string }; result: DemoFile[] } };
export type DemoEvents = { file: string };

serveWorker<DemoApi, DemoEvents>(parentPort!, {
  write: ({ dir }, { emit }) => writeDemoFiles(dir, (name) => emit('file', name)),
});
