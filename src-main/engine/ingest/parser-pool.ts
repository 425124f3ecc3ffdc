// Parse workers for imports: one is started ahead of need (a worker's start costs ~100 ms) and
// handed to the next import; another is warmed when the host is idle again.
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../worker-spawn';

export class ParserPool {
  private spare: Worker | null = null;
  private closed = false;

  /** A started parse worker: the spare if there is one. */
  take(): Worker {
    const w = this.spare ?? spawnWorker('parse-worker');
    this.spare = null;
    return w;
  }

  /** Starts a spare, unless there is one. */
  warm(): void {
    if (this.spare || this.closed) return;
    const w = spawnWorker('parse-worker');
    w.unref();
    w.on('error', () => {
      if (this.spare === w) this.spare = null;
    });
    this.spare = w;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.spare?.terminate();
    this.spare = null;
  }
}
