// Schema 5: the streaming rule engine. Each run of the rules over a dataset keeps its alerts
// and incidents (a new run of the same dataset replaces them); rule confidence and verdict
// counts live across runs; the learned baselines (per key, plus the global ones) are kept so
// the engine resumes where it stopped.
export const up = `
CREATE TABLE rule_runs (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  events INTEGER NOT NULL,
  alerts INTEGER NOT NULL,
  seconds REAL NOT NULL,
  resumed INTEGER NOT NULL CHECK (resumed IN (0, 1)),
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES rule_runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('exfiltration', 'account_attack', 'correlated')),
  severity TEXT NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL,
  rules TEXT NOT NULL,
  entities TEXT NOT NULL
) STRICT;

CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES rule_runs(id) ON DELETE CASCADE,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  rule TEXT NOT NULL,
  entity_kind TEXT NOT NULL CHECK (entity_kind IN ('key', 'ip', 'operation')),
  entity TEXT NOT NULL,
  ip TEXT,
  start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL,
  observed REAL NOT NULL,
  baseline REAL,
  severity TEXT NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  count INTEGER NOT NULL CHECK (count >= 1),
  evidence TEXT NOT NULL,
  details TEXT NOT NULL,
  incident_id INTEGER REFERENCES incidents(id) ON DELETE SET NULL,
  verdict TEXT CHECK (verdict IN ('confirmed', 'false_positive')),
  verdict_at TEXT
) STRICT;
CREATE INDEX alerts_run ON alerts(run_id);
CREATE INDEX alerts_incident ON alerts(incident_id);

CREATE TABLE rule_confidence (
  rule TEXT PRIMARY KEY,
  confidence INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100),
  false_positives INTEGER NOT NULL CHECK (false_positives >= 0),
  confirmed INTEGER NOT NULL CHECK (confirmed >= 0),
  disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE rule_baselines (
  entity TEXT PRIMARY KEY,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  learning_until INTEGER NOT NULL,
  max_rows REAL NOT NULL,
  max_bytes REAL NOT NULL,
  slots BLOB,
  weeks BLOB,
  fields TEXT NOT NULL,
  tables TEXT NOT NULL
) STRICT;

CREATE TABLE rule_engine_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  start_ts INTEGER NOT NULL,
  as_of INTEGER NOT NULL,
  hist BLOB NOT NULL,
  hist_week BLOB NOT NULL,
  ops TEXT NOT NULL,
  known_fields TEXT NOT NULL,
  known_tables TEXT NOT NULL
) STRICT;
`;
