// Why an event ranks high, in business terms. "Why" is measured, not guessed: each feature in
// turn is set to the dataset's typical value (its median) and the event is scored again by
// every model of the feed; the drop in the combined score is that feature's impact. The
// strongest reasons pick the attack pattern (the scenario whose signals they are) and with it
// the business rule: how bad, what it costs, what to do, by when, whom to tell.
import type {
  CanonicalRole,
  CellValue,
  DatasetInfo,
  Explanation,
  InjectionInfo,
  Reason,
  Severity,
  Verdict,
} from '../../../src-shared/domain';
import { domainOf, SEVERITIES } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { tableOf } from '../db/case-store';
import type { DB } from '../db/open-case';
import type { FeatureSpec } from '../features/config';
import type { ColumnFeature } from '../models/column-features';
import { readFeatures, resolveFeatures, type FeatureRef } from '../models/feature-source';
import { modelColumnFeatures, readStoredModel, type StoredModel } from '../models/score-dataset';
import type { BusinessRule, ScenarioSpec, UnmatchedRule } from '../scenarios/config';
import { storedBusiness } from '../scenarios/inject';
import { readVerdicts } from './page';
import { percentileOf, type Ranking } from './rank';
import { entityWord, featureLabel } from './words';

export interface ExplainInput {
  datasetId: number;
  eventId: number;
  score: number;
  alert: boolean;
  verdict: Verdict | null;
  roles: CanonicalRole[];
  /** What the events are grouped by, in words ("card", "user", "service"). */
  entity: string;
  event: Record<string, CellValue>;
  /** The models' inputs for the event, and their medians over the dataset. */
  features: string[];
  values: (number | null)[];
  typical: (number | null)[];
  /** Inputs made from the dataset's own columns, in words (null for stored features). */
  labels: (string | null)[];
  /** The models that scored the event; `inputs`: where each of its features is in `features`. */
  models: { model: StoredModel; sorted: Float64Array; inputs: number[] }[];
  injection: { scenario: string; business: InjectionInfo['business'] } | null;
  ruleAlerts: Explanation['ruleAlerts'];
}

/** The scenario (and so the business rule) a rule's alert stands for. */
const RULE_SCENARIO: Record<string, string> = {
  rate_spike: 'rate_spike',
  new_field: 'data_exfiltration',
  data_volume: 'data_exfiltration',
  cross_table: 'lateral_movement',
  brute_force: 'brute_force',
  auth_failures: 'brute_force',
};

const SAMPLE = 20_000;

/** Medians of each feature over an even sample of the dataset's events. */
export function featureMedians(db: DB, ds: DatasetInfo, refs: FeatureRef[]): (number | null)[] {
  const n = db
    .prepare(`SELECT count(*) FROM ${tableOf(ds.id)}`)
    .pluck()
    .get() as number;
  const { columns } = readFeatures(db, ds, refs, { step: Math.max(1, Math.ceil(n / SAMPLE)) });
  return columns.map((col) => {
    const xs = Array.from(col).filter((v) => Number.isFinite(v));
    if (!xs.length) return null;
    xs.sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  });
}

/** A dataset column's feature in words: "V14", "how common this merchant is", "payload: length". */
function columnLabel(f: ColumnFeature): string {
  const col = `"${f.source}"`;
  switch (f.kind) {
    case 'number':
      return col;
    case 'flag':
      return `${col} (yes = 1)`;
    case 'frequency':
      return `how common this ${col} value is`;
    case 'onehot':
      return `${col} is ${JSON.stringify(f.value)}`;
    case 'text':
      return `${col}: ${f.stat.replace(/_/g, ' ')}`;
  }
}

/** Everything the host needs to explain one event (read on the DB worker's reader). */
export function explainInput(
  db: DB,
  ds: DatasetInfo,
  ranking: Ranking,
  eventId: number,
  cached: <T>(key: string, make: () => T) => T,
): ExplainInput {
  const r =
    ranking.position.get(eventId) ??
    fail('BAD_REQUEST', `event ${eventId} of dataset "${ds.name}" has no scores: score the dataset first`);
  const models = ranking.models.flatMap((m, k) =>
    Number.isNaN(ranking.raw[k][r]) ? [] : [{ model: readStoredModel(db, m.id), sorted: ranking.sorted[k] }],
  );
  // The inputs of the models that scored the event (the first model's reading of a shared name).
  // Without models (only rule alerts) there are none: the event is explained by its alerts.
  // Each model's inputs, read once: two models share an input only when they read it the same
  // way (a stored feature, or a column with the same encoder), not merely by its name.
  const list: FeatureRef[] = [];
  const at = new Map<string, number>();
  const keyOf = (ref: FeatureRef) =>
    ref.from === 'stored' ? `stored:${ref.name}` : `column:${JSON.stringify(ref.feature)}`;
  const scoredBy = models.map(({ model, sorted }) => ({
    model,
    sorted,
    inputs: resolveFeatures(db, ds, { ...model, columnFeatures: modelColumnFeatures(model) }).map((ref) => {
      const key = keyOf(ref);
      if (!at.has(key)) at.set(key, list.push(ref) - 1);
      return at.get(key)!;
    }),
  }));
  const features = list.map((r) => r.name);
  const values = list.length
    ? readFeatures(db, ds, list, { eventId }).columns.map((c) =>
        c.length && Number.isFinite(c[0]) ? c[0] : null,
      )
    : [];
  const labels = list.map((ref) => (ref.from === 'column' ? columnLabel(ref.feature) : null));
  const row =
    (db.prepare(`SELECT * FROM ${tableOf(ds.id)} WHERE _id = ?`).get(eventId) as
      Record<string, CellValue> | undefined) ??
    fail('BAD_REQUEST', `dataset "${ds.name}" has no event ${eventId}`);
  const event: Record<string, CellValue> = { id: eventId, ts: row._ts ?? null };
  for (const c of ds.columns) event[c.name] = row[c.sqlName] ?? null;
  const injection = db
    .prepare(
      `SELECT i.id, i.scenario, i.business FROM injected_events ie JOIN injections i ON i.id = ie.injection_id
       WHERE ie.dataset_id = ? AND ie.event_id = ?`,
    )
    .get(ds.id, eventId) as { id: number; scenario: string; business: string } | undefined;
  return {
    datasetId: ds.id,
    eventId,
    score: ranking.combined[r],
    alert: ranking.alert[r] === 1,
    verdict: readVerdicts(db, ds.id).get(eventId) ?? null,
    roles: ds.columns.flatMap((c) => (c.role ? [c.role] : [])),
    entity: entityWord(ds.columns.find((c) => c.role === 'entity')?.name ?? null),
    event,
    features,
    values,
    typical: features.length
      ? cached(`medians:${[...at.keys()].join('|')}`, () => featureMedians(db, ds, list))
      : [],
    labels,
    // The models that scored the event, as in its rank.
    models: scoredBy,
    ruleAlerts: (
      db
        .prepare(
          `SELECT a.id, a.rule, a.severity, a.observed, a.baseline, a.confidence, a.start_ts AS start,
                  a.end_ts AS "end", a.details
           FROM alerts a,
                json_each(CASE WHEN json_valid(a.evidence) AND json_type(a.evidence) = 'array'
                               THEN a.evidence ELSE '[]' END) j
           WHERE a.dataset_id = ? AND j.value = ? AND (a.verdict IS NULL OR a.verdict != 'false_positive')
           ORDER BY a.id`,
        )
        .all(ds.id, eventId) as (Omit<Explanation['ruleAlerts'][number], 'details'> & { details: string })[]
    )
      .map((a) => {
        const alert = { ...a, details: parseDetails(a.details), text: '' };
        alert.text = describeAlert(alert);
        return alert;
      })
      .sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity)),
    injection: injection
      ? {
          scenario: injection.scenario,
          business: storedBusiness(injection.id, injection.business),
        }
      : null,
  };
}

export type ScoreFn = (model: StoredModel, columns: Float32Array[]) => Promise<Float64Array>;

export interface ExplainConfig {
  specs: FeatureSpec[];
  scenarios: Map<string, ScenarioSpec>;
  unmatched: UnmatchedRule;
}

const shift = (s: Severity, by: number): Severity =>
  SEVERITIES[Math.max(0, Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(s) + by))];

export async function explain(
  input: ExplainInput,
  score: ScoreFn,
  config: ExplainConfig,
): Promise<Explanation> {
  const F = input.features.length;
  // Row 0: the event as it is; row f + 1: the event with feature f at its typical value.
  const valueAt = (row: number, f: number): number => {
    const v = row === f + 1 ? input.typical[f] : input.values[f];
    return v === null ? NaN : v;
  };
  const combined = new Float64Array(F + 1);
  for (const { model, sorted, inputs } of input.models) {
    const columns = inputs.map((f) => Float32Array.from({ length: F + 1 }, (_, row) => valueAt(row, f)));
    const s = await score(model, columns);
    for (let row = 0; row <= F; row++) combined[row] += percentileOf(sorted, s[row]) / input.models.length;
  }
  const specs = new Map(config.specs.map((s) => [s.name, s]));
  const impacts = input.features.map((name, f) => ({ name, f, impact: combined[0] - combined[f + 1] }));
  const reasons: Reason[] = impacts
    .filter((x) => x.impact > 0.05)
    .sort((a, b) => b.impact - a.impact)
    .slice(0, 6)
    .map(({ name, f, impact }) => ({
      feature: name,
      label: input.labels[f] ?? featureLabel(specs.get(name), name, input.entity),
      value: input.values[f],
      typical: input.typical[f],
      impact: Math.round(impact * 100) / 100,
    }));

  const valueOf = (name: string): number | null => {
    const f = input.features.indexOf(name);
    return f < 0 ? null : input.values[f];
  };
  let pattern: Explanation['pattern'];
  const fromRule = (
    scenario: string,
    description: string,
    matched: 'rule' | 'signals' | 'default',
    b: BusinessRule,
  ) => {
    const amount = valueOf('amount') ?? 0;
    const count1h = valueOf('count_1h');
    const cost = b.cost({
      events: count1h ?? 1,
      amount_total: valueOf('velocity_1h') ?? amount,
      amount_max: valueOf('amount_max_24h') ?? amount,
      duration_minutes: count1h === null ? 0 : 60,
    });
    return {
      scenario,
      description,
      matched,
      risk: b.risk,
      cost: Number.isFinite(cost) ? Math.round(cost * 100) / 100 : 0,
      costFormula: b.costFormula,
      slaMinutes: b.slaMinutes,
      action: b.action,
      escalation: b.escalation,
    };
  };
  if (input.injection) {
    const spec = config.scenarios.get(input.injection.scenario);
    pattern = {
      scenario: input.injection.scenario,
      description: spec?.description ?? input.injection.scenario,
      matched: 'injected',
      ...input.injection.business,
    };
  } else if (input.ruleAlerts.some((a) => config.scenarios.has(RULE_SCENARIO[a.rule] ?? ''))) {
    const a = input.ruleAlerts.find((x) => config.scenarios.has(RULE_SCENARIO[x.rule] ?? ''))!;
    const spec = config.scenarios.get(RULE_SCENARIO[a.rule])!;
    pattern = fromRule(spec.name, spec.description, 'rule', spec.business);
  } else if (input.ruleAlerts.length && !input.models.length) {
    pattern = fromRule('unmatched', config.unmatched.description, 'default', config.unmatched.business);
  } else {
    const impactOf = new Map(impacts.map((x) => [x.name, Math.max(0, x.impact)]));
    let best: ScenarioSpec | null = null;
    let bestScore = 0;
    const domain = domainOf(input.roles);
    for (const spec of config.scenarios.values()) {
      if (!spec.domains.includes(domain) || !spec.needs.every((r) => input.roles.includes(r))) continue;
      const s = spec.signals.reduce((sum, f) => sum + (impactOf.get(f) ?? 0), 0);
      if (s > bestScore + 1e-9) [best, bestScore] = [spec, s];
    }
    pattern = best
      ? fromRule(best.name, best.description, 'signals', best.business)
      : fromRule('unmatched', config.unmatched.description, 'default', config.unmatched.business);
  }

  let severity = pattern.risk;
  if (!input.alert) severity = shift(severity, -1);
  else if (input.score >= 99.9 && pattern.matched !== 'default') severity = shift(severity, 1);
  // A rule's own judgement (its escalations included) is never lowered.
  for (const a of input.ruleAlerts)
    if (SEVERITIES.indexOf(a.severity) > SEVERITIES.indexOf(severity)) severity = a.severity;

  const ruleWhy = input.ruleAlerts.slice(0, 2).map(describeAlert);
  const featureWhy = reasons
    .slice(0, 3)
    .map((r) => `${r.label} is ${formatValue(r.value)} (typically ${formatValue(r.typical)})`);
  const why =
    [...ruleWhy, ...featureWhy].join('; ') ||
    'no single feature stands out: the models score the combination';
  const summary =
    `Why: ${why}. How bad: ${severity}, ${input.alert ? 'above' : 'below'} the alert threshold, ` +
    `looks like ${pattern.scenario.replace(/_/g, ' ')}. Cost: about ${formatValue(pattern.cost)}. ` +
    `Do: ${pattern.action}, within ${pattern.slaMinutes} minutes; escalate to ${pattern.escalation.join(', then ')}.`;
  return {
    datasetId: input.datasetId,
    eventId: input.eventId,
    score: Math.round(input.score * 100) / 100,
    severity,
    reasons,
    ruleAlerts: input.ruleAlerts,
    pattern,
    summary,
    verdict: input.verdict,
    event: input.event,
  };
}

function parseDetails(text: string): Explanation['ruleAlerts'][number]['details'] {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v)
      ? (v as Explanation['ruleAlerts'][number]['details'])
      : {};
  } catch {
    return {};
  }
}

/** A rule alert in plain words. */
function describeAlert(a: Explanation['ruleAlerts'][number]): string {
  const d = a.details;
  const rule = a.rule.replace(/_/g, ' ');
  if (a.rule === 'cross_table' && typeof d.table === 'string')
    return `the key read table ${d.table} for the first time`;
  if (a.rule === 'new_field' && typeof d.field === 'string')
    return `the key read field ${d.field} for the first time${d.pii ? ' (personal data)' : ''}`;
  const base = a.baseline === null ? '' : ` against a usual ${formatValue(a.baseline)}`;
  return `rule ${rule} saw ${formatValue(a.observed)}${typeof d.metric === 'string' ? ` ${d.metric}` : ''}${base}`;
}

function formatValue(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'missing';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) < 10 ? 2 : 1 });
}
