// The host's side of the DB worker: `db.call('alerts', datasetId, limit)` runs the named
// operation (db/ops.ts) on the open case; arguments and result are typed from the operation.
import type { Transferable } from 'node:worker_threads';
import type { Result } from '../../src-shared/result';
import type { RpcClient } from '../../src-shared/rpc';
import type { DbApi } from './db/ops';
import type { DbEvents, DbProgress } from './db/session-ops';
import { spawnWorker } from './worker-spawn';
import { connectWorker } from './worker-rpc';

export type DbMethod = keyof DbApi & string;
export type { DbProgress };

export class DbClient {
  private readonly worker = spawnWorker('db-worker');
  private readonly rpc: RpcClient<DbApi, DbEvents> = connectWorker(this.worker, 'the database worker');

  constructor(onProgress: (p: DbProgress) => void) {
    this.rpc.on('progress', onProgress);
  }

  call<K extends DbMethod>(method: K, ...args: DbApi[K]['params']): Promise<Result<DbApi[K]['result']>> {
    return this.rpc.call(method, args);
  }

  /** The same, moving `transfer` (buffers, ports) to the worker instead of copying. */
  callMoving<K extends DbMethod>(
    transfer: Transferable[],
    method: K,
    ...args: DbApi[K]['params']
  ): Promise<Result<DbApi[K]['result']>> {
    return this.rpc.call(method, args, { transfer });
  }

  async close(): Promise<void> {
    await this.call('close');
    await this.worker.terminate();
  }
}
