// Opening a case file: pragmas, identity check, migrations.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { fail } from '../../../src-shared/result';
import { MIGRATIONS, type Migration } from './migrations';
import { checkSchema } from './schema-check';

/** 'SNTL': marks a SQLite file as a SentinelRisk case. */
export const APPLICATION_ID = 0x534e544c;
const PAGE_SIZE = 65536;

export type DB = Database.Database;

export interface OpenOptions {
  create?: boolean;
  readonly?: boolean;
  migrations?: Migration[];
  /** Check the pages (SQLite's quick_check) before use: when a user opens a case. */
  check?: boolean;
  /** Read-only, and the case must be of the current schema (no upgrade can be written). */
  current?: boolean;
}

function connect(path: string, readonly: boolean, create: boolean): DB {
  let db: DB;
  try {
    // Under Electron, better-sqlite3 must be the build for Electron's ABI (kept apart from Node's).
    const nativeBinding = process.env.SENTINEL_SQLITE_BINDING || undefined;
    db = new Database(path, { readonly, fileMustExist: !create, nativeBinding });
  } catch (e) {
    return fail('IO', `cannot open the case (${(e as Error).message})`, { file: path });
  }
  // A case may come from anyone: its schema's functions are not trusted, page cells are checked
  // as they are read (better-sqlite3 also opens in SQLite's defensive mode).
  db.pragma('trusted_schema = OFF');
  db.pragma('cell_size_check = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Is it a case, of a version we read, made as SentinelRisk makes it (and, with `pages`, undamaged)? */
function vet(db: DB, path: string, migrations: Migration[], pages: boolean, upgradable = true): void {
  checkIdentity(db, path, false);
  const version = checkVersion(db, path, migrations.at(-1)!.version);
  if (!upgradable && version > 0 && version < migrations.at(-1)!.version)
    fail(
      'NOT_A_CASE',
      `this case was saved by an older SentinelRisk (schema ${version}) and is opened read-only here, so it cannot be upgraded: open it in the workstation, or with a command that changes it, first`,
      { file: path },
    );
  if (version === 0) {
    const tables = db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number;
    if (tables > 0)
      fail('NOT_A_CASE', 'this file is marked as a case but holds tables no version of SentinelRisk made', {
        file: path,
      });
  } else checkSchema(db, path, migrations, version);
  if (pages) checkPages(db, path);
}

export function openCaseDb(path: string, opts: OpenOptions = {}): DB {
  const exists = existsSync(path);
  if (!exists && !opts.create) fail('IO', 'no such case file', { file: path });
  if (exists && opts.create) fail('IO', 'a file already exists there', { file: path });
  const migrations = opts.migrations ?? MIGRATIONS;
  // Vetted through a read-only connection first: closing a refused case from a writable one
  // would checkpoint its log into it (a refused case must be left exactly as it was).
  if (!opts.create && !opts.readonly) {
    const probe = connect(path, true, false);
    try {
      vet(probe, path, migrations, !!opts.check);
    } finally {
      probe.close();
    }
  }
  const db = connect(path, !!opts.readonly, !!opts.create);
  try {
    if (opts.create) {
      db.pragma(`page_size = ${PAGE_SIZE}`);
      checkIdentity(db, path, true);
    } else if (opts.readonly) vet(db, path, migrations, !!opts.check, !opts.current);
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -16384'); // 16 MiB a connection: the import stays under 300 MB of RSS
    // Checkpoints run when the case is idle (see CaseSession), not inside a big commit.
    if (!opts.readonly) db.pragma('wal_autocheckpoint = 0');
    db.pragma('temp_store = MEMORY');
    if (!opts.readonly) migrate(db, path, migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

const WAL_MAGIC = new Set([0x377f0682, 0x377f0683]);
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/**
 * A write-ahead log left beside a case is applied by SQLite when the case opens. One that cannot
 * be this case's (not a log, pages of another size, or a first page that is not a case) is set
 * aside before that: renamed beside it, never applied nor deleted. Says what was done, or null.
 */
export function setAsideStrayLog(path: string): string | null {
  const why = strayLog(path);
  if (!why) return null;
  const wal = `${path}-wal`;
  const aside = `${wal}.set-aside-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(wal, aside);
  if (existsSync(`${path}-shm`)) renameSync(`${path}-shm`, `${aside}-shm`);
  return `A log file beside the case (${wal.split(/[\\/]/).pop()}) was set aside as ${aside.split(/[\\/]/).pop()}, unapplied: ${why}.`;
}

/** Why the write-ahead log beside a case cannot be its own, or null when it can (or there is none). */
export function strayLog(path: string): string | null {
  const wal = `${path}-wal`;
  if (!existsSync(wal) || !existsSync(path)) return null;
  const size = statSync(wal).size;
  if (size === 0) return null;
  // the case's size first: a checkpoint by another program after this only adds frames read below
  const caseBytes = statSync(path).size;
  return (() => {
    const fd = openSync(wal, 'r');
    const db = openSync(path, 'r');
    try {
      const head = Buffer.alloc(WAL_HEADER);
      const dbHead = Buffer.alloc(100);
      if (readSync(db, dbHead, 0, 100, 0) < 100) return null; // not a case at all: the open says so
      if (readSync(fd, head, 0, WAL_HEADER, 0) < WAL_HEADER) return 'it is too short to be a log';
      const magic = head.readUInt32BE(0);
      if (!WAL_MAGIC.has(magic)) return 'it is not a SQLite write-ahead log';
      const pageSize = dbHead.readUInt16BE(16) === 1 ? 65536 : dbHead.readUInt16BE(16);
      const walPage = head.readUInt32BE(8);
      if (walPage !== pageSize) return `its pages are of ${walPage} bytes, the case's of ${pageSize}`;
      // Frames count as SQLite counts them: this round's salts and an unbroken checksum chain
      // from the header on (a torn or stale tail is not part of the log).
      const bigEndian = (magic & 1) === 1;
      let sum = walChecksum(head.subarray(0, 24), bigEndian, [0, 0]);
      if (sum[0] !== head.readUInt32BE(24) || sum[1] !== head.readUInt32BE(28)) return null; // SQLite ignores it
      const salts = head.subarray(16, 24);
      const frame = Buffer.alloc(FRAME_HEADER + pageSize);
      let committedPages = 0;
      for (let at = WAL_HEADER; at + frame.length <= size; at += frame.length) {
        if (readSync(fd, frame, 0, frame.length, at) < frame.length) break;
        if (!frame.subarray(8, 16).equals(salts)) break; // frames of an older round of the log
        sum = walChecksum(frame.subarray(0, 8), bigEndian, sum);
        sum = walChecksum(frame.subarray(FRAME_HEADER), bigEndian, sum);
        if (sum[0] !== frame.readUInt32BE(16) || sum[1] !== frame.readUInt32BE(20)) break;
        // every frame that rewrites the first page must keep the case's identity
        if (frame.readUInt32BE(0) === 1 && frame.readUInt32BE(FRAME_HEADER + 68) !== APPLICATION_ID)
          return 'it rewrites the case as another database';
        const pages = frame.readUInt32BE(4); // a commit's frame: the database's size after it
        if (pages) committedPages = pages;
      }
      // A case never shrinks (no VACUUM, no auto-vacuum): its own log ends at least as large as
      // the file it was written over. One that would leave it smaller was written over an
      // older copy of it, and would mix that copy's pages into this one.
      const casePages = Math.floor(caseBytes / pageSize);
      if (committedPages && committedPages < casePages)
        return `it was written over an older copy of the case (it ends at ${committedPages} pages, the case has ${casePages}): applying it would mix that copy's pages into this one`;
      return null;
    } finally {
      closeSync(fd);
      closeSync(db);
    }
  })();
}

/** SQLite's WAL checksum of `bytes` (a multiple of 8), continuing from `from`. */
function walChecksum(bytes: Buffer, bigEndian: boolean, from: [number, number]): [number, number] {
  let s0 = from[0];
  let s1 = from[1];
  for (let i = 0; i < bytes.length; i += 8) {
    const x0 = bigEndian ? bytes.readUInt32BE(i) : bytes.readUInt32LE(i);
    const x1 = bigEndian ? bytes.readUInt32BE(i + 4) : bytes.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

function checkIdentity(db: DB, path: string, creating: boolean): void {
  let appId: number;
  let tables: number;
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
    tables = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
  } catch (e) {
    return fail('NOT_A_CASE', `not a SentinelRisk case (${(e as Error).message})`, { file: path });
  }
  if (appId === APPLICATION_ID) return;
  if (creating) {
    db.pragma(`application_id = ${APPLICATION_ID}`);
    return;
  }
  // Opening never turns a file into a case: an empty one is refused as it is, unchanged.
  if (appId === 0 && tables === 0)
    fail('NOT_A_CASE', 'this file is empty, not a SentinelRisk case', { file: path });
  fail('NOT_A_CASE', 'this SQLite file is not a SentinelRisk case', { file: path });
}

/** SQLite's quick check of every page (about 0.3 s for 140 MB): a damaged case is refused. */
function checkPages(db: DB, path: string): void {
  const problems = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((r) => r.quick_check);
  if (problems.length === 1 && problems[0] === 'ok') return;
  fail(
    'NOT_A_CASE',
    `the case file is damaged (${problems.join('; ').slice(0, 300)}): open a backup, or a copy made before it was damaged`,
    { file: path },
  );
}

function checkVersion(db: DB, path: string, latest: number): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > latest) {
    fail(
      'CASE_TOO_NEW',
      `this case was saved by a newer SentinelRisk (schema ${version}; this version reads up to ${latest}). Update the workstation to open it.`,
      { file: path },
    );
  }
  return version;
}

/**
 * Runs every pending migration in one transaction; the case is untouched if any fails. Foreign
 * keys are off meanwhile (a migration may rebuild a table others reference, as SQLite's ALTER
 * TABLE page describes) and checked before the commit: a migration that breaks one fails.
 */
export function migrate(db: DB, path: string, migrations: Migration[]): number {
  const latest = migrations.at(-1)!.version;
  const version = checkVersion(db, path, latest);
  const pending = migrations.filter((m) => m.version > version);
  if (!pending.length) return version;
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (const m of pending) db.exec(m.up);
      const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
      if (broken.length)
        fail(
          'NOT_A_CASE',
          `upgrading this case would leave ${broken.length} row(s) of ${broken[0].table} pointing at missing ${broken[0].parent}`,
          { file: path },
        );
      db.pragma(`user_version = ${latest}`);
    })();
  } finally {
    db.pragma('foreign_keys = ON');
  }
  return latest;
}

export function closeCaseDb(db: DB): void {
  if (!db.open) return;
  try {
    if (!db.readonly) db.pragma('optimize');
  } finally {
    db.close();
  }
}
