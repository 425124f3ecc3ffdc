// Schema 8: a dataset's columns (and its stored features) also kept column by column, in chunks
// of consecutive event ids, as typed arrays: what training, scoring and explanations read, so a
// read is a few hundred blob fetches instead of a JavaScript array built per row. The rows in
// ds_<id> and features_<id> stay the record; the chunks are rebuilt from them whenever they
// disagree (see column-store.ts).
export const up = `
CREATE TABLE column_chunks (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('events', 'features')),
  name TEXT NOT NULL,
  chunk INTEGER NOT NULL CHECK (chunk >= 0),
  rows INTEGER NOT NULL CHECK (rows > 0),
  data BLOB NOT NULL,
  PRIMARY KEY (dataset_id, source, name, chunk)
) STRICT;
`;
