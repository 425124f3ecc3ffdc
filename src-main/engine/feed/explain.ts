// Why an event ranks high, in business terms. "Why" is measured, not guessed: each feature in
// turn is set to the dataset's typical value (its median) and the event is scored again by
// every model of the feed; the drop in the combined score is that feature's impact. The
// strongest reasons pick the attack pattern (the scenario whose signals they are) and with it
// the business rule: how bad, what it costs, what to do, by when, whom to tell.
import type {
  CanonicalRole,
  CellValue,
  DatasetInfo,
  ColumnInfo,
  Contributions,
  Explanation,
  InjectionInfo,
  Reason,
  Severity,
  ShownValues,
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
import { expectedMargin, shapValues } from '../models/shap/tree-shap';
import { margin, readShapEnsemble, withCovers, type ShapEnsemble } from '../models/shap/trees';
import type { BusinessRule, ScenarioSpec, UnmatchedRule } from '../scenarios/config';
import { storedBusiness } from '../scenarios/inject';
import { readVerdicts } from './page';
import { percentileOf, type Ranking } from './rank';
import { describeAlert, patternOf, RULE_SCENARIO } from './rule-alerts';
import { currencyOf, formatFeature, formatMoney, headline, humanDuration } from './sentence';
import { entityWord, featureLabel } from './words';

export interface ExplainInput {
  datasetId: number;
  eventId: number;
  score: number;
  alert: boolean;
  verdict: Verdict | null;
  roles: CanonicalRole[];
  /** The dataset's columns by name and role (the event's keys are the names). */
  columns: Pick<ColumnInfo, 'name' | 'role'>[];
  /** What the events are grouped by, in words ("card", "user", "service"). */
  entity: string;
  event: Record<string, CellValue>;
  /** The models' inputs for the event, and their medians over the dataset. */
  features: string[];
  values: (number | null)[];
  typical: (number | null)[];
  /** Medians over the entity's own earlier events; null without an entity or a history. */
  entityTypical: (number | null)[] | null;
  /** The exact contributions of the first tree model that scored the event. */
  shap: ShapInput | null;
  /** Inputs made from the dataset's own columns, in words (null for stored features). */
  labels: (string | null)[];
  /** The models that scored the event; `inputs`: where each of its features is in `features`. */
  models: { model: StoredModel; sorted: Float64Array; inputs: number[] }[];
  injection: { scenario: string; business: InjectionInfo['business'] } | null;
  ruleAlerts: Explanation['ruleAlerts'];
}

const SAMPLE = 20_000;

/** The features of an even sample of the dataset's events (at most SAMPLE of them). */
export function featureSample(db: DB, ds: DatasetInfo, refs: FeatureRef[]): Float32Array[] {
  const n = db
    .prepare(`SELECT count(*) FROM ${tableOf(ds.id)}`)
    .pluck()
    .get() as number;
  return readFeatures(db, ds, refs, { step: Math.max(1, Math.ceil(n / SAMPLE)) }).columns;
}

/** Each column's median over its finite values (null when it has none). */
function medians(columns: Float32Array[]): (number | null)[] {
  return columns.map((col) => {
    const xs = Array.from(col).filter((v) => Number.isFinite(v));
    if (!xs.length) return null;
    xs.sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  });
}

/** Medians of each feature over an even sample of the dataset's events. */
export function featureMedians(db: DB, ds: DatasetInfo, refs: FeatureRef[]): (number | null)[] {
  return medians(featureSample(db, ds, refs));
}

/** Earlier events of the entity the medians of its own baseline are taken over. */
const ENTITY_HISTORY = 200;

/** The entity's baseline ends this long before the event, so that an incident under way is not its own usual. */
const BASELINE_GAP_MS = 86_400_000;

/**
 * Medians of each feature over the entity's own last events ending a day before this one (so
 * the burst it is part of is not its usual), or over its earlier events when it has none older.
 */
function entityMedians(
  db: DB,
  ds: DatasetInfo,
  refs: FeatureRef[],
  eventId: number,
  row: Record<string, CellValue>,
): (number | null)[] | null {
  const col = ds.columns.find((c) => c.role === 'entity');
  const value = col ? row[col.sqlName] : null;
  if (!col || value === null || value === undefined) return null;
  const history = (before: number | null) =>
    db
      .prepare(
        `SELECT _id FROM ${tableOf(ds.id)} WHERE "${col.sqlName}" = ? AND _id != ?
         AND (? IS NULL OR _ts <= ?) ORDER BY _ts DESC, _id DESC LIMIT ${ENTITY_HISTORY}`,
      )
      .pluck()
      .all(value, eventId, before, before) as number[];
  const ts = typeof row._ts === 'number' ? row._ts : null;
  let ids = ts === null ? [] : history(ts - BASELINE_GAP_MS);
  if (!ids.length) ids = history(ts);
  if (!ids.length) return null;
  return medians(readFeatures(db, ds, refs, { ids }).columns);
}

/** A tree model's exact contributions for one event, in the order of its inputs. */
export interface ShapInput {
  /** Which of `models` it is. */
  model: number;
  phi: number[];
  expected: number;
  margin: number;
  scale: ShapEnsemble['scale'];
}

/**
 * The contributions of the first tree model among `models` (our gradient-boosted trees, or an
 * imported ONNX tree ensemble); covers come from the sample the typical values come from.
 */
function treeContributions(
  models: { model: StoredModel; inputs: number[] }[],
  values: (number | null)[],
  sample: () => Float32Array[],
  cached: <T>(key: string, make: () => T) => T,
): ShapInput | null {
  for (let m = 0; m < models.length; m++) {
    const { model, inputs } = models[m];
    if (model.kind !== 'gbdt' && model.kind !== 'onnx') continue;
    const ensemble = cached(`shap:${model.id}:${inputs.join(',')}`, () => {
      const e = readShapEnsemble(model.body);
      if (!e) return null;
      const columns = sample();
      const at = inputs.map((f) => columns[f]);
      return withCovers(e, at, at[0]?.length ?? 0);
    });
    if (!ensemble) continue;
    const x = Array.from({ length: ensemble.features }, (_, f) =>
      f < inputs.length ? (values[inputs[f]] ?? NaN) : NaN,
    );
    const phi = shapValues(ensemble, x);
    return {
      model: m,
      phi: Array.from(phi.subarray(0, inputs.length)),
      expected: expectedMargin(ensemble),
      margin: margin(ensemble, x),
      scale: ensemble.scale,
    };
  }
  return null;
}

/** A dataset column's feature in words: "V14", "how common this merchant is", "payload: length". */
export function columnLabel(f: ColumnFeature): string {
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
  const sampleKey = `sample:${[...at.keys()].join('|')}`;
  const sample = () => cached(sampleKey, () => featureSample(db, ds, list));
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
    columns: ds.columns.map((c) => ({ name: c.name, role: c.role })),
    entity: entityWord(ds.columns.find((c) => c.role === 'entity')?.name ?? null),
    event,
    features,
    values,
    typical: features.length ? cached(`medians:${[...at.keys()].join('|')}`, () => medians(sample())) : [],
    entityTypical: features.length ? entityMedians(db, ds, list, eventId, row) : null,
    labels,
    shap: treeContributions(scoredBy, values, sample, cached),
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

/** Each feature's drop in the combined score when it is set to its typical value (0–1 units). */
async function measuredImpacts(input: ExplainInput, score: ScoreFn): Promise<number[]> {
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
  return input.features.map((_, f) => combined[0] - combined[f + 1]);
}

/** The tree model's exact contributions, by input of the explanation (0 where it has none). */
function contributionsOf(
  input: ExplainInput,
  labelOf: (f: number) => string,
  shownOf: (f: number) => ShownValues,
): Contributions | null {
  const shap = input.shap;
  if (!shap) return null;
  const { model, inputs } = input.models[shap.model];
  const items = inputs
    .map((f, k) => ({
      feature: input.features[f],
      label: labelOf(f),
      value: input.values[f],
      typical: input.typical[f],
      entityTypical: input.entityTypical?.[f] ?? null,
      shown: shownOf(f),
      contribution: shap.phi[k],
    }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return {
    model: { id: model.id, name: model.name, kind: model.kind },
    scale: shap.scale,
    margin: shap.margin,
    expected: shap.expected,
    items,
  };
}

/**
 * The scenario the event looks like: its own when injected, its rule's, else the one whose
 * signals push the score up while being above their typical values (a pattern is matched only
 * when the event fits it: an ordinary approved purchase is not card testing), else none.
 */
function matchPattern(
  input: ExplainInput,
  config: ExplainConfig,
  impacts: { name: string; f: number; impact: number }[],
): Explanation['pattern'] {
  const valueOf = (name: string): number | null => {
    const f = input.features.indexOf(name);
    return f < 0 ? null : input.values[f];
  };
  const fromRule = (
    scenario: string,
    description: string,
    matched: 'rule' | 'signals' | 'default',
    b: BusinessRule,
  ) => {
    const amount = valueOf('amount') ?? 0;
    const count1h = valueOf('count_1h');
    return patternOf(scenario, description, matched, b, {
      events: count1h ?? 1,
      amount_total: valueOf('velocity_1h') ?? amount,
      amount_max: valueOf('amount_max_24h') ?? amount,
      duration_minutes: count1h === null ? 0 : 60,
    });
  };
  const unmatched = () =>
    fromRule('unmatched', config.unmatched.description, 'default', config.unmatched.business);
  if (input.injection) {
    const spec = config.scenarios.get(input.injection.scenario);
    return {
      scenario: input.injection.scenario,
      description: spec?.description ?? input.injection.scenario,
      matched: 'injected',
      ...input.injection.business,
    };
  }
  const ruled = input.ruleAlerts.find((x) => config.scenarios.has(RULE_SCENARIO[x.rule] ?? ''));
  if (ruled) {
    const spec = config.scenarios.get(RULE_SCENARIO[ruled.rule])!;
    return fromRule(spec.name, spec.description, 'rule', spec.business);
  }
  if (input.ruleAlerts.length && !input.models.length) return unmatched();
  // a signal fits when it pushes the score up and is above its typical value
  const fits = new Map<string, number>();
  let pushing = 0;
  for (const x of impacts) {
    if (x.impact <= 0) continue;
    pushing += x.impact;
    const v = input.values[x.f];
    const typical = input.entityTypical?.[x.f] ?? input.typical[x.f];
    if (v !== null && (typical === null || v > typical)) fits.set(x.name, x.impact);
  }
  let best: ScenarioSpec | null = null;
  let bestScore = 0;
  const domain = domainOf(input.roles);
  for (const spec of config.scenarios.values()) {
    if (!spec.domains.includes(domain) || !spec.needs.every((r) => input.roles.includes(r))) continue;
    const s = spec.signals.reduce((sum, f) => sum + (fits.get(f) ?? 0), 0);
    if (s > bestScore + 1e-9) [best, bestScore] = [spec, s];
  }
  // its fitting signals carry at least a fifth of what pushes the score up
  return best && bestScore >= 0.2 * pushing
    ? fromRule(best.name, best.description, 'signals', best.business)
    : unmatched();
}

/** The column an action is taken on for a scenario: the address for attacks from an address. */
const TARGET_ROLE: Record<string, CanonicalRole> = { brute_force: 'src_ip' };

export async function explain(
  input: ExplainInput,
  score: ScoreFn,
  config: ExplainConfig,
): Promise<Explanation> {
  const specs = new Map(config.specs.map((s) => [s.name, s]));
  const labelOf = (f: number) =>
    input.labels[f] ??
    featureLabel(specs.get(input.features[f]), input.features[f], input.entity, domainOf(input.roles));
  const currency = currencyOf(input.event);
  const shownOf = (f: number): ShownValues => {
    const spec = specs.get(input.features[f]);
    const entity = input.entityTypical?.[f] ?? null;
    return {
      value: formatFeature(spec, input.values[f], currency),
      typical: formatFeature(spec, input.typical[f], currency),
      entityTypical: entity === null ? null : formatFeature(spec, entity, currency),
    };
  };
  const contributions = contributionsOf(input, labelOf, shownOf);
  // Why: the exact contributions of a tree model when one scored the event, else measured.
  let impacts: { name: string; f: number; impact: number }[];
  let least: number;
  if (contributions) {
    const phi = new Map(contributions.items.map((c) => [c.feature, c.contribution]));
    impacts = input.features.map((name, f) => ({ name, f, impact: phi.get(name) ?? 0 }));
    const up = impacts.reduce((sum, x) => sum + Math.max(0, x.impact), 0);
    least = Math.max(1e-3, 0.02 * up);
  } else {
    const drops = await measuredImpacts(input, score);
    impacts = input.features.map((name, f) => ({ name, f, impact: drops[f] }));
    least = 0.05;
  }
  const reasons: Reason[] = impacts
    .filter((x) => x.impact > least)
    .sort((a, b) => b.impact - a.impact)
    .slice(0, 6)
    .map(({ name, f, impact }) => ({
      feature: name,
      label: labelOf(f),
      value: input.values[f],
      typical: input.typical[f],
      entityTypical: input.entityTypical?.[f] ?? null,
      shown: shownOf(f),
      impact: Math.round(impact * 1000) / 1000,
    }));
  const pattern = matchPattern(input, config, impacts);

  let severity = pattern.risk;
  if (!input.alert) severity = shift(severity, -1);
  else if (input.score >= 99.9 && pattern.matched !== 'default') severity = shift(severity, 1);
  // A rule's own judgement (its escalations included) is never lowered.
  for (const a of input.ruleAlerts)
    if (SEVERITIES.indexOf(a.severity) > SEVERITIES.indexOf(severity)) severity = a.severity;

  const said = (r: Reason) => {
    const usual = r.shown.entityTypical ?? (r.typical === null ? null : r.shown.typical);
    return `${r.label} is ${r.shown.value}${usual === null ? '' : ` (usually ${usual})`}`;
  };
  const ruleWhy = input.ruleAlerts.slice(0, 2).map(describeAlert);
  const featureWhy = reasons.slice(0, 3).map(said);
  const why =
    [...ruleWhy, ...featureWhy].join('; ') ||
    'no single feature stands out: the models score the combination';
  const summary =
    `Why: ${why}. How bad: ${severity}, ${input.alert ? 'an alert' : "not an alert (no model's threshold reached, no rule)"}, ` +
    `looks like ${pattern.scenario.replace(/_/g, ' ')}. Cost: about ${formatMoney(pattern.cost, currency)}. ` +
    `Do: ${pattern.action}, within ${humanDuration(pattern.slaMinutes * 60)}; escalate to ${pattern.escalation.join(', then ')}.`;
  const targetRole = TARGET_ROLE[pattern.scenario] ?? 'entity';
  const targetColumn = input.columns.find((c) => c.role === targetRole);
  const targetValue = targetColumn ? input.event[targetColumn.name] : null;
  const sentence = headline({
    pattern,
    severity,
    alert: input.alert,
    target:
      targetValue === null || targetValue === undefined
        ? null
        : { word: targetRole === 'src_ip' ? 'address' : input.entity, value: String(targetValue) },
    lead: ruleWhy[0] ?? (reasons[0] ? said(reasons[0]) : null),
    currency,
  });
  return {
    datasetId: input.datasetId,
    eventId: input.eventId,
    score: Math.round(input.score * 100) / 100,
    severity,
    reasons,
    ruleAlerts: input.ruleAlerts,
    pattern,
    summary,
    sentence,
    business: {
      risk: severity,
      cost: pattern.cost,
      currency,
      slaMinutes: pattern.slaMinutes,
      action: pattern.action,
    },
    contributions,
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
