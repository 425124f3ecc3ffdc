// SQLite's errors reach the user in words, with SQLite's own message and code kept, whichever
// thread they were thrown in (issue 11: a locked case printed "sentinel: undefined").
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toAppError } from '../../src-shared/result';
import { hostWithCase, ingest, writeFile } from './helpers';

const cli = path.resolve(__dirname, '../../bin/sentinel.cjs');

describe('SQLite errors', () => {
  it('each kind becomes an error code and a sentence, keeping what SQLite said', () => {
    const cases: [string, string, string, RegExp][] = [
      ['SQLITE_BUSY', 'database is locked', 'BUSY', /in use by another program/],
      ['SQLITE_LOCKED', 'database table is locked', 'BUSY', /busy with another task/],
      ['SQLITE_CORRUPT', 'database disk image is malformed', 'NOT_A_CASE', /damaged/],
      ['SQLITE_NOTADB', 'file is not a database', 'NOT_A_CASE', /damaged/],
      ['SQLITE_FULL', 'database or disk is full', 'IO', /disk is full/],
      ['SQLITE_READONLY', 'attempt to write a readonly database', 'IO', /cannot be written/],
      ['SQLITE_IOERR_WRITE', 'disk I/O error', 'IO', /could not be read or written/],
      ['SQLITE_INTERRUPT', 'interrupted', 'CANCELLED', /stopped/],
    ];
    for (const [code, message, want, words] of cases) {
      for (const e of [
        new Database.SqliteError(message, code), // in the thread that threw it
        { code, message }, // as it crosses a thread: plain data
      ]) {
        const out = toAppError(e);
        expect(out.code, code).toBe(want);
        expect(out.message).toMatch(words);
        expect(out.message).toContain(`${message}; ${code}`);
      }
    }
    // anything else stays an internal error with its message
    expect(toAppError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
  });

  it('a case locked by another program: the CLI says so, and the verdict is not half-written', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const lines = ['ts,user,amount'];
    for (let i = 0; i < 60; i++) lines.push(`2026-01-01T00:${String(i).padStart(2, '0')}:00Z,u${i % 3},${i}`);
    const r = await ingest(host, { path: writeFile(dir, 'a.csv', lines.join('\n') + '\n') });
    expect(r.ok).toBe(true);
    await host.close();
    const other = new Database(casePath);
    other.exec('BEGIN IMMEDIATE'); // another program writing, and holding on
    try {
      const out = spawnSync(
        process.execPath,
        [cli, 'label', '--case', casePath, '--dataset', '1', '--event', '3', '--verdict', 'confirmed'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(out.status).toBe(1);
      expect(out.stderr).toMatch(/^sentinel: the case is in use by another program.*SQLITE_BUSY/);
      expect(out.stderr).not.toMatch(/undefined/);
    } finally {
      other.exec('ROLLBACK');
    }
    expect(other.prepare('SELECT count(*) FROM labels').pluck().get()).toBe(0);
    other.close();
  });
});
