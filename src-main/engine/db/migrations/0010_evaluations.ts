// Schema 10: evaluations kept in the case: every model kind side by side on one split of a
// dataset, with the request and the engine's version behind the figures (EvaluationResult as
// JSON, checked when read).
export const up = `
CREATE TABLE evaluations (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  app_version TEXT NOT NULL,
  result TEXT NOT NULL CHECK (json_valid(result))
) STRICT;
CREATE INDEX evaluations_dataset ON evaluations(dataset_id, id);
`;
