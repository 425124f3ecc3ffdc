import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import {
  runJob,
  type JobMethod,
  type JobResultOf,
  type Method,
  type Params,
  type ResultOf,
} from '../../src-shared/contract';
import type { IngestResult } from '../../src-shared/domain';
import { AppFailure, type AppError, type Result } from '../../src-shared/result';
import { EngineHost } from '../../src-main/engine/host';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

export function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** A host with a new empty case in a temp dir. */
export async function hostWithCase(): Promise<{ host: EngineHost; dir: string; casePath: string }> {
  const dir = tempDir();
  const host = new EngineHost({ shell: 'cli' });
  cleanups.push(() => host.close());
  const casePath = path.join(dir, 'test.sentinel');
  const r = await host.call('case.create', { path: casePath });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return { host, dir, casePath };
}

/** Imports a file through the contract; resolves with how the job ended. */
export function ingest(host: EngineHost, params: Params<'ingest.start'>): Promise<Result<IngestResult>> {
  return runJob((m, p) => host.call(m, p), 'ingest.start', params);
}

/** Starts a job through the contract; `done` settles with how it ended. */
export async function startJob<M extends JobMethod>(
  host: EngineHost,
  method: M,
  params: Params<M>,
): Promise<Result<{ jobId: string; done: Promise<Result<JobResultOf<M>>> }>> {
  const started = (await host.call(method, params)) as Result<{ jobId: string }>;
  if (!started.ok) return started;
  const { jobId } = started.value;
  const done = host.call('job.wait', { jobId }).then((f): Result<JobResultOf<M>> => {
    if (!f.ok) return f;
    return f.value.ok
      ? { ok: true, value: f.value.result as JobResultOf<M> }
      : { ok: false, error: f.value.error };
  });
  return { ok: true, value: { jobId, done } };
}

/** A job's result through the contract, or its error (started, then waited for). */
export function jobResult<M extends JobMethod>(
  host: EngineHost,
  method: M,
  params: Params<M>,
): Promise<Result<JobResultOf<M>>> {
  return runJob((m, p) => host.call(m, p), method, params);
}

/** Everything that identifies the state of a case file, read through a separate connection. */
export function snapshot(casePath: string): {
  schema: unknown[];
  datasets: unknown[];
  columns: unknown[];
  version: number;
} {
  const db = new Database(casePath, { readonly: true });
  try {
    return {
      schema: db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all(),
      datasets: db.prepare('SELECT * FROM datasets ORDER BY id').all(),
      columns: db.prepare('SELECT * FROM dataset_columns ORDER BY dataset_id, ordinal').all(),
      version: db.pragma('user_version', { simple: true }) as number,
    };
  } finally {
    db.close();
  }
}

/** The AppError a synchronous engine function throws. */
export function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppFailure) return e.appError;
    throw e;
  }
  throw new Error('expected a failure');
}

/** A request through the contract; throws on an error result. */
export async function call<M extends Method>(
  host: EngineHost,
  method: M,
  params: Params<M>,
): Promise<ResultOf<M>> {
  const r = await host.call(method, params);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** Starts a job through the contract and waits for its result; rejects when it fails. */
export async function job<M extends JobMethod>(
  host: EngineHost,
  method: M,
  params: Params<M>,
): Promise<JobResultOf<M>> {
  const r = await jobResult(host, method, params);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** Asks a job to stop through the contract; whether it was running. */
export async function cancel(host: EngineHost, jobId: string): Promise<boolean> {
  return (await call(host, 'job.cancel', { jobId })).cancelled;
}

/** f0..f5 and a label, no time (the ADBench layout): anomalies far out on f2 and f4, every 50th row from the 7th. */
export function tableWithoutTime(n: number): string {
  const lines = ['f0,f1,f2,f3,f4,f5,label'];
  for (let i = 0; i < n; i++) {
    const anomaly = i % 50 === 7;
    const v = (k: number) => (Math.sin(i * (k + 1.3)) + (anomaly && (k === 2 || k === 4) ? 6 : 0)).toFixed(5);
    lines.push(`${[0, 1, 2, 3, 4, 5].map(v).join(',')},${anomaly ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}
