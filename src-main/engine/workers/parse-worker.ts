// Parse worker: reads one data file and streams typed batches to the DB worker.
import { workerData, type MessagePort } from 'node:worker_threads';
import type { CanonicalRole, DataFormat } from '../../../src-shared/domain';
import { runParse } from '../ingest/parse-pipeline';

const MAX_IN_FLIGHT = 3;

interface ParseWorkerData {
  path: string;
  file: string;
  format: DataFormat;
  timeColumn?: string;
  roles?: Partial<Record<CanonicalRole, string>>;
  cancel: SharedArrayBuffer;
  port: MessagePort;
}

const data = workerData as ParseWorkerData;
const port = data.port;
let inFlight = 0;
let wake: (() => void) | null = null;
port.on('message', () => {
  inFlight--;
  wake?.();
  wake = null;
});

void runParse(
  { path: data.path, file: data.file, format: data.format, timeColumn: data.timeColumn, roles: data.roles, cancel: new Int32Array(data.cancel) },
  {
    send(msg, transfer) {
      if (msg.type === 'batch') inFlight++;
      port.postMessage(msg, transfer ?? []);
    },
    async ready() {
      while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
    },
  },
);
// The DB worker closes the port when it has what it needs; this worker then exits.
