// Schema 3: attack-scenario injections. Injected events live in their dataset's table (so
// features, models and rules see them) and are listed here with their scenario: that is their
// label, and removing an injection removes exactly its events.
export const up = `
CREATE TABLE injections (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  scenario TEXT NOT NULL,
  entity TEXT,
  params TEXT NOT NULL,
  business TEXT NOT NULL,
  events INTEGER NOT NULL,
  start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE injected_events (
  dataset_id INTEGER NOT NULL,
  event_id INTEGER NOT NULL,
  injection_id INTEGER NOT NULL REFERENCES injections(id) ON DELETE CASCADE,
  PRIMARY KEY (dataset_id, event_id)
) STRICT;
CREATE INDEX injected_events_injection ON injected_events(injection_id);
`;
