// Schema 4: models and their scores. A model is kept in the case (its ONNX bytes for tree
// ensembles, its parameters for unsupervised detectors) with the metadata that says what it
// was trained on; scores are per model and event.
export const up = `
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('gbdt', 'iforest', 'hbos', 'onnx')),
  dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  feature_names TEXT NOT NULL,
  metadata TEXT NOT NULL,
  threshold REAL,
  body BLOB NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE scores (
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL,
  score REAL NOT NULL,
  PRIMARY KEY (model_id, dataset_id, event_id)
) STRICT, WITHOUT ROWID;
`;
