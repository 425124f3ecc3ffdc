// Schema 1: datasets and their typed columns, plus the tables later stages hang off
// (labels and notes on events). Each dataset's rows live in their own STRICT table
// `ds_<id>` created at ingest, with `_id` (event id) and `_ts` (event time, epoch ms).
export const up = `
CREATE TABLE case_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL CHECK (format IN ('csv', 'tsv', 'jsonl')),
  source_file TEXT,
  row_count INTEGER NOT NULL DEFAULT 0,
  time_column TEXT,
  created_at TEXT NOT NULL,
  ingest_seconds REAL
) STRICT;

CREATE TABLE dataset_columns (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  name TEXT NOT NULL,
  sql_name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('INTEGER', 'REAL', 'TEXT')),
  role TEXT CHECK (role IN ('time', 'entity', 'src_ip', 'action', 'amount', 'status', 'resource', 'latency', 'label')),
  PRIMARY KEY (dataset_id, ordinal),
  UNIQUE (dataset_id, sql_name)
) STRICT;

CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'false_positive', 'unsure')),
  created_at TEXT NOT NULL,
  UNIQUE (dataset_id, event_id)
) STRICT;

CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER REFERENCES datasets(id) ON DELETE CASCADE,
  event_id INTEGER,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
`;
