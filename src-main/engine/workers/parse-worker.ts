// Parse worker: reads one data file and streams typed batches to the DB worker.
// Started ahead of need (worker start-up costs ~100 ms) and given its task by message.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { runParse, type ParseOptions } from '../ingest/parse-pipeline';
import { isCancelled } from '../ingest/protocol';

const MAX_IN_FLIGHT = 3;

export type ParseTask = Omit<ParseOptions, 'cancel'> & { cancel: SharedArrayBuffer; port: MessagePort };

parentPort!.once('message', (task: ParseTask) => {
  const port = task.port;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    inFlight--;
    wake?.();
    wake = null;
  });
  const cancel = new Int32Array(task.cancel);
  void runParse(
    {
      path: task.path,
      file: task.file,
      format: task.format,
      timeColumn: task.timeColumn,
      clockColumn: task.clockColumn,
      time: task.time,
      roles: task.roles,
      noRoles: task.noRoles,
      append: task.append,
      cancel,
    },
    {
      send(msg, transfer) {
        if (msg.type === 'batch') inFlight++;
        port.postMessage(msg, transfer ?? []);
      },
      async ready() {
        // Waits for the writer to take a batch; a cancel (seen within 50 ms) ends the wait.
        while (inFlight >= MAX_IN_FLIGHT && !isCancelled(cancel)) {
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 50);
          });
        }
      },
    },
  );
  // The DB worker closes the port when it has what it needs; this worker then exits.
  parentPort!.unref();
});
