// The anomaly feed's one axis: every scored event of a dataset gets a combined score 0–100, the
// mean of its percentile ranks under those of the feed's models that scored it (the model of each
// family that scored the dataset last), so a gradient-boosted tree, an Isolation Forest and HBOS rank on the same
// scale. The rule engine's alerts join the same axis: an event behind an alert scores at least
// its rule score (severity points × the rule's confidence), so what a rule caught ranks with what
// the models caught.
import type { FeedModel } from '../../../src-shared/domain';
import { feedChoiceKey, modelFamily } from '../db/models-store';
import type { DB } from '../db/open-case';

export interface Ranking {
  datasetId: number;
  models: FeedModel[];
  /** Event ids in descending combined score (ties by event id). */
  order: Float64Array;
  /** Aligned with `order`. */
  combined: Float32Array;
  alert: Uint8Array;
  /** Per model (same order as `models`), raw score aligned with `order`; NaN where unscored. */
  raw: Float64Array[];
  /** Per model, its scores on the dataset in ascending order (for percentile ranks). */
  sorted: Float64Array[];
  /** event id → position in `order`. */
  position: Map<number, number>;
  /** Rules whose alerts name each event as evidence (aligned with `order`; null when none). */
  rules: (string[] | null)[];
  /** Ids of those alerts (aligned with `order`; null when none). */
  alertIds: (number[] | null)[];
  /** Rule alerts of the dataset's latest rules run. */
  ruleAlerts: number;
  /** 1 for events of the dataset's first WARM_UP_MS (aligned with `order`). */
  warmUp: Uint8Array;
}

/**
 * The longest window of the point-in-time features (config/feature_config.yaml): in a dataset's
 * first day its windows are still filling, so its events look unlike the rest to a detector
 * trained without labels. Those models' scores rank them, but raise no alert on them; trees
 * trained on labels learned what such events are, and rules have their own baselines.
 */
export const WARM_UP_MS = 24 * 3_600_000;

/** Ids of the events in the dataset's first WARM_UP_MS. */
export function warmUpIds(db: DB, datasetId: number): Set<number> {
  const ids = db
    .prepare(
      `SELECT id FROM events_${datasetId}
       WHERE ts < (SELECT min(ts) FROM events_${datasetId}) + ${WARM_UP_MS}`,
    )
    .pluck()
    .all() as number[];
  return new Set(ids);
}

/** Points on the 0–100 axis of an alert at full confidence, by severity. */
export const RULE_POINTS = { LOW: 80, MEDIUM: 90, HIGH: 97, CRITICAL: 99.5 } as const;

interface RuleHit {
  score: number;
  rules: string[];
  alerts: number[];
}

/** Events named as evidence by the dataset's rule alerts (not those judged false positives). */
function ruleHits(db: DB, datasetId: number): { hits: Map<number, RuleHit>; alerts: number } {
  const rows = db
    .prepare(
      `SELECT id, rule, severity, confidence, evidence FROM alerts
       WHERE dataset_id = ? AND (verdict IS NULL OR verdict != 'false_positive')`,
    )
    .all(datasetId) as {
    id: number;
    rule: string;
    severity: keyof typeof RULE_POINTS;
    confidence: number;
    evidence: string;
  }[];
  const hits = new Map<number, RuleHit>();
  for (const a of rows) {
    const score = (RULE_POINTS[a.severity] ?? RULE_POINTS.MEDIUM) * Math.max(0, Math.min(1, a.confidence));
    let ids: unknown;
    try {
      ids = JSON.parse(a.evidence);
    } catch {
      continue; // a damaged row names no events
    }
    if (!Array.isArray(ids)) continue;
    for (const id of ids) {
      if (typeof id !== 'number') continue;
      const h = hits.get(id);
      if (!h) hits.set(id, { score, rules: [a.rule], alerts: [a.id] });
      else {
        h.score = Math.max(h.score, score);
        if (!h.rules.includes(a.rule)) h.rules.push(a.rule);
        h.alerts.push(a.id);
      }
    }
  }
  return { hits, alerts: rows.length };
}

/** The model of each family that scored the dataset last (else the newest), newest first. */
export function feedModels(db: DB, datasetId: number): FeedModel[] {
  const rows = db
    .prepare(
      `SELECT m.id, m.name, m.kind, m.threshold FROM models m
       WHERE EXISTS (SELECT 1 FROM scores s WHERE s.model_id = m.id AND s.dataset_id = ?)
       ORDER BY m.id DESC`,
    )
    .all(datasetId) as FeedModel[];
  const chosen = (family: string) => {
    const v = db
      .prepare('SELECT value FROM case_meta WHERE key = ?')
      .pluck()
      .get(feedChoiceKey(datasetId, family));
    return v === undefined ? null : Number(v);
  };
  const byFamily = new Map<string, FeedModel>();
  for (const m of rows) {
    const family = modelFamily(m.kind);
    const current = byFamily.get(family);
    if (!current || m.id === chosen(family)) byFamily.set(family, m);
  }
  return [...byFamily.values()].sort((a, b) => b.id - a.id);
}

/** First index of `sorted` whose value is above `s` (or at or above, when `orEqual`). */
function bound(sorted: Float64Array, s: number, orEqual: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < s || (!orEqual && sorted[mid] === s)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Percentile rank (0–100) of `s` among `sorted`, ties counted half (the "mean" kind): the many
 * events a model scores alike, at the bottom or saturated at the top, share the middle of their
 * run instead of all taking its top.
 */
export function percentileOf(sorted: Float64Array, s: number): number {
  if (!sorted.length) return 0;
  return (50 * (bound(sorted, s, true) + bound(sorted, s, false))) / sorted.length;
}

export function rankDataset(db: DB, datasetId: number): Ranking {
  const models = feedModels(db, datasetId);
  // Every event any model scored, in id order.
  const perModel = models.map((m) => {
    const rows = db
      .prepare('SELECT event_id, score FROM scores WHERE model_id = ? AND dataset_id = ? ORDER BY event_id')
      .raw()
      .all(m.id, datasetId) as [number, number][];
    const ids = new Float64Array(rows.length);
    const scores = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) [ids[i], scores[i]] = rows[i];
    return { ids, scores, sorted: Float64Array.from(scores).sort() };
  });
  const { hits, alerts: ruleAlerts } = ruleHits(db, datasetId);
  const early = warmUpIds(db, datasetId);
  const idSet = new Set<number>(hits.keys());
  for (const p of perModel) for (const id of p.ids) idSet.add(id);
  const ids = Float64Array.from(idSet).sort();
  const n = ids.length;
  const combined = new Float32Array(n);
  const alert = new Uint8Array(n);
  const rawById = models.map(() => new Float64Array(n).fill(NaN));
  // How many of the models scored each event: the mean is over those (an event appended and
  // scored again by one model only is not ranked as if the others had put it at the bottom).
  const scoredBy = new Uint8Array(n);
  perModel.forEach((p, k) => {
    const threshold = models[k].threshold;
    const unsupervised = modelFamily(models[k].kind) !== 'trees';
    let j = 0;
    for (let i = 0; i < p.ids.length; i++) {
      while (ids[j] < p.ids[i]) j++;
      const s = p.scores[i];
      rawById[k][j] = s;
      combined[j] += percentileOf(p.sorted, s);
      scoredBy[j]++;
      if (threshold !== null && s >= threshold && !(unsupervised && early.has(p.ids[i]))) alert[j] = 1;
    }
  });
  for (let j = 0; j < n; j++) if (scoredBy[j] > 1) combined[j] /= scoredBy[j];
  for (let j = 0; j < n; j++) {
    const h = hits.get(ids[j]);
    if (!h) continue;
    if (h.score > combined[j]) combined[j] = h.score;
    alert[j] = 1;
  }
  const idx = Uint32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => combined[b] - combined[a] || ids[a] - ids[b],
  );
  const order = new Float64Array(n);
  const sortedCombined = new Float32Array(n);
  const sortedAlert = new Uint8Array(n);
  const raw = models.map(() => new Float64Array(n));
  const position = new Map<number, number>();
  const rules: (string[] | null)[] = new Array<string[] | null>(n).fill(null);
  const alertIds: (number[] | null)[] = new Array<number[] | null>(n).fill(null);
  const warmUp = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const i = idx[r];
    rules[r] = hits.get(ids[i])?.rules ?? null;
    alertIds[r] = hits.get(ids[i])?.alerts ?? null;
    order[r] = ids[i];
    warmUp[r] = early.has(ids[i]) ? 1 : 0;
    sortedCombined[r] = combined[i];
    sortedAlert[r] = alert[i];
    for (let k = 0; k < models.length; k++) raw[k][r] = rawById[k][i];
    position.set(ids[i], r);
  }
  return {
    datasetId,
    models,
    order,
    combined: sortedCombined,
    alert: sortedAlert,
    raw,
    sorted: perModel.map((p) => p.sorted),
    position,
    rules,
    alertIds,
    ruleAlerts,
    warmUp,
  };
}
