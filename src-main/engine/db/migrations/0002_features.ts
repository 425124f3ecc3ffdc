// Schema 2: a `device` role for columns, and feature sets (the point-in-time features of a
// dataset live in their own STRICT table `features_<dataset id>`, created when computed).
export const up = `
CREATE TABLE dataset_columns_v2 (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  name TEXT NOT NULL,
  sql_name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('INTEGER', 'REAL', 'TEXT')),
  role TEXT CHECK (role IN ('time', 'entity', 'src_ip', 'action', 'amount', 'status', 'resource', 'latency', 'label', 'device')),
  PRIMARY KEY (dataset_id, ordinal),
  UNIQUE (dataset_id, sql_name)
) STRICT;
INSERT INTO dataset_columns_v2 SELECT dataset_id, ordinal, name, sql_name, type, role FROM dataset_columns;
DROP TABLE dataset_columns;
ALTER TABLE dataset_columns_v2 RENAME TO dataset_columns;

CREATE TABLE feature_sets (
  dataset_id INTEGER PRIMARY KEY REFERENCES datasets(id) ON DELETE CASCADE,
  names TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  rows INTEGER NOT NULL,
  max_event_id INTEGER NOT NULL,
  computed_at TEXT NOT NULL,
  seconds REAL
) STRICT;
`;
