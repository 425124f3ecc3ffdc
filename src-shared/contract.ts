// The one contract between the renderer and the engine host, whichever shell carries it
// (Electron IPC, serve-mode WebSocket, or the CLI calling the host directly).
import { z } from 'zod';
import type {
  EntityStory,
  AlertItem,
  ReviewEntry,
  AppState,
  CaseInfo,
  ColumnInfo,
  EvaluationResult,
  EventsPage,
  InjectionInfo,
  ModelInfo,
  JobProgress,
  Explanation,
  FeedItem,
  FeedPage,
  ScenarioInfo,
  ScoreDistribution,
  Verdict,
  IncidentInfo,
  RuleConfidenceInfo,
  LaunchedAttack,
  StreamAlert,
  StreamTick,
  VerdictResult,
} from './domain';
import {
  CANONICAL_ROLES,
  FEED_VIEWS,
  FILTER_OPS,
  LIVE_ATTACKS,
  MODEL_KINDS,
  NOTE_MAX,
  VERDICTS,
} from './domain';
import {
  SOURCE_IDS,
  TIME_FORMATS,
  TIME_UNITS,
  type ImportMapping,
  type ImportPreview,
  type SourceChoice,
} from './import';
import type { JobFinished, JobKind, JobResults } from './jobs';
import { err, ok, type Result } from './result';
import type { RpcCall, RpcReply } from './rpc';

export type { JobFinished };

const caseFilePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

const cellValue = z.union([z.string().max(10_000), z.number().finite(), z.null()]);

/** Identifier of a column in a dataset table: what `ColumnInfo.sqlName` can be. */
const columnId = z.string().regex(/^[a-z_][a-z0-9_]{0,63}$/, 'not a column identifier');

export const eventsQuerySchema = z
  .object({
    datasetId: z.number().int().positive(),
    offset: z.number().int().min(0).max(1e12),
    limit: z.number().int().min(1).max(2000),
    sort: z.object({ column: columnId, desc: z.boolean() }).strict().nullish(),
    filters: z
      .array(z.object({ column: columnId, op: z.enum(FILTER_OPS), value: cellValue.optional() }).strict())
      .max(32)
      .optional(),
  })
  .strict();

/** A file a request names: a path (CLI, Electron), or an upload (serve mode). */
const uploadSource = {
  path: caseFilePath.optional(),
  uploadId: z
    .string()
    .regex(/^[a-f0-9]{32}$/)
    .optional(),
  /** Name shown for the file when it came by upload. */
  fileName: z.string().min(1).max(255).optional(),
};

const fileSource = {
  ...uploadSource,
  format: z.enum(['csv', 'tsv', 'jsonl', 'syslog', 'parquet']).optional(),
};
const columnName = z.string().min(1).max(255);

/** How the file's columns are read (ImportMapping): roles, time options, the label's attack values. */
const importMapping = {
  timeColumn: columnName.optional(),
  /** The time of day is in this column of its own (14:05:33), read with the time column's dates. */
  clockColumn: columnName.optional(),
  /** How to read the time when its values do not say it: a text format, or epoch units. */
  timeFormat: z.enum(TIME_FORMATS).optional(),
  /** The time column counts steps of this unit from `timeOrigin` (ISO 8601; default 1970-01-01). */
  timeUnit: z.enum(TIME_UNITS).optional(),
  timeOrigin: z
    .string()
    .regex(
      /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/,
      'not an ISO 8601 time',
    )
    .optional(),
  /** The year of syslog times (they have none); this year by default. */
  timeYear: z.number().int().min(1970).max(2200).optional(),
  roles: z.partialRecord(z.enum(CANONICAL_ROLES), columnName).optional(),
  /** Columns that play no role, whatever their names say. */
  noRoles: z.array(columnName).max(2000).optional(),
  /** A text label column: the values that mean an attack (remembered for training). */
  positive: z.array(z.string().min(1).max(255)).min(1).max(100).optional(),
};

/** A remembered mapping, as a case file may hold it (checked when read). */
export const importMappingSchema = z.object(importMapping).strict();

/** The file's layout: recognised from its header (auto, the default), none, or a named one. */
const sourceChoice = z.enum(['auto', 'none', ...SOURCE_IDS] as [SourceChoice, ...SourceChoice[]]).optional();

const oneSource = {
  message: 'give exactly one of path or uploadId',
};

export const ingestStartSchema = z
  .object({
    ...fileSource,
    name: z
      .string()
      .min(1)
      .max(120)
      .regex(/^[^\0]+$/)
      .optional(),
    ...importMapping,
    source: sourceChoice,
    /** Add the file's rows to this dataset (same columns) instead of creating a dataset. */
    appendTo: z.number().int().positive().optional(),
  })
  .strict()
  .refine((p) => (p.path === undefined) !== (p.uploadId === undefined), oneSource);

/** A look at a file's first rows before importing it (nothing is written). */
export const ingestPreviewSchema = z
  .object({ ...fileSource, ...importMapping, source: sourceChoice })
  .strict()
  .refine((p) => (p.path === undefined) !== (p.uploadId === undefined), oneSource);

const empty = z.object({}).strict();
const id = z.number().int().positive();
/** A note on an event or an alert: text, not blank, at most NOTE_MAX characters. */
const noteText = z
  .string()
  .max(NOTE_MAX, `a note is at most ${NOTE_MAX} characters`)
  .refine((t) => t.trim().length > 0, 'a note cannot be blank');

/** Method → params schema. The result types are in `RequestResults`. */
export const requestSchemas = {
  'app.state': empty,
  'case.info': empty,
  'case.open': z.object({ path: caseFilePath, readOnly: z.boolean().optional() }).strict(),
  'case.create': z.object({ path: caseFilePath }).strict(),
  'events.page': eventsQuerySchema,
  'ingest.start': ingestStartSchema,
  /** A file's first rows: format, columns, roles, time, label values; the case is not changed. */
  'ingest.preview': ingestPreviewSchema,
  /** An upload that will not be imported after all (the import dialog cancelled). */
  'ingest.discard': z
    .object({
      uploadId: z.string().regex(/^[a-f0-9]{32}$/),
    })
    .strict(),
  'job.cancel': z.object({ jobId: z.string().min(1).max(64) }).strict(),
  'features.build': z
    .object({ datasetId: z.number().int().positive(), force: z.boolean().optional() })
    .strict(),
  'scenario.inject': z
    .object({
      datasetId: z.number().int().positive(),
      scenario: z.string().regex(/^[a-z_]{1,48}$/),
      entity: z.string().min(1).max(500).optional(),
      intensity: z.number().int().min(1).max(100_000).optional(),
      durationMinutes: z
        .number()
        .positive()
        .max(7 * 24 * 60)
        .optional(),
      start: z.number().int().optional(),
      factor: z.number().positive().max(1000).optional(),
      seed: z.number().int().optional(),
    })
    .strict(),
  'scenario.remove': z.object({ injectionId: z.number().int().positive() }).strict(),
  'scenario.list': empty,
  'model.train': z
    .object({
      datasetId: z.number().int().positive(),
      model: z.enum(MODEL_KINDS),
      label: z.string().min(1).max(255).optional(),
      trees: z.number().int().min(1).max(5000).optional(),
      maxDepth: z.number().int().min(1).max(16).optional(),
      eta: z.number().positive().max(1).optional(),
      seed: z.number().int().optional(),
      alertsPerDay: z.number().positive().optional(),
      /** Trees: weigh the positive class up to balance the classes, or not (default). */
      classWeight: z.enum(['balanced', 'none']).optional(),
      /** Trees: stop after this many rounds without improvement on the validation slice (default 20; 0: never). */
      earlyStopping: z.number().int().min(0).max(10_000).optional(),
      /** Also write the model here as ONNX, with its metadata beside it (FILE.json). */
      out: caseFilePath.optional(),
      /** A text label column: the values that mean an attack (the others are normal). */
      positive: z.array(z.string().min(1).max(255)).min(1).max(100).optional(),
      /** …or the values that mean normal (the others are attacks). */
      negative: z.array(z.string().min(1).max(255)).min(1).max(100).optional(),
      /** The dataset's own columns to use as features (names); every column that qualifies when omitted. */
      columns: z.array(z.string().min(1).max(255)).max(2000).optional(),
      /** Columns not to use as features. */
      excludeColumns: z.array(z.string().min(1).max(255)).max(2000).optional(),
    })
    .strict(),
  /** Every model kind trained and measured on the same split of a dataset, kept in the case. */
  'model.evaluate': z
    .object({
      datasetId: z.number().int().positive(),
      label: z.string().min(1).max(255).optional(),
      positive: z.array(z.string().min(1).max(255)).min(1).max(100).optional(),
      negative: z.array(z.string().min(1).max(255)).min(1).max(100).optional(),
      /** The kinds to compare (every kind by default). */
      models: z.array(z.enum(MODEL_KINDS)).min(1).max(MODEL_KINDS.length).optional(),
      seed: z.number().int().optional(),
    })
    .strict(),
  /** The evaluations kept for a dataset, newest first. */
  'evaluation.list': z.object({ datasetId: z.number().int().positive() }).strict(),
  'model.score': z
    .object({
      datasetId: z.number().int().positive(),
      modelId: z.number().int().positive().optional(),
      /** An ONNX file to score with (kept in the case with its scores): a path, or an upload. */
      ...uploadSource,
    })
    .strict()
    .refine((p) => [p.modelId, p.path, p.uploadId].filter((v) => v !== undefined).length <= 1, {
      message: 'give at most one of modelId, path or uploadId',
    }),
  /**
   * Features, then each model scores again; or, `train`, a model is trained first (trees with
   * labels, else an Isolation Forest) and scores instead.
   */
  'scores.refresh': z
    .object({
      datasetId: z.number().int().positive(),
      modelIds: z.array(z.number().int().positive()).max(32).optional(),
      train: z.boolean().optional(),
    })
    .strict(),
  'model.list': empty,
  'scenario.catalog': empty,
  'feed.page': z
    .object({
      datasetId: z.number().int().positive(),
      view: z.enum(FEED_VIEWS),
      offset: z.number().int().min(0).max(1e9),
      limit: z.number().int().min(1).max(500),
      fold: z.boolean().optional(),
    })
    .strict(),
  /** An entity's story: its timeline, features against its own and its peers', similar items, notes. */
  'entity.story': z
    .object({
      datasetId: id,
      /** The entity's value; or `eventId`: the entity of that event. */
      value: z.string().min(1).max(500).optional(),
      eventId: id.optional(),
      /** The column to find it in (sqlName); the dataset's entity column by default. */
      column: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,63}$/)
        .optional(),
    })
    .strict()
    .refine((p) => (p.value === undefined) !== (p.eventId === undefined), 'give the value or the event id'),
  /** The events of the incident an item heads in a folded view (top-ranked first). */
  'feed.group': z.object({ datasetId: id, view: z.enum(FEED_VIEWS), eventId: id }).strict(),
  /** Verdicts on many events at once (an incident, or undoing one), in one transaction. */
  'feed.verdicts': z
    .object({
      datasetId: id,
      items: z
        .array(z.object({ eventId: id, verdict: z.enum(VERDICTS).nullable() }).strict())
        .min(1)
        .max(5000),
      note: noteText.optional(),
    })
    .strict(),
  'feed.distribution': z.object({ datasetId: z.number().int().positive() }).strict(),
  'feed.explain': z
    .object({ datasetId: z.number().int().positive(), eventId: z.number().int().positive() })
    .strict(),
  'feed.verdict': z
    .object({
      datasetId: z.number().int().positive(),
      eventId: z.number().int().positive(),
      verdict: z.enum(VERDICTS).nullable(),
      note: noteText.optional(),
    })
    .strict(),
  'review.note': z.union([
    z.object({ datasetId: id, eventId: id, note: noteText }).strict(),
    z.object({ alertId: id, note: noteText }).strict(),
  ]),
  'review.history': z.union([
    z.object({ datasetId: id, eventId: id }).strict(),
    z.object({ alertId: id }).strict(),
  ]),
  'rules.run': z.object({ datasetId: z.number().int().positive() }).strict(),
  /**
   * A case report (a job): confirmed and open incidents with their headline, contributions,
   * timeline, notes and verdict history, the models and rules behind them and the data they came
   * from; HTML, or PDF printed by the browser engine. `out` defaults to a file beside the case.
   */
  'report.build': z
    .object({
      datasetId: id.optional(),
      format: z.enum(['html', 'pdf']).optional(),
      out: z
        .string()
        .min(1)
        .max(4096)
        .regex(/\.(html?|pdf)$/i, 'a report is written as .html or .pdf')
        .optional(),
    })
    .strict(),
  'alerts.list': z
    .object({
      datasetId: z.number().int().positive().optional(),
      /** At most this many, newest first (default a page for the UI). */
      limit: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    })
    .strict(),
  'incidents.list': z.object({ datasetId: z.number().int().positive().optional() }).strict(),
  'alert.verdict': z
    .object({ alertId: id, verdict: z.enum(VERDICTS).nullable(), note: noteText.optional() })
    .strict(),
  'rules.confidence': empty,
  'stream.start': z
    .object({
      speed: z.number().min(1).max(3600).optional(),
      /** Keys of the simulation: its 14 days of history (7,000 events a key) are held while learning. */
      keys: z.number().int().min(5).max(200).optional(),
      seed: z.number().int().optional(),
    })
    .strict(),
  'stream.attack': z.object({ jobId: z.string().min(1).max(64), scenario: z.enum(LIVE_ATTACKS) }).strict(),
  /** Re-enables a rule disabled after 10 false positives, once an analyst reviewed it. */
  'rule.review': z.object({ rule: z.string().regex(/^[a-z_]{1,40}$/) }).strict(),
  /** Waits for a job to end (or answers at once if it just did): how it finished. */
  'job.wait': z.object({ jobId: z.string().min(1).max(64) }).strict(),
  /** Builds the demo case at `path` (a new file) in a job, then opens it. */
  'demo.create': z.object({ path: caseFilePath }).strict(),
  /** A dataset's columns with their roles and what their first rows hold (for mapping them). */
  'dataset.columns': z.object({ datasetId: z.number().int().positive() }).strict(),
  /** The mapping a dataset was imported with (roles, time options, its label's attack values), or null. */
  'dataset.mapping': z.object({ datasetId: z.number().int().positive() }).strict(),
} as const;

/** A column of a dataset, as `dataset.columns` describes it from its first rows. */
export interface DatasetColumn extends ColumnInfo {
  /** Rows looked at (the dataset's first, at most 10,000). */
  sampled: number;
  /** Of those, how many are empty, and how many distinct values the others hold. */
  nulls: number;
  distinct: number;
  /** Up to five of those distinct values. */
  examples: (string | number)[];
}

export type Method = keyof typeof requestSchemas;
export type Params<M extends Method> = z.input<(typeof requestSchemas)[M]>;

export interface RequestResults {
  'app.state': AppState;
  'case.info': CaseInfo;
  'case.open': CaseInfo;
  'case.create': CaseInfo;
  'events.page': EventsPage;
  'ingest.start': { jobId: string };
  'ingest.preview': ImportPreview;
  'ingest.discard': { discarded: boolean };
  'job.cancel': { cancelled: boolean };
  'features.build': { jobId: string };
  'scenario.inject': InjectionInfo;
  'scenario.remove': { datasetId: number; removed: number };
  'scenario.list': InjectionInfo[];
  'model.train': { jobId: string };
  'model.evaluate': { jobId: string };
  'evaluation.list': EvaluationResult[];
  'model.score': { jobId: string };
  'scores.refresh': { jobId: string };
  'model.list': ModelInfo[];
  'scenario.catalog': ScenarioInfo[];
  'feed.page': FeedPage;
  'feed.distribution': ScoreDistribution;
  'feed.explain': Explanation;
  'feed.verdict': { verdict: Verdict | null };
  'feed.group': FeedItem[];
  'entity.story': EntityStory;
  'feed.verdicts': { events: number };
  'review.note': ReviewEntry;
  'review.history': ReviewEntry[];
  'rules.run': { jobId: string };
  'report.build': { jobId: string };
  'alerts.list': AlertItem[];
  'incidents.list': IncidentInfo[];
  'alert.verdict': VerdictResult;
  'rules.confidence': RuleConfidenceInfo[];
  'rule.review': RuleConfidenceInfo;
  'stream.start': { jobId: string };
  'stream.attack': LaunchedAttack;
  'job.wait': JobFinished;
  'demo.create': { jobId: string };
  'dataset.columns': DatasetColumn[];
  'dataset.mapping': ImportMapping | null;
}
export type ResultOf<M extends Method> = RequestResults[M];

export const METHODS = Object.keys(requestSchemas) as Method[];
export const isMethod = (m: unknown): m is Method =>
  typeof m === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, m);

/** The requests that start a job, and the kind of job each starts. */
export const JOB_METHODS = {
  'ingest.start': 'ingest',
  'demo.create': 'demo',
  'features.build': 'features',
  'model.train': 'train',
  'model.evaluate': 'evaluate',
  'model.score': 'score',
  'scores.refresh': 'refresh',
  'rules.run': 'rules',
  'stream.start': 'stream',
  'report.build': 'report',
} as const satisfies Partial<Record<Method, JobKind>>;
export type JobMethod = keyof typeof JOB_METHODS;
export type JobResultOf<M extends JobMethod> = JobResults[(typeof JOB_METHODS)[M]];

/** A typed way into the engine: the host's `call`, or a bridge's `invoke`. */
export type Invoke = <M extends Method>(method: M, params: Params<M>) => Promise<Result<ResultOf<M>>>;

/** Starts a job and waits for its end: its result, or why it failed. */
export async function runJob<M extends JobMethod>(
  invoke: Invoke,
  method: M,
  params: Params<M>,
): Promise<Result<JobResultOf<M>>> {
  const started = (await invoke(method, params)) as Result<{ jobId: string }>;
  if (!started.ok) return started;
  const finished = await invoke('job.wait', { jobId: started.value.jobId });
  if (!finished.ok) return finished;
  const f = finished.value;
  if (f.kind !== JOB_METHODS[method])
    return err('INTERNAL', `job ${f.jobId} is a ${f.kind} job, not ${method}`);
  return f.ok ? ok(f.result as JobResultOf<M>) : { ok: false, error: f.error };
}

/** Events pushed from the engine host to every renderer. */
export interface EventMap {
  'job.progress': JobProgress;
  'job.finished': JobFinished;
  'case.changed': CaseInfo | null;
  'stream.tick': StreamTick;
  'stream.alert': StreamAlert;
}
export type EventName = keyof EventMap;
export const EVENT_NAMES: EventName[] = [
  'job.progress',
  'job.finished',
  'case.changed',
  'stream.tick',
  'stream.alert',
];

/** Validates a request's params at a boundary; the error names the offending field. */
export function parseRequest<M extends Method>(
  method: M,
  params: unknown,
): Result<z.output<(typeof requestSchemas)[M]>> {
  const parsed = requestSchemas[method].safeParse(params ?? {});
  if (parsed.success) return { ok: true, value: parsed.data as z.output<(typeof requestSchemas)[M]> };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length ? issue.path.join('.') : '(params)';
  return {
    ok: false,
    error: { code: 'BAD_REQUEST', message: `${method}: ${field}: ${issue?.message ?? 'invalid'}` },
  };
}

/** What a shell gives the renderer. The renderer only ever talks to this. */
export interface Bridge {
  invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<ResultOf<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  /** Makes a user-chosen file available to `ingest.start` (a path in Electron, an upload in serve mode). */
  stageFile(file: File): Promise<Result<{ path?: string; uploadId?: string; fileName: string }>>;
}

/** Wire messages of the serve-mode WebSocket: the shared RPC's (rpc.ts). */
export type WireRequest = RpcCall & { method: Method };
export type WireMessage = RpcReply;
