import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { IngestResult } from '../../src-shared/domain';
import { AppFailure, type AppError, type Result } from '../../src-shared/result';
import { EngineHost, type IngestParams } from '../../src-main/engine/host';

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
  const r = await host.createCase(casePath);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return { host, dir, casePath };
}

export async function ingest(host: EngineHost, params: IngestParams): Promise<Result<IngestResult>> {
  const s = host.startIngest(params);
  if (!s.ok) return s;
  return s.value.done;
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
export async function call<T>(host: EngineHost, method: string, params: unknown): Promise<T> {
  const r = await host.handle(method, params);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

/** Starts a job through the contract and waits for its result; rejects when it fails. */
export async function job<T>(host: EngineHost, method: string, params: unknown): Promise<T> {
  const { jobId } = await call<{ jobId: string }>(host, method, params);
  return new Promise((resolve, reject) => {
    const off = host.on('job.finished', (f) => {
      if (f.jobId !== jobId) return;
      off();
      if (f.ok) resolve(f.result as T);
      else reject(new Error(JSON.stringify(f.error)));
    });
  });
}
