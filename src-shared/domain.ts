// Domain types shared by the engine, the shells and the renderer.
import type { JobKind } from './jobs';

export type ColumnType = 'INTEGER' | 'REAL' | 'TEXT';

/** Canonical meaning of a source column, so later stages can find "the time", "the entity", … */
export const CANONICAL_ROLES = [
  'time',
  'entity',
  'src_ip',
  'action',
  'amount',
  'status',
  'resource',
  'latency',
  'label',
  'device',
] as const;
export type CanonicalRole = (typeof CANONICAL_ROLES)[number];

/** `syslog`: a server log read line by line (ingest/log-parser.ts); `parquet`: read with hyparquet. */
export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'syslog' | 'parquet';

export interface ColumnInfo {
  /** Name as it appears in the source file. */
  name: string;
  /** Safe SQL identifier ([a-z0-9_]) of the column in the dataset's table. */
  sqlName: string;
  type: ColumnType;
  role: CanonicalRole | null;
}

export interface DatasetInfo {
  id: number;
  name: string;
  format: DataFormat;
  sourceFile: string | null;
  rows: number;
  columns: ColumnInfo[];
  /** Source column used as event time (normalised to epoch ms in the `ts` column), if any. */
  timeColumn: string | null;
  createdAt: string;
  ingestSeconds: number | null;
}

export interface CaseInfo {
  path: string;
  schemaVersion: number;
  datasets: DatasetInfo[];
  /** Said once, when the case was opened: e.g. a stray log beside it that was set aside. */
  notices?: string[];
}

export const FILTER_OPS = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'contains',
  'prefix',
  'isnull',
  'notnull',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface EventFilter {
  /** A column's `sqlName`, or `ts` / `id`. */
  column: string;
  op: FilterOp;
  value?: string | number | null;
}

export interface EventsQuery {
  datasetId: number;
  offset: number;
  limit: number;
  sort?: { column: string; desc: boolean } | null;
  filters?: EventFilter[];
}

export type CellValue = string | number | null;

export interface EventsPage {
  datasetId: number;
  total: number;
  offset: number;
  /** `id`, `ts`, then the dataset's columns by sqlName. */
  columns: string[];
  rows: CellValue[][];
  /** Time the engine spent answering, in milliseconds. */
  elapsedMs: number;
}

export type { JobKind };

export interface JobProgress {
  jobId: string;
  kind: JobKind;
  label: string;
  phase: string;
  rows: number;
  bytes: number;
  totalBytes: number | null;
  /** Rows per second since the job started. */
  rowsPerSecond: number;
  elapsedMs: number;
}

export interface IngestResult {
  dataset: DatasetInfo;
  rows: number;
  bytes: number;
  seconds: number;
}

export interface FeaturesResult {
  datasetId: number;
  /** Feature names that applied to the dataset, in order. */
  features: string[];
  /** Events in the dataset, and how many had features written by this build. */
  rows: number;
  written: number;
  /** full: all events; incremental: only events added since the last build; current: nothing to do. */
  mode: 'full' | 'incremental' | 'current';
  reason: string;
  seconds: number;
}

export interface InjectionInfo {
  injectionId: number;
  datasetId: number;
  scenario: string;
  entity: string | null;
  events: number;
  /** First and last injected event time, epoch ms. */
  start: number;
  end: number;
  /** The scenario's business rule, with the cost worked out for these events. */
  business: {
    risk: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
    cost: number;
    costFormula: string;
    slaMinutes: number;
    action: string;
    escalation: string[];
  };
}

export const DOMAINS = ['transactions', 'logins', 'api', 'metrics'] as const;
export type Domain = (typeof DOMAINS)[number];

/**
 * What kind of events a dataset holds, judged by its columns' roles. An amount is a
 * transaction's, unless it is a measurement: named by an action (a metric) with no source IP,
 * device, status or label beside it (service metrics), which no attack scenario fits.
 */
export function domainOf(roles: readonly (CanonicalRole | null)[]): Domain {
  const has = (r: CanonicalRole) => roles.includes(r);
  if (has('amount'))
    return has('action') && !has('src_ip') && !has('device') && !has('status') && !has('label')
      ? 'metrics'
      : 'transactions';
  if (roles.includes('resource') || roles.includes('latency')) return 'api';
  return 'logins';
}

/** An attack scenario of the configuration, as the inject form offers it. */
export interface ScenarioInfo {
  name: string;
  description: string;
  /** Roles a dataset needs for the scenario to apply. */
  needs: CanonicalRole[];
  /** Kinds of dataset the scenario belongs to. */
  domains: Domain[];
  defaults: { intensity: number; durationMinutes: number; factor: number };
  risk: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  slaMinutes: number;
  action: string;
}

export interface ModelMetrics {
  rocAuc: number | null;
  prAuc: number | null;
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
  positives: number;
  rows: number;
}

/** Unsupervised detectors: fitted without labels, each behind the same interface. */
export const DETECTOR_KINDS = ['iforest', 'eif', 'knn', 'hbos'] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];
/** What `model.train` fits: boosted trees (needs labels) or a detector. */
export const MODEL_KINDS = ['gbdt', ...DETECTOR_KINDS] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
/** A model kept in a case: one it trained, or an imported ONNX file. */
export type StoredModelKind = ModelKind | 'onnx';
export const MODEL_KIND_LABEL: Record<StoredModelKind, string> = {
  gbdt: 'Gradient-boosted trees',
  iforest: 'Isolation Forest',
  eif: 'Extended Isolation Forest',
  knn: 'Nearest neighbours (sampled)',
  hbos: 'HBOS',
  onnx: 'Imported ONNX',
};
export const isDetectorKind = (kind: string): kind is DetectorKind =>
  (DETECTOR_KINDS as readonly string[]).includes(kind);

export interface ModelInfo {
  id: number;
  name: string;
  kind: StoredModelKind;
  datasetId: number | null;
  featureNames: string[];
  threshold: number | null;
  /** On the test slice (the latest 20% by time), when the model had labels. */
  metrics: ModelMetrics | null;
  /** What the training dataset's columns became in the model (empty for models from files). */
  columns: ColumnUseInfo[];
  /** How its rows were split; null for models from files. */
  split: 'time' | 'shuffle' | null;
  /** Detectors: the rows they were fitted on, in words ("all 700 training rows"). */
  fittedOn: string | null;
  createdAt: string;
}

/** What a dataset column became in a model, or why it was left out. */
export interface ColumnUseInfo {
  column: string;
  use: 'number' | 'flag' | 'category' | 'text' | 'skipped';
  why?: string;
}

/** One model kind in an evaluation: trained on the split's training rows, measured on its test rows. */
export interface EvaluationEntry {
  kind: ModelKind;
  /** Null when it could not be trained here (why says so: no labels for boosted trees, …). */
  test: ModelMetrics | null;
  why: string | null;
  params: Record<string, unknown>;
  /** Alerts a day on the test rows at the threshold (per 1,000 rows when there is no time). */
  alertsPerDay: number | null;
  /** ROC (false-positive rate, true-positive rate) and PR (recall, precision) curves, ≤ 200 points each. */
  roc: [number, number][];
  pr: [number, number][];
  seconds: number;
}

/** Every model kind side by side on one split of one dataset, kept in the case. */
export interface EvaluationResult {
  id: number;
  datasetId: number;
  dataset: string;
  /** The dataset's rows when it was evaluated (the data behind the figures). */
  datasetRows: number;
  labels: string;
  split: { by: 'time' | 'shuffle'; train: number; validation: number; test: number; seed: number | null };
  /** The engine's version and the request, so that the figures can be made again. */
  appVersion: string;
  request: Record<string, unknown>;
  entries: EvaluationEntry[];
  createdAt: string;
}

export interface TrainResult {
  model: ModelInfo;
  seconds: number;
  /** Of those, reading the case (features, columns, labels) in the compute worker. */
  readSeconds: number;
  validation: ModelMetrics | null;
  test: ModelMetrics | null;
  /** Unsupervised detectors with labels: fitted and evaluated on every row (as ADBench does). */
  all: ModelMetrics | null;
  /** How the rows were split: by time, or (no times) a stratified seeded shuffle. */
  split: 'time' | 'shuffle';
  /** The dataset's columns as model inputs. */
  columns: ColumnUseInfo[];
}

export interface ScoreResult {
  modelId: number;
  datasetId: number;
  rows: number;
  /** Events at or above this model's threshold (its first day's left out for detectors). */
  anomalies: number;
  /**
   * Open alerts of the feed once these scores are in: what the analyst sees (every model of the
   * feed and the rule alerts combined, verdicts given taken out).
   */
  openAlerts: number;
  threshold: number;
  seconds: number;
}

/**
 * A dataset's scores brought up to date in one job: its features, then each given model scores
 * again; or a model is trained first (trees when there are labels, else an Isolation Forest)
 * and scores.
 */
export interface RefreshResult {
  datasetId: number;
  built: FeaturesResult;
  /** The model trained first, when asked to train. */
  trained: TrainResult | null;
  scored: ScoreResult[];
  seconds: number;
}

export interface AppState {
  shell: 'electron' | 'serve';
  /** Serve mode: the folder cases are opened and created in (by name). */
  casesFolder?: string;
  case: CaseInfo | null;
  jobs: JobProgress[];
}

// ---- anomaly feed ----------------------------------------------------------------------

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const VERDICTS = ['confirmed', 'false_positive', 'unsure'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Which events the feed lists: alerts (above a model's threshold) not yet judged, or all. */
export const FEED_VIEWS = ['open', 'all', 'confirmed', 'false_positive'] as const;
export type FeedView = (typeof FEED_VIEWS)[number];

/** A model whose scores take part in a dataset's combined score. */
export interface FeedModel {
  id: number;
  name: string;
  kind: ModelInfo['kind'];
  threshold: number | null;
}

export interface FeedItem {
  eventId: number;
  ts: number | null;
  entity: string | null;
  amount: number | null;
  /**
   * Combined anomaly score, 0–100: the mean of its percentile ranks under the feed's models that
   * scored it, and at least the points of the rule alerts behind it.
   */
  score: number;
  /** Rank by combined score, 1 = most anomalous. */
  rank: number;
  /** Above the threshold of at least one model. */
  alert: boolean;
  /** Each model's raw score for the event, by model id. */
  modelScores: Record<number, number | null>;
  /** The injected scenario this event belongs to, when it was injected. */
  scenario: string | null;
  /** Rules whose alerts name this event as evidence. */
  rules: string[];
  verdict: Verdict | null;
  /**
   * In the dataset's first day, whose feature windows were still filling: models trained
   * without labels raise no alert on it.
   */
  warmingUp: boolean;
  /**
   * When the feed is folded into incidents: the incident this item heads (it is its top-ranked
   * event); null for an event on its own.
   */
  group: FeedGroup | null;
}

/**
 * Items of one incident folded into one row: events of one entity close in time, of one rule
 * alert, or of one injected scenario (and so, through them, rule alerts and model alerts on the
 * same entity). Its events are listed with feed.group; a verdict on the row judges them all.
 */
export interface FeedGroup {
  /** Events of the incident in this view. */
  size: number;
  /** Its first and last event's time (epoch ms). */
  start: number | null;
  end: number | null;
  /** Distinct entities among its events. */
  entities: number;
  /** Injected scenarios and rules among its events. */
  scenarios: string[];
  rules: string[];
  /** Its events' verdicts: how many are decided (confirmed or false positive). */
  judged: number;
}

export interface FeedQuery {
  datasetId: number;
  view: FeedView;
  offset: number;
  limit: number;
  /** Fold items of one incident into one row (offset and limit then count rows). */
  fold?: boolean;
}

export interface FeedPage {
  datasetId: number;
  view: FeedView;
  models: FeedModel[];
  /** Alerts of the dataset's latest rules run that take part in the ranking. */
  ruleAlerts: number;
  /** Rows in this view (incidents and single events when folded, else events). */
  total: number;
  /** The page is folded into incidents. */
  folded: boolean;
  /** Events in this view (equal to total when not folded). */
  events: number;
  counts: Record<FeedView, number>;
  /** Events without a verdict held back as warming up (a detector's first day raises no alert). */
  warmingUp: number;
  offset: number;
  items: FeedItem[];
  elapsedMs: number;
}

/** How the feed's combined scores (0–100) spread over a dataset's ranked events. */
export interface ScoreDistribution {
  datasetId: number;
  /** The feed's newest model (null when only rule alerts rank the events). */
  model: FeedModel | null;
  /** Equal-width bins over 0–100, with counts of all and of confirmed-or-injected events. */
  bins: { lo: number; hi: number; count: number; positives: number }[];
  /** Where alerts start on the same scale: the lowest combined score of an alert (null: none). */
  threshold: number | null;
  /** Events that are alerts (whatever their verdict). */
  alerts: number;
}

export interface Reason {
  feature: string;
  /** The feature in plain words. */
  label: string;
  value: number | null;
  /** The dataset's median of the feature (what "typical" means here). */
  typical: number | null;
  /** The median over this entity's own earlier events (its baseline); null without one. */
  entityTypical: number | null;
  /** The three values as the feature's meaning asks ("41 s", "$470", "yes"). */
  shown: ShownValues;
  /**
   * How much the feature raises the score: its exact contribution to the tree model's margin
   * (TreeSHAP, in the model's units) when the explanation has contributions, else how much the
   * combined score drops when the feature takes its typical value (points of 0–100).
   */
  impact: number;
}

/** A feature's value, its population median and the entity's own median, in words. */
export interface ShownValues {
  value: string;
  typical: string;
  entityTypical: string | null;
}

/** One input's exact share of a tree model's margin for an event (TreeSHAP). */
export interface Contribution {
  feature: string;
  /** The feature in plain words. */
  label: string;
  value: number | null;
  /** The dataset's median of the feature (the population). */
  typical: number | null;
  /** The median over this entity's own earlier events (its baseline); null without an entity. */
  entityTypical: number | null;
  shown: ShownValues;
  /** Its share of the margin: positive pushes the score up. */
  contribution: number;
}

/** A tree model's margin for an event split exactly among its inputs. */
export interface Contributions {
  model: { id: number | null; name: string; kind: StoredModelKind };
  /** 'log-odds' when a sigmoid turns the margin into the model's score. */
  scale: 'log-odds' | 'raw';
  /** The event's margin = expected + the sum of the contributions. */
  margin: number;
  /** The margin's average over the dataset's events. */
  expected: number;
  /** Every input, the largest share (either sign) first. */
  items: Contribution[];
}

/** What the explanation says to do about the event, in one place. */
export interface BusinessTerms {
  risk: Severity;
  cost: number;
  /** The currency of the event's amounts when the data names one ("EUR"), else null. */
  currency: string | null;
  slaMinutes: number;
  action: string;
}

export interface Explanation {
  datasetId: number;
  eventId: number;
  score: number;
  severity: Severity;
  /** Why: the features that push this event up, strongest first. */
  reasons: Reason[];
  /** Why, from the rule engine: the alerts that name this event as evidence. */
  ruleAlerts: {
    id: number;
    rule: string;
    severity: Severity;
    observed: number;
    baseline: number | null;
    confidence: number;
    start: number;
    end: number;
    /** What the rule saw, e.g. the new table or field. */
    details: Record<string, string | number | boolean | null>;
    /** The same in plain words. */
    text: string;
  }[];
  /** The attack pattern the reasons look most like, and its business rule. */
  pattern: {
    scenario: string;
    description: string;
    /**
     * Injected events know their scenario; an event behind a rule alert takes the scenario of its
     * rule; otherwise the reasons were matched to a scenario's signals.
     */
    matched: 'injected' | 'rule' | 'signals' | 'default';
    risk: Severity;
    cost: number;
    costFormula: string;
    slaMinutes: number;
    action: string;
    escalation: string[];
  };
  /** Plain-words summary: why, how bad, what it costs, what to do, by when. */
  summary: string;
  /**
   * One headline an analyst can act on: what it looks like, the thing to act on and what stands
   * out about it, the risk, the cost, by when and what to do.
   */
  sentence: string;
  business: BusinessTerms;
  /** The exact contributions of the tree model behind the score; null when no tree model scored it. */
  contributions: Contributions | null;
  verdict: Verdict | null;
  event: Record<string, CellValue>;
}

// ---- rule engine (issue 4) -------------------------------------------------------------

/** An alert of the rule engine, as stored in the case (its window is `start`..`end`, epoch ms). */
export interface StoredAlert extends Omit<RaisedAlertInfo, 'seq'> {
  id: number;
  datasetId: number;
  /** Ids of the events behind it (the first 50). */
  evidence: number[];
  incidentId: number | null;
  verdict: Verdict | null;
}

/** A rule alert as the alerts list shows it: in words, with its headline and business terms. */
export interface AlertItem extends StoredAlert {
  /** What the rule saw, in plain words. */
  text: string;
  sentence: string;
  business: BusinessTerms;
}

export interface IncidentInfo {
  id: number;
  kind: 'exfiltration' | 'account_attack' | 'correlated';
  severity: Severity;
  start: number;
  end: number;
  rules: string[];
  entities: string[];
  alertIds: number[];
}

export interface RuleConfidenceInfo {
  rule: string;
  /** Points, 0..100. */
  confidence: number;
  falsePositives: number;
  confirmed: number;
  /** Disabled pending manual review (10 false positives). */
  disabled: boolean;
}

export interface RulesResult {
  datasetId: number;
  events: number;
  alerts: number;
  incidents: number;
  byRule: Record<string, number>;
  /** The run continued from baselines kept in the case (else it learned from scratch). */
  resumed: boolean;
  seconds: number;
}

export interface VerdictResult {
  alert: StoredAlert;
  rule: RuleConfidenceInfo;
}

/** One step of an item's review history: a verdict given or cleared, a note, a rule reviewed. */
export interface ReviewEntry {
  id: number;
  /** ISO time it was written. */
  at: string;
  action: 'verdict' | 'note' | 'review';
  /** The verdict given (null: cleared); null for notes and reviews. */
  verdict: Verdict | null;
  note: string | null;
}

/** What a note or a history is about: an event of a dataset, or a rule alert. */
export type ReviewTarget = { datasetId: number; eventId: number } | { alertId: number };

/** Longest note kept (characters). */
export const NOTE_MAX = 4000;

// ---- live stream --------------------------------------------------------------------------

/** Attacks a trainer can launch into a live stream (the simulator's scenarios). */
export const LIVE_ATTACKS = [
  'rate_spike',
  'exfiltration',
  'brute_force',
  'lateral_movement',
  'new_key',
  'one_second_spike',
] as const;
export type LiveAttack = (typeof LIVE_ATTACKS)[number];

/** An alert as the rule engine raises it (numbered in its run or stream). */
export interface RaisedAlertInfo {
  /** Position in the run (1-based); the case gives stored alerts their own ids. */
  seq: number;
  rule: string;
  entityKind: 'key' | 'ip' | 'operation';
  entity: string;
  /** The source IP of the event that raised it (API and login events both have one). */
  ip: string | null;
  start: number;
  end: number;
  observed: number;
  baseline: number | null;
  severity: Severity;
  /** 0..1: the rule's confidence times the baseline's (0.5 for a new key). */
  confidence: number;
  /** Repeats folded into it within the cooldown. */
  count: number;
  details: Record<string, string | number | boolean | null>;
}

/** An alert raised in a live stream (kept in memory). */
export interface LiveAlert extends RaisedAlertInfo {
  /** Simulated time of the event that raised it. */
  raisedAt: number;
}

export interface StreamTick {
  jobId: string;
  /** Simulated time of the stream, epoch ms, and how fast it runs against the wall clock. */
  simTime: number;
  speed: number;
  events: number;
  eventsPerSecond: number;
  /** Per-event latency through the nine rules, microseconds. */
  p50Us: number;
  p99Us: number;
  alerts: number;
  /** Events learned from before the live day. */
  learned: number;
}

export interface StreamAlert {
  jobId: string;
  alert: LiveAlert;
}

export interface LaunchedAttack {
  scenario: LiveAttack;
  entity: string;
  events: number;
  /** Simulated time it starts at. */
  at: number;
}

/** What a live stream did when it stopped. */
export interface StreamResult {
  events: number;
  alerts: number;
  seconds: number;
}

// ---- case report (issue 13) ------------------------------------------------------------------

/** A case report written: where, in which format, what it holds. */
export interface ReportResult {
  path: string;
  format: 'html' | 'pdf';
  bytes: number;
  /** Incidents and rule alerts it reports. */
  items: number;
  /** The report itself when it is HTML (a page offers it as a download). */
  html: string | null;
}

// ---- the entity's story (issue 13) -----------------------------------------------------------

/** One event of an entity on its timeline. */
export interface StoryEvent {
  eventId: number;
  ts: number | null;
  /** Combined 0–100 score; null when nothing ranked it. */
  score: number | null;
  alert: boolean;
  verdict: Verdict | null;
  rules: string[];
}

/** An entity (a card, a user, an address, a key) and what happened to it. */
export interface EntityStory {
  datasetId: number;
  /** The column it was found by (its sqlName) and its value. */
  column: string;
  value: string;
  /** Its events, newest first (at most `shown`), and how many it has in all. */
  events: StoryEvent[];
  total: number;
  alerts: number;
  verdicts: { confirmed: number; falsePositive: number; unsure: number };
  /** Its features: the latest event's value against its own median and its peers' (the dataset's). */
  features: { feature: string; label: string; latest: string; own: string; peers: string }[];
  /** Judged or alerted items of other entities nearest its latest event in feature space. */
  similar: {
    eventId: number;
    entity: string | null;
    score: number;
    verdict: Verdict | null;
    distance: number;
  }[];
  /** Notes and verdicts on its events, newest first. */
  notes: (ReviewEntry & { eventId: number })[];
}
