// An open case inside the DB worker: the one writer connection, a reader connection for
// queries (WAL lets it read while an ingest is writing), a queue that serialises writes, and the
// caches reads keep between calls. What can be asked of it is declared by the domains' stores
// (db/ops.ts); this class knows none of them.
import type Database from 'better-sqlite3';
import type { CaseInfo, DatasetInfo } from '../../../src-shared/domain';
import { AppFailure, fail } from '../../../src-shared/result';
import { isCancelled } from '../ingest/protocol';
import { caseInfo, listDatasets, tableOf } from './case-store';
import { closeCaseDb, openCaseDb, setAsideStrayLog, strayLog, type DB } from './open-case';
import type { DbProgress, JobTicket } from './session-ops';

/** How long a cached value stays good. */
export type Lifetime =
  /** Until the dataset's rows change (counts, distinct values). */
  | 'rows'
  /** Until any write that does not keep the feed's rankings (rankings, medians). */
  | 'write';

const PROGRESS_EVERY_MS = 100;
const STATEMENTS_MAX = 500;

/** A job's side of a long write: its cancel flag and a throttled progress report. */
export interface JobHandle {
  cancel: Int32Array;
  cancelled(): boolean;
  progress(rows: number, bytes: number, phase: string): void;
}

export class CaseSession {
  readonly writer: DB;
  readonly reader: DB;
  private writeChain: Promise<unknown> = Promise.resolve();
  private writes = 0;
  private list: DatasetInfo[] = [];
  private readonly statements = new Map<string, Database.Statement>();
  private readonly indexed = new Set<string>();
  private readonly caches: Record<Lifetime, Map<number, Map<string, unknown>>> = {
    rows: new Map(),
    write: new Map(),
  };

  /** What opening the case found and did (said to the user once). */
  readonly notices: string[] = [];

  constructor(
    readonly path: string,
    create: boolean,
    private readonly report: (p: DbProgress) => void = () => undefined,
    /** Opened to be read only: no connection that can write, so the file is never changed. */
    readonly readOnly = false,
  ) {
    if (readOnly) {
      const stray = strayLog(path);
      if (stray)
        fail(
          'NOT_A_CASE',
          `the log file beside the case cannot be its own (${stray}); opened read-only, it is neither applied nor set aside: open the case in the workstation, or with a command that changes it, to set it aside`,
          { file: path },
        );
      this.writer = this.reader = openCaseDb(path, { readonly: true, current: true, check: true });
      try {
        this.refresh();
      } catch (e) {
        this.close();
        throw e;
      }
      return;
    }
    if (!create) {
      const aside = setAsideStrayLog(path);
      if (aside) this.notices.push(aside);
    }
    this.writer = openCaseDb(path, { create, check: !create });
    try {
      this.reader = openCaseDb(path, { readonly: true });
    } catch (e) {
      closeCaseDb(this.writer);
      throw e;
    }
    try {
      this.refresh(); // also checks the case's own description of its datasets
    } catch (e) {
      this.close();
      throw e;
    }
  }

  info(): CaseInfo {
    return caseInfo(this.reader, this.path);
  }

  /** Reads the catalogue of datasets again (after a write that changed it). */
  refresh(): void {
    this.list = listDatasets(this.reader);
  }

  dataset(id: number): DatasetInfo {
    const ds = this.list.find((d) => d.id === id);
    if (!ds) return fail('BAD_REQUEST', `no dataset with id ${id} in this case`);
    return ds;
  }

  /** A write is under way (or queued): reads should not start slow side work now. */
  get writing(): boolean {
    return this.writes > 0;
  }

  /** Runs write work one at a time, in arrival order. Rankings of the feed are redone after it. */
  exclusive<T>(work: () => T | Promise<T>, keepsRankings = false): Promise<T> {
    if (this.readOnly)
      return Promise.reject(
        new AppFailure({
          code: 'BAD_REQUEST',
          message: 'the case is open read-only (to be looked at, not changed): open it again to change it',
        }),
      );
    const run = this.writeChain.then(async () => {
      this.writes++;
      try {
        return await work();
      } finally {
        this.writes--;
        if (!keepsRankings) this.caches.write.clear();
      }
    });
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  /** A job's cancel flag and progress (throttled, but every change of phase goes through). */
  job(ticket: JobTicket): JobHandle {
    const cancel = new Int32Array(ticket.cancel);
    let last = 0;
    let lastPhase = '';
    return {
      cancel,
      cancelled: () => isCancelled(cancel),
      progress: (rows, bytes, phase) => {
        const now = performance.now();
        if (phase === lastPhase && now - last < PROGRESS_EVERY_MS) return;
        last = now;
        lastPhase = phase;
        this.report({ jobId: ticket.jobId, rows, bytes, phase });
      },
    };
  }

  /** A value kept for `lifetime`, made by `make` when missing. */
  cached<T>(lifetime: Lifetime, datasetId: number, key: string, make: () => T): T {
    let forDataset = this.caches[lifetime].get(datasetId);
    if (!forDataset) this.caches[lifetime].set(datasetId, (forDataset = new Map()));
    if (forDataset.has(key)) return forDataset.get(key) as T;
    const value = make();
    if (forDataset.size >= 256) forDataset.clear();
    forDataset.set(key, value);
    return value;
  }

  /** A dataset's rows changed (or the catalogue did): what was cached about it is stale. */
  changed(datasetId: number): void {
    this.refresh();
    this.caches.rows.delete(datasetId);
    this.scheduleCheckpoint();
  }

  /** A prepared statement on the reader, kept for reuse. */
  statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.reader.prepare(sql);
      if (this.statements.size > STATEMENTS_MAX) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Creates an index for a sorted or filtered column, unless a write is under way. */
  ensureIndex(ds: DatasetInfo, column: string): void {
    if (column === 'id') return;
    const sqlColumn = column === 'ts' ? '_ts' : `"${column}"`;
    const name = `${tableOf(ds.id)}_${column}`;
    if (this.indexed.has(name) || this.writing || this.readOnly) return;
    this.writer.exec(`CREATE INDEX IF NOT EXISTS "${name}" ON ${tableOf(ds.id)}(${sqlColumn})`);
    this.indexed.add(name);
  }

  private checkpointTimer: NodeJS.Timeout | null = null;

  /** Copies the WAL into the case file shortly after a write, when nothing else is writing. */
  scheduleCheckpoint(): void {
    if (this.readOnly) return;
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      if (this.writing) return this.scheduleCheckpoint();
      this.writer.pragma('wal_checkpoint(TRUNCATE)');
    }, 250);
    this.checkpointTimer.unref();
  }

  close(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.statements.clear();
    closeCaseDb(this.reader);
    closeCaseDb(this.writer);
  }
}
