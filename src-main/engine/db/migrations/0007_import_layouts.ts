// Schema 7: import mappings remembered per header layout. A file imported with a mapping (roles,
// time options, a label's attack values) leaves it here under its header layout (the ordered
// column names, normalised and hashed); the next file with that header gets it as its default.
// Each dataset keeps the mapping it was imported with (a training reads its label's values).
// (Schema 6 is the models' migration, on another branch.)
export const up = `
CREATE TABLE import_layouts (
  layout TEXT PRIMARY KEY CHECK (length(layout) = 32),
  columns TEXT NOT NULL,
  mapping TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE dataset_mappings (
  dataset_id INTEGER PRIMARY KEY REFERENCES datasets(id) ON DELETE CASCADE,
  layout TEXT NOT NULL,
  mapping TEXT NOT NULL
) STRICT;
`;
