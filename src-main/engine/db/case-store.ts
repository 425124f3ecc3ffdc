// Reading case metadata: datasets and their columns.
import type { CaseInfo, ColumnInfo, DatasetInfo } from '../../../src-shared/domain';
import type { DB } from './open-case';

export const tableOf = (datasetId: number): string => `ds_${datasetId}`;

interface DatasetRow {
  id: number;
  name: string;
  format: DatasetInfo['format'];
  source_file: string | null;
  row_count: number;
  time_column: string | null;
  created_at: string;
  ingest_seconds: number | null;
}

export function listDatasets(db: DB): DatasetInfo[] {
  const rows = db.prepare('SELECT * FROM datasets ORDER BY id').all() as DatasetRow[];
  const cols = db
    .prepare(
      'SELECT dataset_id, name, sql_name, type, role FROM dataset_columns ORDER BY dataset_id, ordinal',
    )
    .all() as {
    dataset_id: number;
    name: string;
    sql_name: string;
    type: ColumnInfo['type'];
    role: ColumnInfo['role'];
  }[];
  const byDataset = new Map<number, ColumnInfo[]>();
  for (const c of cols) {
    let list = byDataset.get(c.dataset_id);
    if (!list) byDataset.set(c.dataset_id, (list = []));
    list.push({ name: c.name, sqlName: c.sql_name, type: c.type, role: c.role });
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    format: r.format,
    sourceFile: r.source_file,
    rows: r.row_count,
    columns: byDataset.get(r.id) ?? [],
    timeColumn: r.time_column,
    createdAt: r.created_at,
    ingestSeconds: r.ingest_seconds,
  }));
}

export function caseInfo(db: DB, path: string): CaseInfo {
  return {
    path,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    datasets: listDatasets(db),
  };
}
