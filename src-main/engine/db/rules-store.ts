// The rule engine's tables (migration 5): runs with their alerts and incidents, rule confidence,
// and the learned baselines. A run is stored in one transaction: all of it, or nothing.
import type {
  IncidentInfo,
  RuleConfidenceInfo,
  StoredAlert,
  Verdict,
  VerdictResult,
} from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { isCancelled } from '../ingest/protocol';
import type { AlertRecord, RuleState } from '../rules/alerts';
import { loadRulesConfig, RULE_NAMES, type RuleName, type RulesConfig } from '../rules/config';
import type { IncidentRecord } from '../rules/correlate';
import type { SavedBaselines } from '../rules/engine';
import { convertFormat1, SLOT_CODES } from '../rules/slot-baselines';
import { HIST_BUCKETS, METRICS, SLOTS, weekOf } from '../rules/state';
import { applyVerdict, reviewed } from '../rules/feedback';
import type { DB } from './open-case';
import { logReview } from './review-store';
import { read, write, type JobTicket } from './session-ops';

export interface RulesRun {
  datasetId: number;
  events: number;
  seconds: number;
  resumed: boolean;
  alerts: AlertRecord[];
  incidents: IncidentRecord[];
  baselines: SavedBaselines;
}

const now = () => new Date().toISOString();
const int = (v: number) => Math.round(Number.isFinite(v) ? v : 0);

export function readRuleStates(db: DB): Map<RuleName, RuleState> {
  const rows = db.prepare('SELECT * FROM rule_confidence').all() as {
    rule: string;
    confidence: number;
    false_positives: number;
    confirmed: number;
    disabled: number;
  }[];
  return new Map(
    rows
      .filter((r) => (RULE_NAMES as readonly string[]).includes(r.rule))
      .map((r) => [
        r.rule as RuleName,
        {
          confidence: r.confidence,
          falsePositives: r.false_positives,
          confirmed: r.confirmed,
          disabled: r.disabled === 1,
        },
      ]),
  );
}

export function ruleConfidence(db: DB, cfg: RulesConfig): RuleConfidenceInfo[] {
  const known = readRuleStates(db);
  return RULE_NAMES.map((rule) => {
    const s = known.get(rule) ?? {
      confidence: cfg.rules[rule].confidence,
      falsePositives: 0,
      confirmed: 0,
      disabled: false,
    };
    return { rule, ...s };
  });
}

const blobOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Kept baselines that do not have the engine's shape: the case was altered (or is not ours). */
function altered(table: string, what: string): never {
  return fail(
    'NOT_A_CASE',
    `the rule engine's kept baselines (table ${table}) are malformed: ${what}; this case file was altered`,
  );
}

function typed<T extends Float32Array | Uint8Array | Uint16Array | Uint32Array | Int32Array>(
  C: (new (b: ArrayBuffer) => T) & { BYTES_PER_ELEMENT: number },
  b: unknown,
  length: number,
  table: string,
  column: string,
): T {
  if (!Buffer.isBuffer(b) || b.byteLength !== length * C.BYTES_PER_ELEMENT)
    altered(table, `${column} is not ${length} values`);
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return new C(copy);
}

function json<T>(text: unknown, table: string, column: string, ok: (v: unknown) => boolean): T {
  let v: unknown;
  try {
    v = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    v = undefined;
  }
  if (v === undefined || !ok(v)) altered(table, `${column} is not what the engine wrote`);
  return v as T;
}

const isNames = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isOps = (v: unknown) =>
  Array.isArray(v) &&
  v.every(
    (o: { name?: unknown; baseline?: unknown; learned?: unknown }) =>
      o !== null &&
      typeof o === 'object' &&
      typeof o.name === 'string' &&
      typeof o.baseline === 'number' &&
      Number.isInteger(o.learned),
  );
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/**
 * A key's slot baselines in either format, as format 2. The formats differ in the size of the
 * weeks blob: format 1 (running averages, before the 14-day window) kept one byte per slot
 * (168), format 2 two (336); a format 1 row is converted (slot-baselines.ts, convertFormat1).
 */
function slotsOf(
  slots: unknown,
  weeks: unknown,
  asOf: number,
): { slots: Uint16Array | null; weeks: Uint16Array | null } {
  const B = 'rule_baselines';
  if (slots === null || weeks === null) return { slots: null, weeks: null };
  if (Buffer.isBuffer(weeks) && weeks.byteLength === SLOTS) {
    const v1 = convertFormat1(
      typed(Float32Array, slots, SLOTS * METRICS, B, 'slots (format 1)'),
      typed(Uint8Array, weeks, SLOTS, B, 'weeks (format 1)'),
      weekOf(asOf),
    );
    return { slots: v1.codes, weeks: v1.weeks };
  }
  return {
    slots: typed(Uint16Array, slots, SLOTS * SLOT_CODES, B, 'slots'),
    weeks: typed(Uint16Array, weeks, SLOTS, B, 'weeks'),
  };
}

export function readSavedBaselines(db: DB): SavedBaselines | null {
  const g = db.prepare('SELECT * FROM rule_engine_state WHERE id = 1').get() as
    | {
        start_ts: number;
        as_of: number;
        hist: Buffer;
        hist_week: Buffer;
        ops: string;
        known_fields: string;
        known_tables: string;
      }
    | undefined;
  if (!g) return null;
  const E = 'rule_engine_state';
  const B = 'rule_baselines';
  if (!isNum(g.start_ts) || !isNum(g.as_of)) altered(E, 'start_ts or as_of is not a time');
  const keys = (
    db.prepare('SELECT * FROM rule_baselines ORDER BY rowid').all() as {
      entity: string;
      first_seen: number;
      last_seen: number;
      learning_until: number;
      max_rows: number;
      max_bytes: number;
      slots: Buffer | null;
      weeks: Buffer | null;
      fields: string;
      tables: string;
    }[]
  ).map((r) => {
    if (
      typeof r.entity !== 'string' ||
      ![r.first_seen, r.last_seen, r.learning_until, r.max_rows, r.max_bytes].every(isNum) ||
      (r.slots === null) !== (r.weeks === null)
    )
      altered(B, `the row of ${JSON.stringify(String(r.entity)).slice(0, 80)} is not what the engine wrote`);
    const { slots, weeks } = slotsOf(r.slots, r.weeks, g.as_of);
    return {
      name: r.entity,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
      learningUntil: r.learning_until,
      maxRows: r.max_rows,
      maxBytes: r.max_bytes,
      slots,
      weeks,
      fields: json<string[]>(r.fields, B, 'fields', isNames),
      tables: json<string[]>(r.tables, B, 'tables', isNames),
    };
  });
  return {
    start: g.start_ts,
    asOf: g.as_of,
    global: {
      hist: typed(Uint32Array, g.hist, SLOTS * 2 * METRICS * HIST_BUCKETS, E, 'hist'),
      histWeek: typed(Int32Array, g.hist_week, SLOTS * 2, E, 'hist_week'),
    },
    ops: json<SavedBaselines['ops']>(g.ops, E, 'ops', isOps),
    knownFields: json<string[]>(g.known_fields, E, 'known_fields', isNames),
    knownTables: json<string[]>(g.known_tables, E, 'known_tables', isNames),
    keys,
  };
}

/** Stores a run: replaces the dataset's earlier runs and the case's baselines. One transaction. */
export function saveRulesRun(db: DB, run: RulesRun, cancel: Int32Array): number {
  return db.transaction(() => {
    db.prepare('DELETE FROM rule_runs WHERE dataset_id = ?').run(run.datasetId);
    const runId = Number(
      db
        .prepare(
          'INSERT INTO rule_runs (dataset_id, events, alerts, seconds, resumed, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(run.datasetId, run.events, run.alerts.length, run.seconds, run.resumed ? 1 : 0, now())
        .lastInsertRowid,
    );
    const incidentIds = new Map<number, number>();
    const addIncident = db.prepare(
      'INSERT INTO incidents (run_id, kind, severity, start_ts, end_ts, rules, entities) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const i of run.incidents) {
      const id = addIncident.run(
        runId,
        i.kind,
        i.severity,
        int(i.start),
        int(i.end),
        JSON.stringify(i.rules),
        JSON.stringify(i.entities),
      ).lastInsertRowid;
      incidentIds.set(i.seq, Number(id));
    }
    const addAlert = db.prepare(
      `INSERT INTO alerts (run_id, dataset_id, rule, entity_kind, entity, ip, start_ts, end_ts, observed, baseline,
        severity, confidence, count, evidence, details, incident_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let n = 0;
    for (const a of run.alerts) {
      if ((++n & 1023) === 0 && isCancelled(cancel)) fail('CANCELLED', 'rules run cancelled');
      addAlert.run(
        runId,
        run.datasetId,
        a.rule,
        a.entityKind,
        a.entity,
        a.ip,
        int(a.start),
        int(a.end),
        a.observed,
        a.baseline,
        a.severity,
        Math.min(1, Math.max(0, a.confidence)),
        a.count,
        JSON.stringify(a.evidence),
        JSON.stringify(a.details),
        a.incident === null ? null : incidentIds.get(a.incident)!,
      );
    }
    writeBaselines(db, run.baselines, cancel);
    if (isCancelled(cancel)) fail('CANCELLED', 'rules run cancelled');
    return runId;
  })();
}

function writeBaselines(db: DB, b: SavedBaselines, cancel: Int32Array): void {
  db.prepare('DELETE FROM rule_baselines').run();
  db.prepare('DELETE FROM rule_engine_state').run();
  db.prepare(
    'INSERT INTO rule_engine_state (id, start_ts, as_of, hist, hist_week, ops, known_fields, known_tables) VALUES (1, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    int(b.start),
    int(b.asOf),
    blobOf(b.global.hist),
    blobOf(b.global.histWeek),
    JSON.stringify(b.ops),
    JSON.stringify(b.knownFields),
    JSON.stringify(b.knownTables),
  );
  const add = db.prepare(
    'INSERT INTO rule_baselines (entity, first_seen, last_seen, learning_until, max_rows, max_bytes, slots, weeks, fields, tables) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let n = 0;
  for (const k of b.keys) {
    if ((++n & 1023) === 0 && isCancelled(cancel)) fail('CANCELLED', 'rules run cancelled');
    add.run(
      k.name,
      int(k.firstSeen),
      int(k.lastSeen),
      int(k.learningUntil),
      k.maxRows,
      k.maxBytes,
      k.slots ? blobOf(k.slots) : null,
      k.weeks ? blobOf(k.weeks) : null,
      JSON.stringify(k.fields),
      JSON.stringify(k.tables),
    );
  }
}

interface AlertRow {
  id: number;
  dataset_id: number;
  rule: string;
  entity_kind: StoredAlert['entityKind'];
  entity: string;
  ip: string | null;
  start_ts: number;
  end_ts: number;
  observed: number;
  baseline: number | null;
  severity: StoredAlert['severity'];
  confidence: number;
  count: number;
  evidence: string;
  details: string;
  incident_id: number | null;
  verdict: StoredAlert['verdict'];
}

const isIds = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isPlainObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A JSON column of a stored row; text the engine did not write means the case was altered. */
function stored<T>(text: unknown, table: string, id: number, column: string, ok: (v: unknown) => boolean): T {
  let v: unknown;
  try {
    v = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    v = undefined;
  }
  if (v === undefined || !ok(v))
    fail(
      'NOT_A_CASE',
      `table ${table}, row ${id}: ${column} is not what the engine wrote; this case file was altered`,
    );
  return v as T;
}

const toAlert = (r: AlertRow): StoredAlert => ({
  id: r.id,
  datasetId: r.dataset_id,
  rule: r.rule,
  entityKind: r.entity_kind,
  entity: r.entity,
  ip: r.ip,
  start: r.start_ts,
  end: r.end_ts,
  observed: r.observed,
  baseline: r.baseline,
  severity: r.severity,
  confidence: r.confidence,
  count: r.count,
  evidence: stored<number[]>(r.evidence, 'alerts', r.id, 'evidence', isIds),
  details: stored<StoredAlert['details']>(r.details, 'alerts', r.id, 'details', isPlainObject),
  incidentId: r.incident_id,
  verdict: r.verdict,
});

export function listAlerts(db: DB, q: { datasetId?: number; limit?: number } = {}): StoredAlert[] {
  const rows = db
    .prepare(
      `SELECT * FROM alerts ${q.datasetId === undefined ? '' : 'WHERE dataset_id = ?'} ORDER BY start_ts, id LIMIT ?`,
    )
    .all(...(q.datasetId === undefined ? [] : [q.datasetId]), q.limit ?? 10_000) as AlertRow[];
  return rows.map(toAlert);
}

export function listIncidents(db: DB, q: { datasetId?: number } = {}): IncidentInfo[] {
  const rows = db
    .prepare(
      `SELECT i.*, (SELECT json_group_array(a.id) FROM alerts a WHERE a.incident_id = i.id) AS alert_ids
       FROM incidents i JOIN rule_runs r ON r.id = i.run_id
       ${q.datasetId === undefined ? '' : 'WHERE r.dataset_id = ?'} ORDER BY i.start_ts, i.id`,
    )
    .all(...(q.datasetId === undefined ? [] : [q.datasetId])) as {
    id: number;
    kind: IncidentInfo['kind'];
    severity: IncidentInfo['severity'];
    start_ts: number;
    end_ts: number;
    rules: string;
    entities: string;
    alert_ids: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    start: r.start_ts,
    end: r.end_ts,
    rules: stored<string[]>(r.rules, 'incidents', r.id, 'rules', isNames),
    entities: stored<string[]>(r.entities, 'incidents', r.id, 'entities', isNames),
    alertIds: (JSON.parse(r.alert_ids) as number[]).sort((a, b) => a - b),
  }));
}

function putState(db: DB, rule: RuleName, s: RuleState): void {
  db.prepare(
    `INSERT INTO rule_confidence (rule, confidence, false_positives, confirmed, disabled, updated_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(rule) DO UPDATE SET confidence = excluded.confidence,
     false_positives = excluded.false_positives, confirmed = excluded.confirmed,
     disabled = excluded.disabled, updated_at = excluded.updated_at`,
  ).run(rule, s.confidence, s.falsePositives, s.confirmed, s.disabled ? 1 : 0, now());
}

function initialState(cfg: RulesConfig, rule: RuleName): RuleState {
  return { confidence: cfg.rules[rule].confidence, falsePositives: 0, confirmed: 0, disabled: false };
}

/**
 * A rule's state replayed from the review journal: from its configured confidence, each of its
 * alerts' latest verdict (at the time it was given) and each review, in order. A changed verdict
 * counts once, where it was last given; a cleared or unsure one not at all.
 */
export function replayRuleState(db: DB, cfg: RulesConfig, rule: RuleName): RuleState {
  const steps = db
    .prepare(
      `SELECT id, alert_id AS alertId, action, verdict FROM verdict_log
       WHERE rule = ? AND action IN ('verdict', 'review') ORDER BY id`,
    )
    .all(rule) as {
    id: number;
    alertId: number | null;
    action: 'verdict' | 'review';
    verdict: string | null;
  }[];
  const latest = new Map<number, number>();
  for (const st of steps) if (st.action === 'verdict' && st.alertId !== null) latest.set(st.alertId, st.id);
  let state = initialState(cfg, rule);
  for (const st of steps) {
    if (st.action === 'review') state = reviewed(state);
    else if (
      st.alertId !== null &&
      latest.get(st.alertId) === st.id &&
      (st.verdict === 'confirmed' || st.verdict === 'false_positive')
    )
      state = applyVerdict(state, st.verdict);
  }
  return state;
}

/**
 * The analyst's verdict on an alert (null clears it), with an optional note; its rule's
 * confidence is replayed from the journal (see rules/feedback.ts), so it can be changed or undone.
 */
export function recordVerdict(
  db: DB,
  cfg: RulesConfig,
  alertId: number,
  verdict: Verdict | null,
  note: string | null = null,
): VerdictResult {
  return db.transaction(() => {
    const row = db.prepare('SELECT * FROM alerts WHERE id = ?').get(alertId) as AlertRow | undefined;
    if (!row) return fail('BAD_REQUEST', `no alert with id ${alertId} in this case`);
    if (!(RULE_NAMES as readonly string[]).includes(row.rule))
      return fail('BAD_REQUEST', `alert ${alertId} is of an unknown rule "${row.rule}"`);
    const rule = row.rule as RuleName;
    db.prepare('UPDATE alerts SET verdict = ?, verdict_at = ? WHERE id = ?').run(
      verdict,
      verdict === null ? null : now(),
      alertId,
    );
    logReview(db, { datasetId: row.dataset_id, alertId, rule }, { action: 'verdict', verdict, note });
    const next = replayRuleState(db, cfg, rule);
    putState(db, rule, next);
    return {
      alert: toAlert({ ...row, verdict }),
      rule: { rule, ...next },
    };
  })();
}

/** A rule disabled by false positives has been reviewed: it runs again (journalled). */
export function reviewRule(db: DB, cfg: RulesConfig, rule: RuleName): RuleConfidenceInfo {
  return db.transaction(() => {
    logReview(db, { rule }, { action: 'review' });
    const next = replayRuleState(db, cfg, rule);
    putState(db, rule, next);
    return { rule, ...next };
  })();
}

/** The rule engine's reads and writes; `configPath` is a rules.yaml other than the shipped one. */
export const ruleOps = {
  /** Stores a rules run (alerts, incidents, baselines) in one transaction, after any write ahead of it. */
  saveRules: write((s, ticket: JobTicket, run: RulesRun) => {
    const job = s.job(ticket);
    if (job.cancelled()) return fail('CANCELLED', 'rules run cancelled');
    const id = saveRulesRun(s.writer, run, job.cancel);
    s.scheduleCheckpoint();
    return id;
  }),
  alerts: read((s, datasetId?: number, limit?: number) => listAlerts(s.reader, { datasetId, limit })),
  incidents: read((s, datasetId?: number) => listIncidents(s.reader, { datasetId })),
  verdict: write((s, alertId: number, verdict: Verdict | null, note?: string, configPath?: string) =>
    recordVerdict(s.writer, loadRulesConfig(configPath), alertId, verdict, note ?? null),
  ),
  ruleConfidence: read((s, configPath?: string) => ruleConfidence(s.reader, loadRulesConfig(configPath))),
  reviewRule: write((s, rule: RuleName, configPath?: string) =>
    reviewRule(s.writer, loadRulesConfig(configPath), rule),
  ),
};
