// The host's side of the DB worker: `db.call('alerts', datasetId, limit)` runs the named
// operation (db/ops.ts) on the open case; arguments and result are typed from the operation.
//
// Reads have a time budget. better-sqlite3 offers no progress handler and no interrupt, and a
// thread inside a SQLite statement cannot be stopped, so a read that runs past its budget (a
// query SQLite cannot finish, over a case another program changed after it was opened) is
// answered with an error at once, its worker is abandoned (it stops when the statement ends) and
// a new one opens the case again, so the workstation keeps answering. A read's time runs from when
// no write sent before it is in flight (a read queued behind a long write is not runaway). The
// abandoned thread keeps its snapshot until its statement ends, so checkpoints wait for it.
import type { Transferable, Worker } from 'node:worker_threads';
import type { CaseInfo } from '../../src-shared/domain';
import type { Result } from '../../src-shared/result';
import type { RpcClient } from '../../src-shared/rpc';
import { READ_OPS, type DbApi } from './db/ops';
import type { DbEvents, DbProgress } from './db/session-ops';
import { spawnWorker } from './worker-spawn';
import { connectWorker } from './worker-rpc';

export type DbMethod = keyof DbApi & string;
export type { DbProgress };

/** How long a read may run: two minutes, unless SENTINEL_QUERY_BUDGET_MS says otherwise. */
export const DEFAULT_READ_BUDGET_MS = 120_000;

export interface DbClientOptions {
  readBudgetMs?: number;
  /** The worker was replaced after a runaway read; the case as opened again (or why not). */
  onReplaced?: (reopened: Result<CaseInfo>) => void;
}

export class DbClient {
  private worker!: Worker;
  private rpc!: RpcClient<DbApi, DbEvents>;
  /** The case as last opened, to open again in a new worker. */
  private opened: { path: string; readOnly: boolean } | null = null;
  /** Calls in flight that are not reads (writes, jobs, opening), by the order they were sent. */
  private readonly others = new Set<number>();
  private sent = 0;
  private closing = false;
  private readonly budgetMs: number;

  constructor(
    private readonly onProgress: (p: DbProgress) => void,
    private readonly options: DbClientOptions = {},
  ) {
    const fromEnv = Number(process.env.SENTINEL_QUERY_BUDGET_MS);
    this.budgetMs = options.readBudgetMs ?? (fromEnv > 0 ? fromEnv : DEFAULT_READ_BUDGET_MS);
    this.start();
  }

  private start(): void {
    this.worker = spawnWorker('db-worker');
    this.rpc = connectWorker(this.worker, 'the database worker');
    this.rpc.on('progress', this.onProgress);
  }

  call<K extends DbMethod>(method: K, ...args: DbApi[K]['params']): Promise<Result<DbApi[K]['result']>> {
    return this.send(method, args);
  }

  /** The same, moving `transfer` (buffers, ports) to the worker instead of copying. */
  callMoving<K extends DbMethod>(
    transfer: Transferable[],
    method: K,
    ...args: DbApi[K]['params']
  ): Promise<Result<DbApi[K]['result']>> {
    return this.send(method, args, transfer);
  }

  private async send<K extends DbMethod>(
    method: K,
    args: DbApi[K]['params'],
    transfer?: Transferable[],
  ): Promise<Result<DbApi[K]['result']>> {
    const rpc = this.rpc;
    const seq = ++this.sent;
    const reply = rpc.call(method, args, transfer ? { transfer } : {});
    if (READ_OPS.has(method)) return this.budgeted(method, seq, rpc, reply);
    this.others.add(seq);
    try {
      const r = await reply;
      if (method === 'open' && r.ok && rpc === this.rpc) {
        const [path, , readOnly] = args as DbApi['open']['params'];
        this.opened = { path, readOnly: readOnly === true };
      }
      if (method === 'close') this.opened = null;
      return r;
    } finally {
      this.others.delete(seq);
    }
  }

  /**
   * The reply of a read, or TIMEOUT once it has run for the budget. Its time runs from when no
   * write sent before it is still in flight (the worker answers in order: a read behind a long
   * write is waiting, not running; a write sent after it waits behind it and does not count).
   */
  private budgeted<T>(
    method: string,
    seq: number,
    rpc: RpcClient<DbApi, DbEvents>,
    reply: Promise<Result<T>>,
  ): Promise<Result<T>> {
    return new Promise((resolve) => {
      let since = performance.now();
      const tick = Math.max(10, Math.min(1000, this.budgetMs / 4));
      const check = () => {
        if (rpc !== this.rpc) return; // its worker was replaced: the reply settles it
        if ([...this.others].some((other) => other < seq)) since = performance.now();
        else if (performance.now() - since >= this.budgetMs) {
          clearInterval(timer);
          const seconds = this.budgetMs / 1000;
          resolve({
            ok: false,
            error: {
              code: 'TIMEOUT',
              message: `reading the case (${method}) took longer than ${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s and was stopped: the case may hold a query SQLite cannot finish (was it changed by another program while open?). It is being opened again.`,
            },
          });
          this.replace(method);
        }
      };
      const timer = setInterval(check, tick);
      void reply.then((r) => {
        clearInterval(timer);
        resolve(r);
      });
    });
  }

  /** Abandons the worker (its pending calls fail now) and opens the case in a new one. */
  private replace(method: string): void {
    const old = this.worker;
    const oldRpc = this.rpc;
    this.start();
    oldRpc.close({
      code: 'TIMEOUT',
      message: `the database worker was replaced after a read (${method}) ran past its time budget`,
    });
    old.removeAllListeners('message');
    void old.terminate().catch(() => undefined);
    const opened = this.opened;
    if (!opened || this.closing) return;
    void this.send('open', [opened.path, false, opened.readOnly]).then((r) => this.options.onReplaced?.(r));
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.call('close');
    await this.worker.terminate();
  }
}
