// Domain types shared by the engine, the shells and the renderer.

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

export type DataFormat = 'csv' | 'tsv' | 'jsonl';

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

export type JobKind = 'ingest' | 'demo' | 'features' | 'train' | 'score' | 'rules';

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

export interface ModelInfo {
  id: number;
  name: string;
  kind: 'gbdt' | 'iforest' | 'hbos' | 'onnx';
  datasetId: number | null;
  featureNames: string[];
  threshold: number | null;
  /** On the test slice (the latest 20% by time), when the model had labels. */
  metrics: ModelMetrics | null;
  createdAt: string;
}

export interface TrainResult {
  model: ModelInfo;
  seconds: number;
  validation: ModelMetrics | null;
  test: ModelMetrics | null;
}

export interface ScoreResult {
  modelId: number;
  datasetId: number;
  rows: number;
  anomalies: number;
  threshold: number;
  seconds: number;
}

export interface AppState {
  shell: 'electron' | 'serve';
  case: CaseInfo | null;
  jobs: JobProgress[];
}

// ---- rule engine (issue 4) -------------------------------------------------------------

export type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** An alert of the rule engine, as stored in the case. */
export interface StoredAlert {
  id: number;
  datasetId: number;
  rule: string;
  entityKind: 'key' | 'ip' | 'operation';
  entity: string;
  ip: string | null;
  /** The time window it covers, epoch ms. */
  start: number;
  end: number;
  observed: number;
  baseline: number | null;
  severity: Severity;
  /** 0..1. */
  confidence: number;
  /** Repeats folded into it within the cooldown. */
  count: number;
  /** Ids of the events behind it (the first 50). */
  evidence: number[];
  details: Record<string, string | number | boolean | null>;
  incidentId: number | null;
  verdict: 'confirmed' | 'false_positive' | null;
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
