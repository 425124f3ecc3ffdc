// The host's running jobs: each has a progress (ticked to every shell), a shared cancel flag the
// workers read, the workers to stop when it ends, and a typed result by kind (src-shared/jobs.ts).
// A job's end is kept a while so that `job.wait` after the fact still answers.
import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { JobProgress } from '../../src-shared/domain';
import { JOB_KINDS, type JobFinished, type JobKind, type JobResults } from '../../src-shared/jobs';
import { err, ok, toAppError, type Result } from '../../src-shared/result';
import type { DbProgress, JobTicket } from './db/session-ops';
import { isCancelled, requestCancel } from './ingest/protocol';

const PROGRESS_EVERY_MS = 200;
const FINISHED_KEPT = 100;

/** A running job, as the work inside it sees it. */
export class Job {
  readonly progress: JobProgress;
  readonly started = performance.now();
  readonly cancel = new Int32Array(new SharedArrayBuffer(4));
  readonly workers = new Set<Worker>();
  /** Rows and bytes finished by earlier steps of a job of several steps. */
  baseRows = 0;
  baseBytes = 0;

  constructor(
    readonly id: string,
    readonly kind: JobKind,
    label: string,
  ) {
    this.progress = {
      jobId: id,
      kind,
      label,
      phase: 'starting',
      rows: 0,
      bytes: 0,
      totalBytes: null,
      rowsPerSecond: 0,
      elapsedMs: 0,
    };
  }

  get cancelled(): boolean {
    return isCancelled(this.cancel);
  }

  /** What a DB operation needs to report progress and see a cancel. */
  get ticket(): JobTicket {
    return { jobId: this.id, cancel: this.cancel.buffer as SharedArrayBuffer };
  }

  /** A new phase, unless the job is being cancelled ('cancelling' stays until it ends). */
  phase(text: string): void {
    if (!this.cancelled) this.progress.phase = text;
  }

  snapshot(): JobProgress {
    const elapsedMs = performance.now() - this.started;
    return {
      ...this.progress,
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? (this.progress.rows / elapsedMs) * 1000 : 0,
    };
  }
}

export interface JobEvents {
  progress(p: JobProgress): void;
  finished(f: JobFinished): void;
  /** No job runs any more. */
  idle(): void;
}

export class JobRunner {
  private readonly running = new Map<string, { job: Job; done: Promise<JobFinished> }>();
  private readonly finished = new Map<string, JobFinished>();
  private ticker: NodeJS.Timeout | null = null;

  constructor(private readonly events: JobEvents) {}

  /**
   * Starts a job whose work is `run`; it ends with run's result (a throw is an INTERNAL error).
   * `jobId` and `done` (settling once the job has ended and been announced) come back at once.
   */
  start<K extends JobKind>(
    kind: K,
    label: string,
    run: (job: Job) => Promise<Result<JobResults[K]>>,
  ): { jobId: string; job: Job; done: Promise<JobFinished> } {
    const id = randomUUID().replace(/-/g, '').slice(0, 16);
    const job = new Job(id, kind, label);
    let work: Promise<Result<JobResults[K]>>;
    try {
      work = run(job); // at once: what the job sets up is there when `start` returns
    } catch (e) {
      work = Promise.reject(e);
    }
    const done = work
      .catch((e: unknown): Result<JobResults[K]> => ({ ok: false, error: toAppError(e) }))
      .then((r) => this.end(job, r));
    this.running.set(id, { job, done });
    this.ticker ??= setInterval(() => this.tick(), PROGRESS_EVERY_MS);
    this.ticker.unref?.();
    return { jobId: id, job, done };
  }

  private end<K extends JobKind>(job: Job, r: Result<JobResults[K]>): JobFinished {
    const base = { jobId: job.id, kind: job.kind as K, label: job.progress.label };
    const f = (
      r.ok ? { ...base, ok: true, result: r.value } : { ...base, ok: false, error: r.error }
    ) as JobFinished;
    for (const w of job.workers) void w.terminate();
    this.running.delete(job.id);
    this.finished.set(job.id, f);
    if (this.finished.size > FINISHED_KEPT) this.finished.delete(this.finished.keys().next().value!);
    if (!this.running.size && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
    this.events.finished(f);
    if (!this.running.size) this.events.idle();
    return f;
  }

  private tick(): void {
    for (const { job } of this.running.values()) this.events.progress(job.snapshot());
  }

  /** Progress of a job's write in the DB worker. */
  onDbProgress(p: DbProgress): void {
    const job = this.running.get(p.jobId)?.job;
    if (!job) return;
    job.progress.rows = job.baseRows + p.rows;
    job.progress.bytes = job.baseBytes + p.bytes;
    job.phase(p.phase);
  }

  /** Asks a job to stop; it ends (rolled back) when its work sees the flag. */
  cancel(jobId: string): boolean {
    const entry = this.running.get(jobId);
    if (!entry) return false;
    requestCancel(entry.job.cancel);
    entry.job.progress.phase = 'cancelling';
    return true;
  }

  /** How a job ended; waits for a running one. */
  wait(jobId: string): Promise<Result<JobFinished>> {
    const done = this.finished.get(jobId);
    if (done) return Promise.resolve(ok(done));
    const entry = this.running.get(jobId);
    if (!entry) return Promise.resolve(err('BAD_REQUEST', `no job ${jobId} is running or just ended`));
    return entry.done.then(ok);
  }

  /** The running jobs of a kind. */
  ofKind(kind: JobKind): Job[] {
    return [...this.running.values()].map((e) => e.job).filter((j) => j.kind === kind);
  }

  /** Jobs that read or write the case (a live stream does neither). */
  caseJobs(): number {
    let n = 0;
    for (const { job } of this.running.values()) if (JOB_KINDS[job.kind].touchesCase) n++;
    return n;
  }

  snapshots(): JobProgress[] {
    return [...this.running.values()].map((e) => e.job.snapshot());
  }

  /** Cancels every job and waits for each to end (each rolls back). */
  async stopAll(): Promise<void> {
    const all = [...this.running.values()];
    for (const { job } of all) this.cancel(job.id);
    await Promise.allSettled(all.map((e) => e.done));
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }
}
