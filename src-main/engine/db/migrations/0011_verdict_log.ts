// Schema 11: verdicts alike everywhere. Every verdict (confirmed, false positive, unsure, or
// cleared), note and rule review is kept in order in `verdict_log`: an item's history, and what
// a rule's confidence is replayed from when a verdict on one of its alerts is changed or undone
// (its steps clamp, so they cannot be stepped back). Rule alerts take "unsure" too (the table is
// rebuilt for its CHECK). The verdicts and notes already in a case start the log.
export const up = `
CREATE TABLE alerts_v11 (
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
  verdict TEXT CHECK (verdict IN ('confirmed', 'false_positive', 'unsure')),
  verdict_at TEXT
) STRICT;
INSERT INTO alerts_v11 SELECT * FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_v11 RENAME TO alerts;
CREATE INDEX alerts_run ON alerts(run_id);
CREATE INDEX alerts_incident ON alerts(incident_id);

CREATE TABLE verdict_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  dataset_id INTEGER REFERENCES datasets(id) ON DELETE CASCADE,
  event_id INTEGER,
  alert_id INTEGER,
  rule TEXT,
  action TEXT NOT NULL CHECK (action IN ('verdict', 'note', 'review')),
  verdict TEXT CHECK (verdict IN ('confirmed', 'false_positive', 'unsure')),
  note TEXT CHECK (note IS NULL OR length(note) <= 4000),
  CHECK (event_id IS NOT NULL OR alert_id IS NOT NULL OR rule IS NOT NULL)
) STRICT;
CREATE INDEX verdict_log_event ON verdict_log(dataset_id, event_id);
CREATE INDEX verdict_log_alert ON verdict_log(alert_id);
CREATE INDEX verdict_log_rule ON verdict_log(rule, id);

INSERT INTO verdict_log (at, dataset_id, alert_id, rule, action, verdict)
  SELECT coalesce(verdict_at, ''), dataset_id, id, rule, 'verdict', verdict
  FROM alerts WHERE verdict IS NOT NULL ORDER BY verdict_at, id;
INSERT INTO verdict_log (at, dataset_id, event_id, action, verdict)
  SELECT created_at, dataset_id, event_id, 'verdict', verdict FROM labels ORDER BY created_at, id;
INSERT INTO verdict_log (at, dataset_id, event_id, action, note)
  SELECT created_at, dataset_id, event_id, 'note', substr(body, 1, 4000)
  FROM notes WHERE event_id IS NOT NULL ORDER BY created_at, id;
`;
