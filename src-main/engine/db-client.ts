// The host's side of the DB worker: {seq, request} out, {seq, result} back.
import type { Worker } from 'node:worker_threads';
import type { Transferable } from 'node:worker_threads';
import type { Result } from '../../src-shared/result';
import type { DbReply, DbRequest, DbResults } from './workers/db-protocol';
import { spawnWorker } from './worker-spawn';

export type DbProgress = Extract<DbReply, { type: 'progress' }>;

export class DbClient {
  private readonly worker: Worker;
  private seq = 0;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  private dead: string | null = null;

  constructor(onProgress: (p: DbProgress) => void) {
    this.worker = spawnWorker('db-worker');
    this.worker.on('message', (m: DbReply) => {
      if ('seq' in m) {
        const resolve = this.pending.get(m.seq);
        this.pending.delete(m.seq);
        resolve?.(m.result);
      } else onProgress(m);
    });
    const die = (why: string) => {
      this.dead = why;
      for (const resolve of this.pending.values())
        resolve({ ok: false, error: { code: 'INTERNAL', message: why } });
      this.pending.clear();
    };
    this.worker.on('error', (e) => die(`the database worker failed: ${e.message}`));
    this.worker.on('exit', (code) => die(`the database worker exited (code ${code})`));
  }

  request<T extends DbRequest['type']>(
    req: Extract<DbRequest, { type: T }>,
    transfer: Transferable[] = [],
  ): Promise<Result<DbResults[T]>> {
    if (this.dead) return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: this.dead } });
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(seq, resolve as (r: Result<unknown>) => void);
      this.worker.postMessage({ seq, request: req }, transfer);
    });
  }

  async close(): Promise<void> {
    if (!this.dead) await this.request({ type: 'close' });
    await this.worker.terminate();
  }
}
