import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ID, closeCaseDb, openCaseDb } from '../../src-main/engine/db/open-case';
import { LATEST_VERSION, MIGRATIONS } from '../../src-main/engine/db/migrations';
import { EngineHost } from '../../src-main/engine/host';
import { failure, tempDir, writeFile } from './helpers';

describe('case files', () => {
  it('creates a case in WAL mode with foreign keys, STRICT tables and the latest schema', () => {
    const file = path.join(tempDir(), 'new.sentinel');
    const db = openCaseDb(file, { create: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
      const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as {
        name: string;
        sql: string;
      }[];
      expect(tables.map((t) => t.name).sort()).toEqual([
        'alerts',
        'case_meta',
        'column_chunks',
        'dataset_columns',
        'dataset_mappings',
        'datasets',
        'evaluations',
        'feature_sets',
        'import_layouts',
        'incidents',
        'injected_events',
        'injections',
        'labels',
        'models',
        'notes',
        'rule_baselines',
        'rule_confidence',
        'rule_engine_state',
        'rule_runs',
        'scores',
        'verdict_log',
      ]);
      for (const t of tables) expect(t.sql).toMatch(/STRICT(, WITHOUT ROWID)?$/);
    } finally {
      closeCaseDb(db);
    }
  });

  it('migration 1: datasets cascade to their columns, labels and notes', () => {
    const file = path.join(tempDir(), 'm1.sentinel');
    const db = openCaseDb(file, { create: true });
    try {
      db.prepare("INSERT INTO datasets (id, name, format, created_at) VALUES (1, 'd', 'csv', 'now')").run();
      db.prepare("INSERT INTO dataset_columns VALUES (1, 0, 'a', 'a', 'TEXT', 'entity')").run();
      db.prepare(
        "INSERT INTO labels (dataset_id, event_id, verdict, created_at) VALUES (1, 5, 'confirmed', 'now')",
      ).run();
      db.prepare(
        "INSERT INTO notes (dataset_id, event_id, body, created_at) VALUES (1, 5, 'looks bad', 'now')",
      ).run();
      expect(() =>
        db.prepare("INSERT INTO dataset_columns VALUES (1, 1, 'b', 'b', 'BLOB', NULL)").run(),
      ).toThrow(/CHECK/);
      expect(() =>
        db
          .prepare(
            "INSERT INTO labels (dataset_id, event_id, verdict, created_at) VALUES (9, 1, 'confirmed', 'now')",
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
      db.prepare('DELETE FROM datasets WHERE id = 1').run();
      for (const t of ['dataset_columns', 'labels', 'notes'])
        expect(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()).toBe(0);
    } finally {
      closeCaseDb(db);
    }
  });

  it('migration 2: keeps every column entry and allows the device role', () => {
    const file = path.join(tempDir(), 'm2.sentinel');
    // a case at schema 1, with a dataset, migrated to the latest on open
    const v1 = openCaseDb(file, { create: true, migrations: MIGRATIONS.slice(0, 1) });
    v1.prepare("INSERT INTO datasets (id, name, format, created_at) VALUES (1, 'd', 'csv', 'now')").run();
    v1.prepare(
      "INSERT INTO dataset_columns VALUES (1, 0, 'a', 'a', 'TEXT', 'entity'), (1, 1, 'b', 'b', 'REAL', NULL)",
    ).run();
    expect(() =>
      v1.prepare("INSERT INTO dataset_columns VALUES (1, 2, 'd', 'd', 'TEXT', 'device')").run(),
    ).toThrow(/CHECK/);
    closeCaseDb(v1);
    const db = openCaseDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(db.prepare('SELECT name, role FROM dataset_columns ORDER BY ordinal').all()).toEqual([
        { name: 'a', role: 'entity' },
        { name: 'b', role: null },
      ]);
      db.prepare("INSERT INTO dataset_columns VALUES (1, 2, 'd', 'd', 'TEXT', 'device')").run();
      db.prepare("INSERT INTO feature_sets VALUES (1, '[]', 'h', 0, 0, 'now', NULL)").run();
      db.prepare('DELETE FROM datasets').run();
      expect(db.prepare('SELECT count(*) FROM feature_sets').pluck().get()).toBe(0);
    } finally {
      closeCaseDb(db);
    }
  });

  it('migration 3: injections own their events and go with their dataset', () => {
    const file = path.join(tempDir(), 'm3.sentinel');
    const db = openCaseDb(file, { create: true });
    try {
      db.prepare("INSERT INTO datasets (id, name, format, created_at) VALUES (1, 'd', 'csv', 'now')").run();
      db.prepare(
        "INSERT INTO injections VALUES (1, 1, 'login_burst', 'u', '{}', '{}', 2, 0, 0, 'now')",
      ).run();
      db.prepare('INSERT INTO injected_events VALUES (1, 10, 1), (1, 11, 1)').run();
      expect(() => db.prepare('INSERT INTO injected_events VALUES (1, 12, 9)').run()).toThrow(/FOREIGN KEY/);
      db.prepare('DELETE FROM injections WHERE id = 1').run();
      expect(db.prepare('SELECT count(*) FROM injected_events').pluck().get()).toBe(0);
      db.prepare("INSERT INTO injections VALUES (2, 1, 'x', NULL, '{}', '{}', 0, 0, 0, 'now')").run();
      db.prepare('DELETE FROM datasets').run();
      expect(db.prepare('SELECT count(*) FROM injections').pluck().get()).toBe(0);
    } finally {
      closeCaseDb(db);
    }
  });

  it('migration 4: scores go with their model and their dataset; a model outlives its dataset', () => {
    const file = path.join(tempDir(), 'm4.sentinel');
    const db = openCaseDb(file, { create: true });
    try {
      db.prepare("INSERT INTO datasets (id, name, format, created_at) VALUES (1, 'd', 'csv', 'now')").run();
      db.prepare("INSERT INTO models VALUES (1, 'm', 'gbdt', 1, '[]', '{}', 0.5, x'00', 'now')").run();
      db.prepare('INSERT INTO scores VALUES (1, 1, 10, 0.9), (1, 1, 11, 0.1)').run();
      expect(() =>
        db.prepare("INSERT INTO models VALUES (2, 'm', 'svm', NULL, '[]', '{}', NULL, x'00', 'now')").run(),
      ).toThrow(/CHECK/);
      db.prepare('DELETE FROM datasets').run();
      expect(db.prepare('SELECT dataset_id FROM models').pluck().get()).toBeNull();
      expect(db.prepare('SELECT count(*) FROM scores').pluck().get()).toBe(0);
      db.prepare("INSERT INTO datasets (id, name, format, created_at) VALUES (2, 'e', 'csv', 'now')").run();
      db.prepare('INSERT INTO scores VALUES (1, 2, 1, 0.5)').run();
      db.prepare('DELETE FROM models').run();
      expect(db.prepare('SELECT count(*) FROM scores').pluck().get()).toBe(0);
    } finally {
      closeCaseDb(db);
    }
  });

  it("migration 7: import layouts keyed by a 32-digit hash; a dataset's mapping goes with it", () => {
    const file = path.join(tempDir(), 'm7.sentinel');
    // a case from before schema 7, with a dataset, migrated on open
    const before = openCaseDb(file, { create: true, migrations: MIGRATIONS.filter((m) => m.version < 7) });
    before
      .prepare("INSERT INTO datasets (id, name, format, created_at) VALUES (1, 'tx', 'csv', 'now')")
      .run();
    closeCaseDb(before);
    const db = openCaseDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      const key = 'a'.repeat(32);
      db.prepare("INSERT INTO import_layouts VALUES (?, '[\"a\"]', '{}', 'now')").run(key);
      expect(() =>
        db.prepare("INSERT INTO import_layouts VALUES ('short', '[]', '{}', 'now')").run(),
      ).toThrow(/CHECK/);
      expect(() => db.prepare("INSERT INTO dataset_mappings VALUES (9, ?, '{}')").run(key)).toThrow(
        /FOREIGN KEY/,
      );
      db.prepare("INSERT INTO dataset_mappings VALUES (1, ?, '{}')").run(key);
      db.prepare('DELETE FROM datasets').run();
      expect(db.prepare('SELECT count(*) FROM dataset_mappings').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM import_layouts').pluck().get()).toBe(1); // outlives it
    } finally {
      closeCaseDb(db);
    }
  });

  it('migration 5: alerts and incidents go with their run and dataset; checks hold', () => {
    const file = path.join(tempDir(), 'm5.sentinel');
    // a case at schema 4 with a dataset, migrated on open
    const v4 = openCaseDb(file, { create: true, migrations: MIGRATIONS.slice(0, 4) });
    v4.prepare("INSERT INTO datasets (id, name, format, created_at) VALUES (1, 'api', 'jsonl', 'now')").run();
    closeCaseDb(v4);
    const db = openCaseDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      db.prepare("INSERT INTO rule_runs VALUES (1, 1, 100, 2, 0.5, 0, 'now')").run();
      db.prepare("INSERT INTO incidents VALUES (1, 1, 'exfiltration', 'HIGH', 0, 10, '[]', '[]')").run();
      const alert = (id: number, incident: number | null, severity = 'HIGH', confidence = 0.5) =>
        db
          .prepare(
            `INSERT INTO alerts (id, run_id, dataset_id, rule, entity_kind, entity, ip, start_ts, end_ts, observed,
             baseline, severity, confidence, count, evidence, details, incident_id)
             VALUES (?, 1, 1, 'new_field', 'key', 'k', NULL, 0, 1, 1, NULL, ?, ?, 1, '[1]', '{}', ?)`,
          )
          .run(id, severity, confidence, incident);
      alert(1, 1);
      alert(2, null);
      expect(() => alert(3, null, 'SEVERE')).toThrow(/CHECK/);
      expect(() => alert(3, null, 'LOW', 1.5)).toThrow(/CHECK/);
      expect(() => alert(3, 9)).toThrow(/FOREIGN KEY/);
      db.prepare('DELETE FROM incidents').run();
      expect(db.prepare('SELECT incident_id FROM alerts WHERE id = 1').pluck().get()).toBeNull();
      expect(() =>
        db.prepare("INSERT INTO rule_confidence VALUES ('rate_spike', 101, 0, 0, 0, 'now')").run(),
      ).toThrow(/CHECK/);
      db.prepare("INSERT INTO rule_confidence VALUES ('rate_spike', 95, 1, 0, 0, 'now')").run();
      db.prepare('DELETE FROM datasets').run();
      for (const t of ['rule_runs', 'alerts', 'incidents'])
        expect(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM rule_confidence').pluck().get()).toBe(1); // outlives runs
    } finally {
      closeCaseDb(db);
    }
  });

  it('migration 6: a case at schema 5 keeps its models and their scores, and takes the new detector kinds', () => {
    const file = path.join(tempDir(), 'm6.sentinel');
    const v5 = openCaseDb(file, { create: true, migrations: MIGRATIONS.slice(0, 5) });
    v5.prepare("INSERT INTO datasets (id, name, format, created_at) VALUES (1, 'd', 'csv', 'now')").run();
    v5.prepare("INSERT INTO models VALUES (7, 'm', 'iforest', 1, '[\"a\"]', '{}', 0.5, x'01', 'then')").run();
    v5.prepare('INSERT INTO scores VALUES (7, 1, 10, 0.9), (7, 1, 11, 0.1)').run();
    expect(() =>
      v5.prepare("INSERT INTO models VALUES (8, 'm', 'eif', 1, '[]', '{}', NULL, x'00', 'now')").run(),
    ).toThrow(/CHECK/);
    closeCaseDb(v5);
    const db = openCaseDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(db.prepare('SELECT id, kind, feature_names, threshold, created_at FROM models').all()).toEqual([
        { id: 7, kind: 'iforest', feature_names: '["a"]', threshold: 0.5, created_at: 'then' },
      ]);
      expect(db.prepare('SELECT count(*) FROM scores').pluck().get()).toBe(2); // not cascaded away
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1); // back on after the migration
      db.prepare("INSERT INTO models VALUES (8, 'e', 'eif', 1, '[]', '{}', NULL, x'00', 'now')").run();
      db.prepare("INSERT INTO models VALUES (9, 'k', 'knn', NULL, '[]', '{}', NULL, x'00', 'now')").run();
      expect(() =>
        db.prepare("INSERT INTO models VALUES (10, 'm', 'svm', NULL, '[]', '{}', NULL, x'00', 'now')").run(),
      ).toThrow(/CHECK/);
      // the rebuilt table keeps its references both ways
      expect(() => db.prepare('INSERT INTO scores VALUES (99, 1, 1, 0.5)').run()).toThrow(/FOREIGN KEY/);
      db.prepare('DELETE FROM models WHERE id = 7').run();
      expect(db.prepare('SELECT count(*) FROM scores').pluck().get()).toBe(0);
      db.prepare('DELETE FROM datasets').run();
      expect(db.prepare('SELECT dataset_id FROM models WHERE id = 8').pluck().get()).toBeNull();
    } finally {
      closeCaseDb(db);
    }
  });

  it('migration 11: alerts take "unsure"; the verdicts and notes already there start the review journal', () => {
    const file = path.join(tempDir(), 'm11.sentinel');
    const v10 = openCaseDb(file, { create: true, migrations: MIGRATIONS.slice(0, 10) });
    v10
      .prepare("INSERT INTO datasets (id, name, format, created_at) VALUES (1, 'api', 'jsonl', 'now')")
      .run();
    v10.prepare("INSERT INTO rule_runs VALUES (1, 1, 100, 2, 0.5, 0, 'now')").run();
    v10.prepare("INSERT INTO incidents VALUES (1, 1, 'exfiltration', 'HIGH', 0, 10, '[]', '[]')").run();
    const alert = v10.prepare(
      `INSERT INTO alerts (id, run_id, dataset_id, rule, entity_kind, entity, ip, start_ts, end_ts, observed,
       baseline, severity, confidence, count, evidence, details, incident_id, verdict, verdict_at)
       VALUES (?, 1, 1, 'new_field', 'key', 'k', NULL, 0, 1, 1, NULL, 'HIGH', 0.5, 1, '[1]', '{}', 1, ?, ?)`,
    );
    alert.run(1, 'false_positive', '2026-11-01T10:00:00Z');
    alert.run(2, null, null);
    expect(() => alert.run(3, 'unsure', 'now')).toThrow(/CHECK/);
    v10.prepare("INSERT INTO labels VALUES (1, 1, 5, 'confirmed', '2026-11-02T10:00:00Z')").run();
    v10.prepare("INSERT INTO notes VALUES (1, 1, 5, 'seen before', '2026-11-03T10:00:00Z')").run();
    closeCaseDb(v10);
    const db = openCaseDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(db.prepare('SELECT id, verdict, incident_id FROM alerts ORDER BY id').all()).toEqual([
        { id: 1, verdict: 'false_positive', incident_id: 1 },
        { id: 2, verdict: null, incident_id: 1 },
      ]);
      db.prepare("UPDATE alerts SET verdict = 'unsure' WHERE id = 2").run();
      expect(() => db.prepare("UPDATE alerts SET verdict = 'maybe' WHERE id = 2").run()).toThrow(/CHECK/);
      expect(
        db
          .prepare(
            'SELECT dataset_id, event_id, alert_id, rule, action, verdict, note FROM verdict_log ORDER BY id',
          )
          .all(),
      ).toEqual([
        {
          dataset_id: 1,
          event_id: null,
          alert_id: 1,
          rule: 'new_field',
          action: 'verdict',
          verdict: 'false_positive',
          note: null,
        },
        {
          dataset_id: 1,
          event_id: 5,
          alert_id: null,
          rule: null,
          action: 'verdict',
          verdict: 'confirmed',
          note: null,
        },
        {
          dataset_id: 1,
          event_id: 5,
          alert_id: null,
          rule: null,
          action: 'note',
          verdict: null,
          note: 'seen before',
        },
      ]);
      // the rebuilt table keeps its references both ways
      db.prepare('DELETE FROM incidents').run();
      expect(db.prepare('SELECT count(*) FROM alerts WHERE incident_id IS NULL').pluck().get()).toBe(2);
      db.prepare('DELETE FROM datasets').run();
      for (const t of ['alerts', 'verdict_log'])
        expect(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()).toBe(0);
    } finally {
      closeCaseDb(db);
    }
  });

  it('a migration that leaves a reference dangling is refused, and the case is left as it was', () => {
    const file = path.join(tempDir(), 'fk.sentinel');
    const db0 = openCaseDb(file, { create: true });
    db0.prepare("INSERT INTO datasets (id, name, format, created_at) VALUES (1, 'd', 'csv', 'now')").run();
    db0.prepare("INSERT INTO models VALUES (1, 'm', 'gbdt', 1, '[]', '{}', 0.5, x'00', 'now')").run();
    db0.prepare('INSERT INTO scores VALUES (1, 1, 10, 0.9)').run();
    closeCaseDb(db0);
    const broken = [...MIGRATIONS, { version: LATEST_VERSION + 1, up: 'DELETE FROM models;' }];
    expect(() => openCaseDb(file, { migrations: broken })).toThrow(/scores pointing at missing models/);
    const check = openCaseDb(file);
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(check.prepare('SELECT count(*) FROM models').pluck().get()).toBe(1);
    closeCaseDb(check);
  });

  it('refuses a case written by a newer version, with a clear message, and leaves it untouched', () => {
    const file = path.join(tempDir(), 'future.sentinel');
    closeCaseDb(openCaseDb(file, { create: true }));
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    const e = failure(() => openCaseDb(file));
    expect(e.code).toBe('CASE_TOO_NEW');
    expect(e.message).toMatch(/newer SentinelRisk/);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    check.close();
  });

  it('refuses files that are not cases: another SQLite database, a text file', () => {
    const dir = tempDir();
    const other = path.join(dir, 'other.db');
    const raw = new Database(other);
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    expect(failure(() => openCaseDb(other))).toMatchObject({ code: 'NOT_A_CASE' });
    const text = writeFile(dir, 'notes.sentinel', 'this is not a database, just text '.repeat(200));
    expect(failure(() => openCaseDb(text))).toMatchObject({ code: 'NOT_A_CASE', file: text });
    expect(failure(() => openCaseDb(path.join(dir, 'missing.sentinel')))).toMatchObject({ code: 'IO' });
  });

  it('runs pending migrations in one transaction: a failing migration leaves the case as it was', () => {
    const file = path.join(tempDir(), 'mig.sentinel');
    closeCaseDb(openCaseDb(file, { create: true }));
    const broken = [
      ...MIGRATIONS,
      { version: LATEST_VERSION + 1, up: 'CREATE TABLE extra (x INTEGER) STRICT;' },
      { version: LATEST_VERSION + 2, up: 'THIS IS NOT SQL;' },
    ];
    expect(() => openCaseDb(file, { migrations: broken })).toThrow();
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(check.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").pluck().get()).toBe(0);
    check.close();
    const good = [
      ...MIGRATIONS,
      { version: LATEST_VERSION + 1, up: 'CREATE TABLE extra (x INTEGER) STRICT;' },
    ];
    const db = openCaseDb(file, { migrations: good });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    closeCaseDb(db);
  });

  it('the host reports a case error as data', async () => {
    const host = new EngineHost({ shell: 'cli' });
    try {
      const r = await host.call('case.open', { path: path.join(tempDir(), 'nope.sentinel') });
      expect(r).toMatchObject({ ok: false, error: { code: 'IO' } });
    } finally {
      await host.close();
    }
  });
});
