// DB worker: owns the open case's SQLite connections and answers the operations the domains'
// stores declare (db/ops.ts) over the shared RPC. Writes go through the session's queue.
import { parentPort } from 'node:worker_threads';
import { fail } from '../../../src-shared/result';
import type { RpcContext, RpcHandlers } from '../../../src-shared/rpc';
import { CaseSession } from '../db/case-session';
import { DB_OPS, type DbApi } from '../db/ops';
import type { DbEvents, DbOp } from '../db/session-ops';
import { serveWorker } from '../worker-rpc';

let session: CaseSession | null = null;
const need = (): CaseSession => session ?? fail('NO_CASE', 'no case is open');

/** Runs the named operation on the open case, in the write queue when it writes. */
function runOp(op: DbOp<unknown[], unknown>, args: unknown[]): unknown {
  const s = need();
  return op.write ? s.exclusive(() => op.run(s, ...args), op.keepsRankings) : op.run(s, ...args);
}

const operations = Object.fromEntries(
  Object.entries(DB_OPS).map(([name, op]) => [
    name,
    (args: unknown[]) => runOp(op as DbOp<unknown[], unknown>, Array.isArray(args) ? args : []),
  ]),
);

let emitProgress: RpcContext<DbEvents>['emit'] | null = null;

serveWorker<DbApi, DbEvents>(parentPort!, {
  ...(operations as unknown as Omit<RpcHandlers<DbApi, DbEvents>, 'open' | 'close'>),
  open: ([path, create, readOnly], ctx) => {
    emitProgress = ctx.emit;
    const next = new CaseSession(path, create, (p) => emitProgress?.('progress', p), readOnly === true);
    session?.close();
    session = next;
    return { ...next.info(), ...(next.notices.length ? { notices: next.notices } : {}) };
  },
  close: () => {
    session?.close();
    session = null;
    return null;
  },
});
