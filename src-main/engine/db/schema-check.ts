// A case file is untrusted input: before anything reads it, its schema is compared with what
// SentinelRisk makes. The tables, indexes and views of the migrations must be there exactly as
// they create them (a view standing in for `labels`, a table with its CHECKs removed, are
// refused); per-dataset objects must be those the engine writes for the datasets listed; and
// anything else (a trigger, a view of someone's own, a stray table) is refused by name. So no
// SQL of a stranger's runs when the case is read or written.
import Database from 'better-sqlite3';
import { fail } from '../../../src-shared/result';
import { listDatasets } from './case-store';
import { datasetTableSql, eventsViewSql } from './ingest-writer';
import type { Migration } from './migrations';
import type { DB } from './open-case';

interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

const expectedByVersion = new Map<number, Map<string, SchemaRow>>();

/** The objects migrations 1..version create, by name (computed once, in memory). */
function expectedSchema(migrations: Migration[], version: number): Map<string, SchemaRow> {
  let known = expectedByVersion.get(version);
  if (known) return known;
  const mem = new Database(':memory:');
  try {
    for (const m of migrations) if (m.version <= version) mem.exec(m.up);
    const rows = mem.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema').all() as SchemaRow[];
    known = new Map(rows.map((r) => [r.name, r]));
  } finally {
    mem.close();
  }
  expectedByVersion.set(version, known);
  return known;
}

// Per-dataset objects whose SQL has one safe shape
const FEATURES_TABLE =
  /^CREATE TABLE features_(\d+) \(event_id INTEGER PRIMARY KEY(, "[a-z][a-z0-9_]{0,47}" REAL)*\) STRICT$/;
const DATASET_INDEX =
  /^CREATE INDEX "ds_(\d+)_([a-z_][a-z0-9_]{0,63})" ON ds_(\d+)\((_ts|"[a-z_][a-z0-9_]{0,63}")\)$/;
/** Tables SQLite itself makes (statistics of ANALYZE / PRAGMA optimize). */
const SQLITE_OWN = new Set(['sqlite_stat1', 'sqlite_stat4', 'sqlite_sequence']);

const what = (r: SchemaRow) =>
  `${r.type} "${r.name.slice(0, 60)}"${r.tbl_name && r.tbl_name !== r.name ? ` on ${r.tbl_name.slice(0, 60)}` : ''}`;

export function checkSchema(db: DB, file: string, migrations: Migration[], version: number): void {
  const refuse = (r: SchemaRow, why: string): never =>
    fail(
      'NOT_A_CASE',
      `this case holds a ${what(r)} ${why}: refused, as a case file may come from anyone (nothing in it was run or changed)`,
      { file },
    );
  const expected = expectedSchema(migrations, version);
  const rows = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema').all() as SchemaRow[];
  // A trigger may share its name with a table: one object a name, or the case is refused.
  const byName = new Map<string, SchemaRow>();
  for (const r of rows) {
    if (byName.has(r.name)) refuse(r, 'that shares its name with another object');
    byName.set(r.name, r);
  }
  for (const [name, want] of expected) {
    const have =
      byName.get(name) ??
      fail('NOT_A_CASE', `this case has no ${want.type} "${name}": it is damaged or was altered`, { file });
    if (have.type !== want.type || have.sql !== want.sql || have.tbl_name !== want.tbl_name)
      refuse(have, 'that is not as SentinelRisk makes it');
  }
  // the catalogue is now known to be ours: read it (its values are checked as they are read)
  const datasets = new Map(listDatasets(db).map((d) => [d.id, d]));
  const tables = new Set([...expected.values()].filter((r) => r.type === 'table').map((r) => r.name));
  for (const r of rows) if (r.type === 'table') tables.add(r.name);
  for (const r of rows) {
    if (expected.has(r.name)) continue; // compared above, and its name is its own
    if (
      r.type === 'index' &&
      r.sql === null &&
      r.name.startsWith('sqlite_autoindex_') &&
      tables.has(r.tbl_name)
    )
      continue;
    if (r.type === 'table' && SQLITE_OWN.has(r.name)) continue;
    const ds = /^(?:ds|events|features)_(\d+)$/.exec(r.name);
    const dataset = ds ? datasets.get(Number(ds[1])) : undefined;
    if (r.type === 'table' && r.name.startsWith('ds_') && dataset) {
      if (r.sql !== datasetTableSql(dataset.id, dataset.columns))
        refuse(r, 'that does not match its dataset');
      continue;
    }
    if (r.type === 'view' && r.name.startsWith('events_') && dataset) {
      if (r.sql !== eventsViewSql(dataset.id, dataset.columns)) refuse(r, 'that does not match its dataset');
      continue;
    }
    if (r.type === 'table' && r.name.startsWith('features_') && dataset) {
      if (!r.sql || !FEATURES_TABLE.test(r.sql)) refuse(r, 'that is not a table of features');
      continue;
    }
    const index = r.type === 'index' && r.sql ? DATASET_INDEX.exec(r.sql) : null;
    if (
      index &&
      index[1] === index[3] &&
      r.name === `ds_${index[1]}_${index[2]}` &&
      datasets.has(Number(index[1]))
    ) {
      const columns = datasets.get(Number(index[1]))!.columns;
      const column = index[4] === '_ts' ? 'ts' : index[4].slice(1, -1);
      if (column === index[2] && (column === 'ts' || columns.some((c) => c.sqlName === column))) continue;
    }
    refuse(r, 'that SentinelRisk did not make');
  }
}
