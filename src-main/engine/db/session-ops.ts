// How a domain's store declares what the DB worker may be asked: named operations on the open
// case's session. `read` runs at once on the reader connection; `write` runs in the session's
// write queue, one at a time, in arrival order, and the feed's rankings are redone after it
// unless it says they stay. The DB worker runs an operation by name (db/ops.ts merges the
// domains' tables), and the host calls it with `db.call(name, ...args)`, typed from the table.
import type { CaseSession } from './case-session';

export interface DbOp<A extends unknown[], R> {
  /** A read answers from the reader at once (and has a time budget: see DbClient). */
  readonly kind: 'read' | 'write' | 'custom';
  readonly write: boolean;
  /** A write that leaves the feed's rankings valid (a verdict, a note). */
  readonly keepsRankings: boolean;
  run(session: CaseSession, ...args: A): R | Promise<R>;
}

export const read = <A extends unknown[], R>(run: (session: CaseSession, ...args: A) => R): DbOp<A, R> => ({
  kind: 'read',
  write: false,
  keepsRankings: true,
  run,
});

export const write = <A extends unknown[], R>(
  run: (session: CaseSession, ...args: A) => R | Promise<R>,
  options: { keepsRankings?: boolean } = {},
): DbOp<A, R> => ({ kind: 'write', write: true, keepsRankings: options.keepsRankings ?? false, run });

/** An operation that orders itself (an ingest queues its own turn to answer a cancel early). */
export const custom = <A extends unknown[], R>(
  run: (session: CaseSession, ...args: A) => Promise<R>,
): DbOp<A, R> => ({ kind: 'custom', write: false, keepsRankings: false, run });

/** Any table of operations. */
export type DbOps = Record<string, DbOp<never[], unknown>>;

/** The RPC API of a table of operations: params are the argument list. */
export type DbApiOf<Ops extends DbOps> = {
  [K in keyof Ops]: Ops[K] extends DbOp<infer A, infer R> ? { params: A; result: Awaited<R> } : never;
};

/** What a job hands a long write: its id (for progress) and its cancel flag. */
export interface JobTicket {
  jobId: string;
  cancel: SharedArrayBuffer;
}

/** Progress of a job's write, pushed by the DB worker as its `progress` event. */
export interface DbProgress {
  jobId: string;
  rows: number;
  bytes: number;
  phase: string;
}

export type DbEvents = { progress: DbProgress };
