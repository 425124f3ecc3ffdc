// The DB side of an ingest: one transaction from schema to commit. The dataset becomes
// visible only at COMMIT; a failure or cancel rolls everything back, leaving the case as it was.
import type { MessagePort } from 'node:worker_threads';
import { CANONICAL_ROLES, type ColumnInfo, type DatasetInfo } from '../../../src-shared/domain';
import { AppFailure, fail, type AppError } from '../../../src-shared/result';
import type { BatchColumn, DbToParse, ParseToDb } from '../ingest/protocol';
import type { Statement } from 'better-sqlite3';
import { isCancelled } from '../ingest/protocol';
import { tableOf } from './case-store';
import { ChunkWriter, eventChunkColumns } from './column-store';
import { saveLayout, type LayoutRecord } from './layouts-store';
import type { DB } from './open-case';
import { custom, type JobTicket } from './session-ops';

export interface IngestMeta {
  name: string;
  sourceFile: string | null;
  /** Add the rows to this dataset instead of creating one. */
  appendTo?: number;
  /** The mapping the file was imported with, remembered for its header layout. */
  layout?: LayoutRecord;
}

/** Rows appended to a dataset must fit its table exactly. */
function checkAppendColumns(db: DB, id: number, columns: ColumnInfo[]): void {
  const have = db
    .prepare('SELECT sql_name AS sqlName, type FROM dataset_columns WHERE dataset_id = ? ORDER BY ordinal')
    .all(id) as { sqlName: string; type: string }[];
  if (!have.length)
    throw new AppFailure({ code: 'BAD_REQUEST', message: `no dataset with id ${id} in this case` });
  const same =
    have.length === columns.length &&
    have.every((c, i) => c.sqlName === columns[i].sqlName && c.type === columns[i].type);
  if (!same)
    throw new AppFailure({ code: 'BAD_REQUEST', message: `the rows do not fit dataset ${id}'s columns` });
}

export interface IngestDone {
  datasetId: number;
  rows: number;
  bytes: number;
  seconds: number;
}

export function uniqueName(db: DB, wanted: string): string {
  const exists = db.prepare('SELECT 1 FROM datasets WHERE name = ?').pluck();
  if (!exists.get(wanted)) return wanted;
  for (let k = 2; ; k++) {
    const name = `${wanted} (${k})`;
    if (!exists.get(name)) return name;
  }
}

/** Canonical columns of the `events_<id>` view besides id and ts. */
const VIEW_ROLES = CANONICAL_ROLES.filter((r) => r !== 'time');

/** The SQL of a dataset's table (schema-check.ts compares a case's with it). */
export function datasetTableSql(id: number, columns: ColumnInfo[]): string {
  const defs = columns.map((c) => `"${c.sqlName}" ${c.type === 'TEXT' ? 'TEXT' : c.type}`);
  return `CREATE TABLE ${tableOf(id)} (_id INTEGER PRIMARY KEY, _ts INTEGER, ${defs.join(', ')}) STRICT`;
}

/** The SQL of a dataset's `events_<id>` view: its canonical roles, then its own columns. */
export function eventsViewSql(id: number, columns: ColumnInfo[]): string {
  const byRole = new Map(columns.filter((c) => c.role).map((c) => [c.role, c.sqlName]));
  const canonical = VIEW_ROLES.map((r) => (byRole.has(r) ? `"${byRole.get(r)}" AS ${r}` : `NULL AS ${r}`));
  const own = columns.map((c) => `"${c.sqlName}"`);
  return `CREATE VIEW events_${id} AS SELECT _id AS id, _ts AS ts, ${canonical.join(', ')}, ${own.join(', ')} FROM ${tableOf(id)}`;
}

function createTables(db: DB, id: number, columns: ColumnInfo[]): void {
  db.exec(datasetTableSql(id, columns));
}

function finish(db: DB, id: number, columns: ColumnInfo[]): void {
  // Indexes (on time or any sorted column) are built on first use, not here: see CaseSession.
  db.exec(eventsViewSql(id, columns));
  const insert = db.prepare(
    'INSERT INTO dataset_columns (dataset_id, ordinal, name, sql_name, type, role) VALUES (?, ?, ?, ?, ?, ?)',
  );
  columns.forEach((c, i) => insert.run(id, i, c.name, c.sqlName, c.type, c.role));
}

type BatchWriter = (firstId: number, ts: Float64Array, cols: BatchColumn[], n: number) => void;

/** NaN marks NULL in numeric batch columns. */
const orNull = (v: number | string | null): number | string | null => (v !== v ? null : v);

/**
 * The row loop for one schema, generated so each row is one `stmt.run(a, b, …)` call with
 * its arguments read straight from the column arrays: no per-row array, no spread (a third of
 * the writer's time otherwise). The generated code holds only indices, never names from files.
 */
function batchWriter(stmt: Statement, columnCount: number): BatchWriter {
  const cols = Array.from({ length: columnCount }, (_, c) => `c${c}`);
  const body = `
    return function writeBatch(firstId, ts, cols, n) {
      ${cols.map((name, c) => `const ${name} = cols[${c}];`).join('\n')}
      for (let r = 0; r < n; r++) {
        stmt.run(firstId + r, orNull(ts[r]), ${cols.map((name) => `orNull(${name}[r])`).join(', ')});
      }
    };`;
  return new Function('stmt', 'orNull', body)(stmt, orNull) as BatchWriter;
}

/**
 * Receives schema, batches and end from a parse worker over `port` and writes them.
 * Resolves with the new dataset's id; rejects with an AppFailure (the transaction rolled back).
 */
export function receiveIngest(
  db: DB,
  port: MessagePort,
  meta: IngestMeta,
  cancel: Int32Array,
  onProgress: (rows: number, bytes: number, phase: string) => void,
): Promise<IngestDone> {
  const started = performance.now();
  return new Promise<IngestDone>((resolve, reject) => {
    let id = 0;
    let columns: ColumnInfo[] = [];
    let insert: BatchWriter | null = null;
    let chunks: ChunkWriter | null = null;
    let nextId = 1;
    let rows = 0;
    let bytes = 0;
    let open = false;
    let settled = false;

    const abort = (error: AppError) => {
      if (settled) return;
      settled = true;
      if (open && db.inTransaction) db.exec('ROLLBACK');
      open = false;
      port.close();
      reject(new AppFailure(error));
    };
    const ack = () => port.postMessage({ type: 'ack' } satisfies DbToParse);

    port.on('close', () =>
      abort({ code: 'INTERNAL', message: 'the parser stopped before the end of the file' }),
    );
    let busy = 0;
    port.on('message', (msg: ParseToDb) => {
      if (settled) return;
      const b0 = performance.now();
      try {
        if (isCancelled(cancel) && msg.type !== 'fail') {
          abort({ code: 'CANCELLED', message: 'ingest cancelled' });
          return;
        }
        switch (msg.type) {
          case 'schema': {
            db.exec('BEGIN IMMEDIATE');
            open = true;
            columns = msg.columns;
            if (meta.appendTo !== undefined) {
              id = meta.appendTo;
              checkAppendColumns(db, id, columns);
            } else {
              const name = uniqueName(db, meta.name);
              id = Number(
                db
                  .prepare(
                    'INSERT INTO datasets (name, format, source_file, row_count, time_column, created_at) VALUES (?, ?, ?, 0, ?, ?)',
                  )
                  .run(name, msg.format, meta.sourceFile, msg.timeColumn, new Date().toISOString())
                  .lastInsertRowid,
              );
              createTables(db, id, columns);
            }
            // ids are given, not left to SQLite, so the typed chunks can be written beside the rows
            nextId =
              (db
                .prepare(`SELECT coalesce(max(_id), 0) FROM ${tableOf(id)}`)
                .pluck()
                .get() as number) + 1;
            const stmt = db.prepare(
              `INSERT INTO ${tableOf(id)} (_id, _ts, ${columns.map((c) => `"${c.sqlName}"`).join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')}, ?)`,
            );
            insert = batchWriter(stmt, columns.length);
            chunks = new ChunkWriter(db, id, 'events', eventChunkColumns(columns), nextId);
            onProgress(0, 0, 'writing');
            break;
          }
          case 'batch': {
            if (!insert || !chunks) throw new Error('batch before schema');
            const n = msg.rows;
            insert(nextId, msg.ts, msg.cols, n);
            const ids = new Float64Array(n);
            for (let r = 0; r < n; r++) ids[r] = nextId + r;
            chunks.add(ids, [msg.ts, ...msg.cols], n);
            nextId += n;
            rows += n;
            busy += performance.now() - b0;
            bytes = msg.bytes;
            ack();
            onProgress(rows, bytes, 'writing');
            break;
          }
          case 'end': {
            if (!open || !chunks) throw new Error('end before schema');
            chunks.finish();
            if (meta.appendTo !== undefined) {
              db.prepare('UPDATE datasets SET row_count = row_count + ? WHERE id = ?').run(rows, id);
            } else {
              onProgress(rows, msg.bytes, 'indexing');
              finish(db, id, columns);
              if (meta.layout) saveLayout(db, id, meta.layout);
              db.prepare('UPDATE datasets SET row_count = ?, ingest_seconds = ? WHERE id = ?').run(
                rows,
                (performance.now() - started) / 1000,
                id,
              );
            }
            db.exec('COMMIT');
            const seconds = (performance.now() - started) / 1000;
            if (process.env.SENTINEL_TRACE)
              console.error(`ingest: busy ${busy.toFixed(0)} ms of ${(seconds * 1000).toFixed(0)} ms`);
            open = false;
            settled = true;
            port.close();
            resolve({ datasetId: id, rows, bytes: msg.bytes, seconds });
            break;
          }
          case 'fail':
            abort(msg.error);
            break;
        }
      } catch (e) {
        // SQLite refusing a row still names the file being imported.
        const error =
          e instanceof AppFailure ? e.appError : { code: 'INTERNAL' as const, message: (e as Error).message };
        abort({ file: meta.sourceFile ?? undefined, ...error });
      }
    });
  });
}

export const ingestOps = {
  /** Writes the file a parse worker streams over `port` into a new (or the given) dataset. */
  ingest: custom(async (s, ticket: JobTicket, port: MessagePort, meta: IngestMeta) => {
    const job = s.job(ticket);
    let started = false;
    const turn = s.exclusive(async () => {
      started = true;
      if (job.cancelled()) return fail('CANCELLED', 'import cancelled');
      const done = await receiveIngest(s.writer, port, meta, job.cancel, job.progress);
      s.changed(done.datasetId);
      return { ...done, dataset: s.dataset(done.datasetId) };
    });
    // An import queued behind another answers a cancel at once, not when its turn comes.
    return new Promise<IngestDone & { dataset: DatasetInfo }>((resolve, reject) => {
      const poll = setInterval(() => {
        if (started || !job.cancelled()) return;
        clearInterval(poll);
        port.close(); // its parser stops
        reject(new AppFailure({ code: 'CANCELLED', message: 'import cancelled' }));
      }, 50);
      turn.then(
        (v) => {
          clearInterval(poll);
          resolve(v);
        },
        (e: unknown) => {
          clearInterval(poll);
          reject(e);
        },
      );
    });
  }),
};
