// The one table of job kinds, shared by the engine host and the renderer: what each is called,
// whether it works on the case (a live stream does not, so it runs beside the others), and the
// type of its result. `JobFinished` is a union keyed by kind, so a reader switches on `kind`.
import type {
  EvaluationResult,
  FeaturesResult,
  IngestResult,
  RefreshResult,
  ReportResult,
  RulesResult,
  ScoreResult,
  StreamResult,
  TrainResult,
} from './domain';
import type { AppError } from './result';

interface JobKindSpec<R> {
  /** What the job is called in a sentence ("Import cancelled"). */
  noun: string;
  /** It reads or writes the case: the case cannot change under it. */
  touchesCase: boolean;
  /** Type only: the job's result. */
  readonly result?: R;
}

const kind =
  <R>() =>
  (spec: Omit<JobKindSpec<R>, 'result'>): JobKindSpec<R> =>
    spec;

export const JOB_KINDS = {
  ingest: kind<IngestResult>()({ noun: 'Import', touchesCase: true }),
  demo: kind<{ datasets: number }>()({ noun: 'Demo build', touchesCase: true }),
  features: kind<FeaturesResult>()({ noun: 'Feature build', touchesCase: true }),
  train: kind<TrainResult>()({ noun: 'Training', touchesCase: true }),
  evaluate: kind<EvaluationResult>()({ noun: 'Evaluation', touchesCase: true }),
  score: kind<ScoreResult>()({ noun: 'Scoring', touchesCase: true }),
  refresh: kind<RefreshResult>()({ noun: 'Score update', touchesCase: true }),
  rules: kind<RulesResult>()({ noun: 'Rules run', touchesCase: true }),
  stream: kind<StreamResult>()({ noun: 'Live stream', touchesCase: false }),
  report: kind<ReportResult>()({ noun: 'Case report', touchesCase: true }),
};

export type JobKind = keyof typeof JOB_KINDS;
export const JOB_KIND_NAMES = Object.keys(JOB_KINDS) as JobKind[];
export type JobResults = { [K in JobKind]: NonNullable<(typeof JOB_KINDS)[K]['result']> };

/** How a job ended: its result when it succeeded, typed by its kind; else the error. */
export type JobFinished = {
  [K in JobKind]:
    | { jobId: string; kind: K; label: string; ok: true; result: JobResults[K] }
    | { jobId: string; kind: K; label: string; ok: false; error: AppError };
}[JobKind];

/** What a job says when cancelled. */
export const cancelledText = (kind: JobKind): string => `${JOB_KINDS[kind].noun} cancelled`;
