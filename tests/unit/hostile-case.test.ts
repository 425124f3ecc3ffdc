// The hostile-case corpus: altered copies of a real case (made through the engine: a dataset,
// features, a model and its scores, a verdict, rule alerts) are opened as an analyst would open
// a case from a stranger. Each is refused with a clear error naming what is wrong, or opens
// safely; either way no SQL of the stranger's runs and the file is byte-identical afterwards.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCaseDb, openCaseDb } from '../../src-main/engine/db/open-case';
import { EngineHost } from '../../src-main/engine/host';
import { MIGRATIONS } from '../../src-main/engine/db/migrations';
import { call, hostWithCase, ingest, job, tempDir, writeFile } from './helpers';

let pristine = '';

beforeAll(async () => {
  const { host, dir, casePath } = await hostWithCase();
  const lines = ['ts,user,amount,status'];
  const t0 = Date.UTC(2026, 0, 5);
  for (let i = 0; i < 600; i++)
    lines.push(
      `${new Date(t0 + i * 60_000).toISOString()},u${i % 9},${(i * 37) % 500},${i % 13 ? 'ok' : 'declined'}`,
    );
  const r = await ingest(host, { path: writeFile(dir, 'tx.csv', lines.join('\n') + '\n'), name: 'tx' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const t = await job(host, 'model.train', { datasetId: 1, model: 'iforest' });
  await job(host, 'model.score', { datasetId: 1, modelId: t.model.id });
  await call(host, 'feed.page', { datasetId: 1, view: 'all', offset: 0, limit: 10 });
  await call(host, 'feed.verdict', { datasetId: 1, eventId: 5, verdict: 'confirmed' });
  await call(host, 'events.page', {
    datasetId: 1,
    offset: 0,
    limit: 10,
    sort: { column: 'amount', desc: true },
  });
  await host.close();
  // its own folder: the helpers' temp folders go after each test
  const keep = mkdtempSync(path.join(os.tmpdir(), 'sentinel-pristine-'));
  afterAll(() => rmSync(keep, { recursive: true, force: true }));
  pristine = path.join(keep, 'pristine.sentinel');
  copyFileSync(casePath, pristine);
  expect(existsSync(casePath + '-wal') && readFileSync(casePath + '-wal').length > 0).toBe(false);
});

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A copy of the pristine case altered by `sql` (run by plain SQLite, not by the engine). */
function altered(sql: string | ((db: Database.Database) => void)): string {
  const file = path.join(tempDir(), 'altered.sentinel');
  copyFileSync(pristine, file);
  const db = new Database(file);
  if (typeof sql === 'string') db.exec(sql);
  else sql(db);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return file;
}

async function open(file: string, readOnly = false) {
  const before = digest(file);
  const host = new EngineHost({ shell: 'cli' });
  try {
    const r = await host.call('case.open', { path: file, ...(readOnly ? { readOnly } : {}) });
    let feed: unknown = null;
    if (r.ok) feed = await host.call('feed.page', { datasetId: 1, view: 'all', offset: 0, limit: 5 });
    return { r, feed, before };
  } finally {
    await host.close();
  }
}

const HOSTILE: [string, string | ((db: Database.Database) => void), RegExp][] = [
  [
    'a trigger on labels that turns a confirmation into a false positive',
    `CREATE TRIGGER flip AFTER INSERT ON labels BEGIN UPDATE labels SET verdict = 'false_positive' WHERE id = new.id; END;`,
    /trigger "flip" on labels/,
  ],
  [
    'a trigger on alerts that deletes every label',
    `CREATE TRIGGER wipe AFTER INSERT ON alerts BEGIN DELETE FROM labels; END;`,
    /trigger "wipe" on alerts/,
  ],
  [
    'a trigger on datasets',
    `CREATE TRIGGER zero AFTER UPDATE ON datasets BEGIN UPDATE datasets SET row_count = 0; END;`,
    /trigger "zero"/,
  ],
  [
    'a recursive view of its own',
    `CREATE VIEW forever AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n;`,
    /view "forever"/,
  ],
  [
    "a recursive view standing in for a dataset's events view",
    `DROP VIEW events_1; CREATE VIEW events_1 AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x AS id FROM n;`,
    /view "events_1".*does not match its dataset/,
  ],
  [
    'a view standing in for labels (a verdict nobody gave)',
    `ALTER TABLE labels RENAME TO labels_real; CREATE VIEW labels AS SELECT 1 AS id, 1 AS dataset_id, 7 AS event_id, 'confirmed' AS verdict, 'now' AS created_at;`,
    /labels/,
  ],
  [
    'a view standing in for a dataset table',
    `ALTER TABLE ds_1 RENAME TO ds_1_real; CREATE VIEW ds_1 AS SELECT * FROM ds_1_real;`,
    /ds_1/,
  ],
  [
    'models without their CHECK',
    (db) => {
      db.pragma('foreign_keys = OFF');
      const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'models'").pluck().get() as string;
      db.exec(`CREATE TABLE m2 AS SELECT * FROM models; DROP TABLE models;`);
      db.exec(sql.replace(/CHECK \(kind IN \([^)]*\)\)/, '').replace('"models"', 'models'));
      db.exec('INSERT INTO models SELECT * FROM m2; DROP TABLE m2;');
    },
    /table "models".*not as SentinelRisk makes it/,
  ],
  ['a stray table', `CREATE TABLE evil (x TEXT);`, /table "evil".*did not make/],
  [
    'a trigger named as one of our tables',
    `CREATE TRIGGER import_layouts AFTER INSERT ON labels BEGIN UPDATE labels SET verdict = 'false_positive' WHERE id = new.id; END;`,
    /trigger "import_layouts" on labels.*shares its name/,
  ],
  [
    'a case at schema 0 holding tables',
    `PRAGMA user_version = 0; CREATE TRIGGER t0 AFTER INSERT ON labels BEGIN DELETE FROM labels; END;`,
    /holds tables no version of SentinelRisk made/,
  ],
  [
    'an index on an expression',
    `DROP INDEX ds_1_amount; CREATE INDEX ds_1_amount ON ds_1(abs(amount));`,
    /index "ds_1_amount"/,
  ],
  ['a row count of -5', `UPDATE datasets SET row_count = -5;`, /malformed entry/],
  ['a row count of 2^63 − 1', `UPDATE datasets SET row_count = 9223372036854775807;`, /malformed entry/],
  [
    'a column entry whose SQL name would break out of its quotes',
    `UPDATE dataset_columns SET sql_name = 'x" FROM labels --' WHERE ordinal = 1;`,
    /malformed column entry/,
  ],
];

describe('hostile cases', () => {
  it('opens the pristine case, and again after the engine indexed and analysed it', async () => {
    const { r, feed, before } = await open(pristine);
    expect(r.ok).toBe(true);
    expect(feed).toMatchObject({ ok: true });
    expect(digest(pristine)).toBe(before); // nothing to migrate: not a byte changed
  });

  for (const [what, sql, message] of HOSTILE) {
    it(`refuses ${what}, naming it, and leaves the file byte-identical`, async () => {
      const file = altered(sql);
      for (const readOnly of [false, true]) {
        const { r, before } = await open(file, readOnly);
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.error.code).toBe('NOT_A_CASE');
        expect(r.error.message).toMatch(message);
        expect(digest(file)).toBe(before);
        expect(existsSync(file + '-wal') && readFileSync(file + '-wal').length > 0).toBe(false);
      }
    });
  }

  it('refuses a trigger that is still in the log beside the case, leaving case and log as they were', async () => {
    const dir = tempDir();
    const writer = path.join(dir, 'writer.sentinel');
    copyFileSync(pristine, writer);
    const db = new Database(writer);
    db.pragma('wal_autocheckpoint = 0');
    db.exec(`CREATE TRIGGER hidden AFTER INSERT ON labels BEGIN DELETE FROM labels; END;`);
    const file = path.join(dir, 'crashed.sentinel');
    copyFileSync(writer, file);
    copyFileSync(writer + '-wal', file + '-wal');
    db.close();
    const log = digest(file + '-wal');
    const { r, before } = await open(file);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_A_CASE', message: /trigger "hidden"/ } });
    expect(digest(file)).toBe(before);
    expect(digest(file + '-wal')).toBe(log); // not checkpointed into the case on the way out
  });

  it('refuses a case with a damaged page, saying so, and leaves it byte-identical', async () => {
    const file = path.join(tempDir(), 'damaged.sentinel');
    copyFileSync(pristine, file);
    const raw = new Database(file, { readonly: true });
    const root = raw
      .prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'ds_1'")
      .pluck()
      .get() as number;
    raw.close();
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
    // the dataset's root page: its header kept, its cell pointers and cells overwritten
    bytes.fill(0xa5, (root - 1) * pageSize + 12, root * pageSize - 16);
    writeFileSync(file, bytes);
    const { r, before } = await open(file);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_A_CASE', message: /damaged/ } });
    expect(digest(file)).toBe(before);
  });

  it("sets aside a log beside the case that cannot be its own, applies the case's own", async () => {
    const dir = tempDir();
    /** A log of another database, its pages of `pageSize` bytes, left as a crash leaves it. */
    const foreignLog = (pageSize: number) => {
      const other = path.join(dir, `other-${pageSize}.db`);
      const db = new Database(other);
      db.pragma(`page_size = ${pageSize}`);
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      db.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('not a case')");
      const bytes = readFileSync(other + '-wal');
      db.close();
      return bytes;
    };
    for (const pageSize of [4096, 65536]) {
      const file = path.join(dir, `case-${pageSize}.sentinel`);
      copyFileSync(pristine, file);
      const log = foreignLog(pageSize);
      writeFileSync(file + '-wal', log);
      const { r, before } = await open(file);
      expect(r.ok, String(pageSize)).toBe(true);
      if (!r.ok) return;
      expect(r.value.notices?.[0]).toMatch(
        pageSize === 4096
          ? /set aside as .*-wal\.set-aside-.*pages are of 4096 bytes/
          : /rewrites the case as another database/,
      );
      expect(r.value.datasets.map((d) => d.rows)).toEqual([600]);
      expect(digest(file)).toBe(before);
      const aside = readdirSync(dir).find((f) => f.startsWith(`case-${pageSize}.sentinel-wal.set-aside-`));
      expect(aside && readFileSync(path.join(dir, aside)).equals(log)).toBe(true);
    }
    // the case's own log, left by a crash (a verdict committed, never checkpointed), is applied
    const own = path.join(dir, 'own.sentinel');
    const writer = path.join(dir, 'writer.sentinel');
    copyFileSync(pristine, writer);
    const db = new Database(writer);
    db.pragma('wal_autocheckpoint = 0');
    db.prepare(
      "INSERT INTO labels (dataset_id, event_id, verdict, created_at) VALUES (1, 9, 'confirmed', 'now')",
    ).run();
    copyFileSync(writer, own);
    copyFileSync(writer + '-wal', own + '-wal');
    db.close();
    // a torn tail after its commit (this round's salts, a smaller size, a broken checksum) is not
    // part of the log, as SQLite reads it: the log is still the case's own
    const log = readFileSync(own + '-wal');
    const pageSize = log.readUInt32BE(8);
    const torn = Buffer.from(log.subarray(32, 32 + 24 + pageSize));
    torn.writeUInt32BE(1, 4); // "the database is 1 page after this commit"
    writeFileSync(own + '-wal', Buffer.concat([log, torn]));
    const host = new EngineHost({ shell: 'cli' });
    try {
      const r = await host.call('case.open', { path: own });
      expect(r).toMatchObject({ ok: true });
      expect(r.ok && r.value.notices).toBeFalsy();
      const page = await call(host, 'feed.page', { datasetId: 1, view: 'confirmed', offset: 0, limit: 10 });
      expect(page.items.map((i) => i.eventId).sort()).toEqual([5, 9]);
    } finally {
      await host.close();
    }
  });

  it('sets aside a log left by an older copy of the same case, unapplied', async () => {
    const dir = tempDir();
    // the older copy: a verdict committed into its log, never checkpointed
    const old = path.join(dir, 'old.sentinel');
    copyFileSync(pristine, old);
    const odb = new Database(old);
    odb.pragma('wal_autocheckpoint = 0');
    odb
      .prepare(
        "INSERT INTO labels (dataset_id, event_id, verdict, created_at) VALUES (1, 11, 'false_positive', 'then')",
      )
      .run();
    const oldLog = readFileSync(old + '-wal');
    odb.close();
    // the case went on: its dataset grew, and the growth was checkpointed into the file
    const file = path.join(dir, 'case.sentinel');
    copyFileSync(pristine, file);
    const host = new EngineHost({ shell: 'cli' });
    try {
      await call(host, 'case.open', { path: file });
      const more = ['ts,user,amount,status'];
      for (let i = 0; i < 3000; i++)
        more.push(`${new Date(Date.UTC(2026, 1, 1) + i * 1000).toISOString()},v${i % 7},${i % 91},ok`);
      const r = await ingest(host, {
        path: writeFile(dir, 'more.csv', more.join('\n') + '\n'),
        name: 'more',
      });
      expect(r.ok).toBe(true);
    } finally {
      await host.close();
    }
    const grown = new Database(file, { readonly: true });
    const rows = grown.prepare('SELECT count(*) FROM ds_2').pluck().get();
    grown.close();
    writeFileSync(file + '-wal', oldLog);
    const { r, before } = await open(file);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.notices?.[0]).toMatch(/set aside as .*written over an older copy of the case/);
    expect(r.value.datasets.map((d) => d.rows)).toEqual([600, rows]);
    expect(digest(file)).toBe(before);
    const aside = readdirSync(dir).find((f) => f.startsWith('case.sentinel-wal.set-aside-'));
    expect(aside && readFileSync(path.join(dir, aside)).equals(oldLog)).toBe(true);
  });

  it('opened read-only, reads a case without writing it: no upgrade, no index, no verdict, no log set aside', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'case.sentinel');
    copyFileSync(pristine, file);
    const before = digest(file);
    const host = new EngineHost({ shell: 'cli' });
    try {
      const info = await call(host, 'case.open', { path: file, readOnly: true });
      expect(info.datasets.map((d) => d.rows)).toEqual([600]);
      const page = await call(host, 'feed.page', { datasetId: 1, view: 'all', offset: 0, limit: 5 });
      expect(page.items.length).toBe(5);
      await call(host, 'feed.explain', { datasetId: 1, eventId: page.items[0].eventId });
      await call(host, 'events.page', {
        datasetId: 1,
        offset: 0,
        limit: 5,
        sort: { column: 'user', desc: false },
      });
      const verdict = await host.call('feed.verdict', { datasetId: 1, eventId: 3, verdict: 'confirmed' });
      expect(verdict).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: /read-only/ } });
    } finally {
      await host.close();
    }
    expect(digest(file)).toBe(before);
    expect(existsSync(file + '-wal') && readFileSync(file + '-wal').length > 0).toBe(false);

    // a case of an older schema is not upgraded, and says how to get it upgraded
    const old = path.join(dir, 'old.sentinel');
    closeCaseDb(openCaseDb(old, { create: true, migrations: MIGRATIONS.slice(0, 3) }));
    const oldBefore = digest(old);
    const r = await open(old, true);
    expect(r.r).toMatchObject({
      ok: false,
      error: { code: 'NOT_A_CASE', message: /older SentinelRisk \(schema 3\)/ },
    });
    expect(digest(old)).toBe(oldBefore);

    // a log that cannot be the case's is neither applied nor set aside
    const stray = path.join(dir, 'stray.sentinel');
    copyFileSync(pristine, stray);
    writeFileSync(stray + '-wal', Buffer.alloc(64, 7));
    const s = await open(stray, true);
    expect(s.r).toMatchObject({
      ok: false,
      error: { code: 'NOT_A_CASE', message: /log file beside the case/ },
    });
    expect(digest(stray)).toBe(s.before);
    expect(readFileSync(stray + '-wal').equals(Buffer.alloc(64, 7))).toBe(true);
    expect(readdirSync(dir).some((f) => f.includes('set-aside'))).toBe(false);
  });

  it('stops a read that runs past its time budget, answers at once, and keeps answering', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'changed.sentinel');
    copyFileSync(pristine, file);
    const host = new EngineHost({ shell: 'cli', readBudgetMs: 1000 });
    try {
      await call(host, 'case.open', { path: file });
      // another program changes the case while it is open: its dataset's table becomes a view
      // that takes SQLite seconds of counting to give one row (no check at opening saw it)
      const other = new Database(file);
      const columns = (other.pragma('table_info(ds_1)') as { name: string }[]).map((c) => c.name);
      other.exec(
        `ALTER TABLE ds_1 RENAME TO ds_1_real; CREATE VIEW ds_1 AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 30000000) SELECT ${columns
          .map((c, i) => (i === 0 ? `max(x) AS "${c}"` : `NULL AS "${c}"`))
          .join(', ')} FROM n`,
      );
      other.close();
      const reading = host.call('events.page', { datasetId: 1, offset: 0, limit: 5 });
      // a verdict sent meanwhile waits behind the read: it does not hold the read's budget off
      const verdict = await host.call('feed.verdict', { datasetId: 1, eventId: 4, verdict: 'confirmed' });
      const r = await reading;
      expect(r).toMatchObject({
        ok: false,
        error: {
          code: 'TIMEOUT',
          message: /reading the case \(events.page\) took longer than 1.0 s and was stopped/,
        },
      });
      expect(verdict).toMatchObject({
        ok: false,
        error: { code: 'TIMEOUT', message: /worker was replaced/ },
      });
      // opened again in a new worker, the changed case is refused for what it now holds
      const after = await host.call('feed.page', { datasetId: 1, view: 'all', offset: 0, limit: 5 });
      expect(after).toMatchObject({ ok: false, error: { code: 'NO_CASE' } });
      // and the workstation goes on: another case opens and answers
      const good = path.join(dir, 'good.sentinel');
      copyFileSync(pristine, good);
      await call(host, 'case.open', { path: good });
      const page = await call(host, 'feed.page', { datasetId: 1, view: 'all', offset: 0, limit: 5 });
      expect(page.items.length).toBe(5);
    } finally {
      await host.close();
    }
  });

  it('opens every connection with an untrusted schema, checked cells and SQLite defensive mode', () => {
    for (const readonly of [false, true]) {
      const db = openCaseDb(pristine, { readonly });
      try {
        expect(db.pragma('trusted_schema', { simple: true })).toBe(0);
        expect(db.pragma('cell_size_check', { simple: true })).toBe(1);
        db.pragma('writable_schema = ON'); // a no-op in defensive mode
        expect(db.pragma('writable_schema', { simple: true })).toBe(0);
      } finally {
        closeCaseDb(db);
      }
    }
  });

  it('refuses a zero-byte file and an empty SQLite file as they are: opening never makes a case', async () => {
    const dir = tempDir();
    const zero = writeFile(dir, 'zero.sentinel', '');
    const empty = path.join(dir, 'empty.sentinel');
    new Database(empty).close();
    for (const file of [zero, empty]) {
      const before = readFileSync(file);
      const host = new EngineHost({ shell: 'cli' });
      const r = await host.call('case.open', { path: file });
      await host.close();
      expect(r).toMatchObject({ ok: false, error: { code: 'NOT_A_CASE', message: /empty/ } });
      expect(readFileSync(file).equals(before)).toBe(true);
    }
    writeFileSync(path.join(dir, 'unused'), '');
  });
});
