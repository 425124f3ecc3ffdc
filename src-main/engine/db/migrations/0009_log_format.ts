// Schema 9: a dataset may be a server log read line by line (format 'syslog') or a Parquet
// file (format 'parquet'). SQLite cannot
// change a CHECK in place: the catalogue table is rebuilt (migrations run with foreign keys off
// and are checked before they commit), its rows and ids kept.
export const up = `
CREATE TABLE datasets_new (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL CHECK (format IN ('csv', 'tsv', 'jsonl', 'syslog', 'parquet')),
  source_file TEXT,
  row_count INTEGER NOT NULL DEFAULT 0,
  time_column TEXT,
  created_at TEXT NOT NULL,
  ingest_seconds REAL
) STRICT;
INSERT INTO datasets_new (id, name, format, source_file, row_count, time_column, created_at, ingest_seconds)
  SELECT id, name, format, source_file, row_count, time_column, created_at, ingest_seconds FROM datasets;
DROP TABLE datasets;
ALTER TABLE datasets_new RENAME TO datasets;
`;
