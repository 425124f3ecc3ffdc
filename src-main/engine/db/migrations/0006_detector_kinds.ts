// Schema 6: models may also be Extended Isolation Forests ('eif') and sampled nearest-neighbour
// detectors ('knn'). SQLite cannot change a CHECK constraint in place, so the table is rebuilt
// (SQLite's documented 12-step way: foreign keys are off during migrations and checked after,
// so the scores that reference models are kept).
export const up = `
CREATE TABLE models_new (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('gbdt', 'iforest', 'eif', 'knn', 'hbos', 'onnx')),
  dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  feature_names TEXT NOT NULL,
  metadata TEXT NOT NULL,
  threshold REAL,
  body BLOB NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
INSERT INTO models_new (id, name, kind, dataset_id, feature_names, metadata, threshold, body, created_at)
  SELECT id, name, kind, dataset_id, feature_names, metadata, threshold, body, created_at FROM models;
DROP TABLE models;
ALTER TABLE models_new RENAME TO models;
`;
