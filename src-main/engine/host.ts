// The engine host: one per shell. Owns the DB worker of the open case, runs jobs in worker
// threads (parse, demo), validates every request against the contract, and pushes events.
// Plain Node: nothing here knows about Electron, HTTP or the terminal.
import { EventEmitter } from 'node:events';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import {
  isMethod,
  parseRequest,
  type EventMap,
  type EventName,
  type JobFinished,
  type Method,
  type ResultOf,
} from '../../src-shared/contract';
import type {
  AppState,
  CaseInfo,
  DataFormat,
  DatasetInfo,
  FeaturesResult,
  RefreshResult,
  ScoreResult,
  TrainResult,
  IngestResult,
  InjectionInfo,
  ColumnInfo,
  JobKind,
  JobProgress,
  Explanation,
  FeedQuery,
  ScenarioInfo,
  Verdict,
  IncidentInfo,
  RuleConfidenceInfo,
  RulesResult,
  StoredAlert,
  VerdictResult,
  LaunchedAttack,
  LiveAttack,
} from '../../src-shared/domain';
import { AppFailure, err, ok, toAppError, type AppError, type Result } from '../../src-shared/result';
import { explain } from './feed/explain';
import { loadScenarioConfig, loadUnmatchedRule, type ScenarioSpec } from './scenarios/config';
import { DbClient, type DbProgress } from './db-client';
import {
  DEMO_INJECTIONS,
  DEMO_RECIPE,
  DEMO_RECIPE_KEY,
  DEMO_DATASETS,
  demoInjectionStart,
  type DemoFile,
} from './demo/demo-data';
import { openCaseDb, closeCaseDb } from './db/open-case';
import { loadFeatureConfig, projectRoot } from './features/config';
import { requestCancel } from './ingest/protocol';
import { spawnWorker } from './worker-spawn';
import type { ParseTask } from './workers/parse-worker';
import type { BuildOutcome } from './features/build';
import type { ComputeTask } from './workers/compute-worker';
import type { TrainedModel, TrainRequest } from './models/train-dataset';
import { outcome, scoresInProcess, scoreWithDetector, type StoredModel } from './models/score-dataset';
import { scoreOnnx } from './onnx-client';
import type { FeatureInput } from './models/feature-input';
import { writeModelFiles } from './models/model-files';
import type { InjectParams } from './scenarios/inject';
import type { Worker } from 'node:worker_threads';
import type { z } from 'zod';
import type { ingestStartSchema } from '../../src-shared/contract';
import type { RulesRun } from './db/rules-store';
import { RULE_NAMES, type RuleName } from './rules/config';
import type { LiveReply, LiveRequest } from './workers/live-worker';

export type IngestParams = z.output<typeof ingestStartSchema>;

export interface HostOptions {
  shell: AppState['shell'] | 'cli';
  /** Serve mode: where an uploaded file was stored. */
  resolveUpload?: (uploadId: string) => { path: string; fileName: string } | null;
  /** Serve mode: the upload has been ingested (or refused) and can be deleted. */
  releaseUpload?: (uploadId: string) => void;
}

interface Job {
  progress: JobProgress;
  started: number;
  cancel: Int32Array;
  workers: Set<Worker>;
  /** Rows finished by earlier steps of a multi-file job. */
  baseRows: number;
  baseBytes: number;
  /** Settles when the job has ended (whatever its outcome). */
  done: Promise<unknown>;
}

const PROGRESS_EVERY_MS = 200;

interface ScoreRequest {
  datasetId: number;
  modelId?: number;
  modelFile?: string;
  /** Name to keep a model file under (an upload's own name, not its temporary one). */
  modelName?: string;
}

/** One file to import: into a new dataset, or appended to an existing one. */
interface IngestFile {
  file: string;
  fileName: string;
  format: DataFormat;
  name: string;
  timeColumn?: string;
  roles?: IngestParams['roles'];
  append?: { datasetId: number; columns: ColumnInfo[]; timeColumn: string | null };
}

/** Scores a few rows with a stored model: in this thread for detectors, else in the ONNX worker. */
async function scoreStored(model: StoredModel, columns: Float32Array[]): Promise<Float64Array> {
  if (scoresInProcess(model)) return scoreWithDetector(model, columns);
  const r = await scoreOnnx(model.body, model.name, columns);
  if (!r.ok) throw new AppFailure(r.error);
  return r.value.scores;
}

/** The configured attack scenarios, for the inject form. */
function scenarioCatalog(): ScenarioInfo[] {
  return [...loadScenarioConfig().values()].map((s) => ({
    name: s.name,
    description: s.description,
    needs: s.needs,
    domains: s.domains,
    defaults: { intensity: s.intensity, durationMinutes: s.durationMs / 60_000, factor: s.factor },
    risk: s.business.risk,
    slaMinutes: s.business.slaMinutes,
    action: s.business.action,
  }));
}

function removeCaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

export function detectFormat(file: string): DataFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    if (head.trimStart().startsWith('{')) return 'jsonl';
    const first = head.split('\n')[0];
    return (first.match(/\t/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0) ? 'tsv' : 'csv';
  } finally {
    closeSync(fd);
  }
}

export class EngineHost {
  private readonly emitter = new EventEmitter();
  private db: DbClient | null = null;
  private current: CaseInfo | null = null;
  private readonly jobs = new Map<string, Job>();
  /** A case is being opened or created: no job may start until it is done. */
  private switching = false;
  private closed = false;
  private ticker: NodeJS.Timeout | null = null;

  constructor(private readonly options: HostOptions) {
    this.emitter.setMaxListeners(100);
  }

  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    this.emitter.emit(event, payload);
  }

  /** The one entry point for requests from any shell: validates, then dispatches. */
  async handle(method: unknown, params: unknown): Promise<Result<unknown>> {
    if (!isMethod(method))
      return err('BAD_REQUEST', `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
    const parsed = parseRequest(method, params);
    if (!parsed.ok) return parsed;
    try {
      return await this.dispatch(method, parsed.value);
    } catch (e) {
      return { ok: false, error: { code: 'INTERNAL', message: (e as Error).message } };
    }
  }

  private async dispatch<M extends Method>(method: M, p: unknown): Promise<Result<ResultOf<M> | unknown>> {
    switch (method) {
      case 'app.state':
        return ok(this.state());
      case 'case.info':
        return this.current ? ok(this.current) : err('NO_CASE', 'no case is open');
      case 'case.open':
        return this.openCase((p as { path: string }).path);
      case 'case.create':
        return this.createCase((p as { path: string }).path);
      case 'events.page': {
        if (!this.db) return err('NO_CASE', 'no case is open');
        return this.db.request({ type: 'page', query: p as never });
      }
      case 'ingest.start': {
        const started = this.startIngest(p as IngestParams);
        return started.ok ? ok({ jobId: started.value.jobId }) : started;
      }
      case 'job.cancel':
        return ok({ cancelled: this.cancel((p as { jobId: string }).jobId) });
      case 'scenario.inject': {
        const q = p as {
          datasetId: number;
          scenario: string;
          entity?: string;
          intensity?: number;
          durationMinutes?: number;
          start?: number;
          factor?: number;
          seed?: number;
        };
        return this.inject(q.datasetId, q.scenario, {
          entity: q.entity,
          intensity: q.intensity,
          durationMs: q.durationMinutes === undefined ? undefined : Math.round(q.durationMinutes * 60_000),
          start: q.start,
          factor: q.factor,
          seed: q.seed,
        });
      }
      case 'scenario.remove':
        return this.removeInjection((p as { injectionId: number }).injectionId);
      case 'scenario.list':
        return this.db ? this.db.request({ type: 'injections' }) : err('NO_CASE', 'no case is open');
      case 'model.train': {
        const q = p as {
          datasetId: number;
          model: 'gbdt' | 'iforest' | 'hbos';
          label?: string;
          trees?: number;
          maxDepth?: number;
          eta?: number;
          seed?: number;
          alertsPerDay?: number;
        };
        const params = JSON.parse(
          JSON.stringify({ trees: q.trees, maxDepth: q.maxDepth, eta: q.eta, seed: q.seed }),
        ) as Record<string, number>;
        const started = this.startTrain({
          datasetId: q.datasetId,
          model: q.model,
          label: q.label,
          params,
          policy: q.alertsPerDay ? { kind: 'budget', perDay: q.alertsPerDay } : { kind: 'best_f1' },
        });
        return started.ok ? ok({ jobId: started.value.jobId }) : started;
      }
      case 'model.score': {
        const q = p as {
          datasetId: number;
          modelId?: number;
          path?: string;
          uploadId?: string;
          fileName?: string;
        };
        let req: ScoreRequest = { datasetId: q.datasetId, modelId: q.modelId };
        if (q.path !== undefined || q.uploadId !== undefined) {
          const src = this.resolveSource({ path: q.path, uploadId: q.uploadId });
          if (!src.ok) return src;
          req = {
            datasetId: q.datasetId,
            modelFile: src.value.path,
            modelName: q.fileName ?? src.value.fileName,
          };
        }
        const started = this.startScore(req);
        if (started.ok && q.uploadId) {
          const id = q.uploadId;
          void started.value.done.finally(() => this.options.releaseUpload?.(id));
        }
        return started.ok ? ok({ jobId: started.value.jobId }) : started;
      }
      case 'scores.refresh': {
        const q = p as { datasetId: number; modelIds?: number[]; train?: boolean };
        const started = this.startRefresh(q.datasetId, q);
        return started.ok ? ok({ jobId: started.value.jobId }) : started;
      }
      case 'model.list':
        return this.db ? this.db.request({ type: 'models' }) : err('NO_CASE', 'no case is open');
      case 'scenario.catalog':
        return ok(scenarioCatalog());
      case 'feed.page':
        return this.db
          ? this.db.request({ type: 'feed', query: p as FeedQuery })
          : err('NO_CASE', 'no case is open');
      case 'feed.distribution': {
        if (!this.db) return err('NO_CASE', 'no case is open');
        const q = p as { datasetId: number; modelId?: number };
        return this.db.request({ type: 'distribution', datasetId: q.datasetId, modelId: q.modelId });
      }
      case 'feed.explain': {
        const q = p as { datasetId: number; eventId: number };
        return this.explainEvent(q.datasetId, q.eventId);
      }
      case 'feed.verdict': {
        if (!this.db) return err('NO_CASE', 'no case is open');
        const q = p as { datasetId: number; eventId: number; verdict: Verdict | null };
        const r = await this.db.request({ type: 'eventVerdict', ...q });
        return r.ok ? ok({ verdict: r.value }) : r;
      }
      case 'rules.run': {
        const started = this.startRules((p as { datasetId: number }).datasetId);
        return started.ok ? ok({ jobId: started.value.jobId }) : started;
      }
      case 'alerts.list':
        return this.listAlerts((p as { datasetId?: number }).datasetId, (p as { limit?: number }).limit);
      case 'incidents.list':
        return this.listIncidents((p as { datasetId?: number }).datasetId);
      case 'alert.verdict': {
        const q = p as { alertId: number; verdict: 'confirmed' | 'false_positive' };
        return this.verdict(q.alertId, q.verdict);
      }
      case 'rules.confidence':
        return this.ruleConfidence();
      case 'stream.start': {
        const q = p as { speed?: number; keys?: number; seed?: number };
        const started = this.startStream(q);
        return started.ok ? ok({ jobId: started.value.jobId }) : started;
      }
      case 'stream.attack': {
        const q = p as { jobId: string; scenario: LiveAttack };
        return this.streamAttack(q.jobId, q.scenario);
      }
      case 'rule.review': {
        const rule = (p as { rule: string }).rule;
        if (!(RULE_NAMES as readonly string[]).includes(rule))
          return err('BAD_REQUEST', `no rule "${rule}" (rules: ${RULE_NAMES.join(', ')})`);
        return this.reviewRule(rule as RuleName);
      }
      case 'features.build': {
        const { datasetId, force } = p as { datasetId: number; force?: boolean };
        const started = this.startFeatures(datasetId, force ?? false);
        return started.ok ? ok({ jobId: started.value.jobId }) : started;
      }
    }
    return err('BAD_REQUEST', `unhandled method ${method}`);
  }

  state(): AppState {
    return {
      shell: this.options.shell === 'electron' ? 'electron' : 'serve',
      case: this.current,
      jobs: [...this.jobs.values()].map((j) => this.snapshot(j)),
    };
  }

  private client(): DbClient {
    this.db ??= new DbClient((p) => this.onDbProgress(p));
    return this.db;
  }

  async openCase(file: string): Promise<Result<CaseInfo>> {
    return this.open(path.resolve(file), false);
  }

  async createCase(file: string): Promise<Result<CaseInfo>> {
    return this.open(path.resolve(file), true);
  }

  private async open(file: string, create: boolean): Promise<Result<CaseInfo>> {
    if (this.caseJobs() || this.switching)
      return err('BUSY', 'wait for the running jobs to finish (or cancel them) before switching cases');
    this.switching = true;
    try {
      return await this.openWhileBusy(file, create);
    } finally {
      this.switching = false;
    }
  }

  /** Opens a case whatever jobs run: only for a job that is itself switching the case. */
  private async openWhileBusy(file: string, create = false): Promise<Result<CaseInfo>> {
    const r = await this.client().request({ type: 'open', path: file, create });
    if (r.ok) {
      this.current = r.value;
      this.emit('case.changed', r.value);
      this.warmParser();
    }
    return r;
  }

  private async refreshCase(): Promise<void> {
    if (!this.db) return;
    const r = await this.db.request({ type: 'info' });
    if (r.ok) {
      this.current = r.value;
      this.emit('case.changed', r.value);
    }
  }

  // ---- jobs --------------------------------------------------------------------------

  private newJob(kind: JobKind, label: string): [string, Job] {
    const jobId = randomUUID().replace(/-/g, '').slice(0, 16);
    const job: Job = {
      progress: {
        jobId,
        kind,
        label,
        phase: 'starting',
        rows: 0,
        bytes: 0,
        totalBytes: null,
        rowsPerSecond: 0,
        elapsedMs: 0,
      },
      started: performance.now(),
      cancel: new Int32Array(new SharedArrayBuffer(4)),
      workers: new Set(),
      baseRows: 0,
      baseBytes: 0,
      done: Promise.resolve(),
    };
    this.jobs.set(jobId, job);
    this.ticker ??= setInterval(() => this.tick(), PROGRESS_EVERY_MS);
    this.ticker.unref?.();
    return [jobId, job];
  }

  private snapshot(job: Job): JobProgress {
    const elapsedMs = performance.now() - job.started;
    return {
      ...job.progress,
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? (job.progress.rows / elapsedMs) * 1000 : 0,
    };
  }

  private tick(): void {
    for (const job of this.jobs.values()) this.emit('job.progress', this.snapshot(job));
  }

  private onDbProgress(p: DbProgress): void {
    const job = this.jobs.get(p.jobId);
    if (!job) return;
    job.progress.rows = job.baseRows + p.rows;
    job.progress.bytes = job.baseBytes + p.bytes;
    if (!job.cancel[0]) job.progress.phase = p.phase; // 'cancelling' stays until the job ends
  }

  private endJob(jobId: string, finished: JobFinished): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    for (const w of job.workers) void w.terminate();
    this.jobs.delete(jobId);
    if (!this.jobs.size && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
    if (!this.jobs.size) this.warmParser();
    this.emit('job.finished', finished);
  }

  /** Jobs that read or write the case (a live stream does neither). */
  private caseJobs(): number {
    let n = 0;
    for (const j of this.jobs.values()) if (j.progress.kind !== 'stream') n++;
    return n;
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job) return false;
    requestCancel(job.cancel);
    job.progress.phase = 'cancelling';
    return true;
  }

  // ---- ingest ------------------------------------------------------------------------

  private spareParser: Worker | null = null;

  /** A started parse worker: the spare if there is one (a new spare starts when the job ends). */
  private takeParser(): Worker {
    const w = this.spareParser ?? spawnWorker('parse-worker');
    this.spareParser = null;
    return w;
  }

  private warmParser(): void {
    if (this.spareParser || !this.db || this.closed) return;
    const w = spawnWorker('parse-worker');
    w.unref();
    w.on('error', () => {
      if (this.spareParser === w) this.spareParser = null;
    });
    this.spareParser = w;
  }

  private resolveSource(p: { path?: string; uploadId?: string }): Result<{ path: string; fileName: string }> {
    if (p.uploadId) {
      const up = this.options.resolveUpload?.(p.uploadId);
      return up ? ok(up) : err('BAD_REQUEST', 'that upload is unknown or has expired');
    }
    const file = path.resolve(p.path!);
    return ok({ path: file, fileName: path.basename(file) });
  }

  startIngest(p: IngestParams): Result<{ jobId: string; done: Promise<Result<IngestResult>> }> {
    if (this.switching) return err('BUSY', 'a case is being opened: import again when it is');
    if (!this.db || !this.current) return err('NO_CASE', 'open or create a case before importing data');
    const src = this.resolveSource(p);
    if (!src.ok) return src;
    const { path: file, fileName } = src.value;
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return err('IO', 'not a regular file', { file: fileName });
      size = st.size;
    } catch (e) {
      return err(
        'IO',
        `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        { file: fileName },
      );
    }
    const format = p.format ?? detectFormat(file);
    let append: IngestFile['append'];
    if (p.appendTo !== undefined) {
      const target = this.current.datasets.find((d) => d.id === p.appendTo);
      if (!target) return err('BAD_REQUEST', `no dataset with id ${p.appendTo} in this case`);
      append = { datasetId: target.id, columns: target.columns, timeColumn: target.timeColumn };
    }
    const name = p.name ?? fileName.replace(/\.(csv|tsv|tab|jsonl|ndjson|json|txt)$/i, '');
    const [jobId, job] = this.newJob('ingest', append ? `Adding ${fileName}` : `Importing ${fileName}`);
    job.progress.totalBytes = size;
    const done = this.ingestFile(jobId, job, {
      file,
      fileName,
      format,
      name,
      timeColumn: p.timeColumn,
      roles: p.roles,
      append,
    }).then(async (r) => {
      if (p.uploadId) this.options.releaseUpload?.(p.uploadId);
      if (r.ok) await this.refreshCase();
      this.endJob(
        jobId,
        r.ok
          ? { jobId, kind: 'ingest', label: job.progress.label, ok: true, result: r.value }
          : { jobId, kind: 'ingest', label: job.progress.label, ok: false, error: r.error },
      );
      return r;
    });
    job.done = done;
    return ok({ jobId, done });
  }

  /** One file through a parse worker into the DB worker. */
  private async ingestFile(jobId: string, job: Job, f: IngestFile): Promise<Result<IngestResult>> {
    const { port1, port2 } = new MessageChannel();
    const parser = this.takeParser();
    const task: ParseTask = {
      path: f.file,
      file: f.fileName,
      format: f.format,
      timeColumn: f.timeColumn,
      roles: f.roles,
      append: f.append && { columns: f.append.columns, timeColumn: f.append.timeColumn },
      cancel: job.cancel.buffer as SharedArrayBuffer,
      port: port1,
    };
    parser.postMessage(task, [port1]);
    job.workers.add(parser);
    let crashed: AppError | null = null;
    parser.on(
      'error',
      (e) => (crashed = { code: 'INTERNAL', message: `the parser failed: ${e.message}`, file: f.fileName }),
    );
    const r = await this.db!.request(
      {
        type: 'ingest',
        jobId,
        port: port2,
        name: f.name,
        sourceFile: f.fileName,
        appendTo: f.append?.datasetId,
        cancel: job.cancel.buffer as SharedArrayBuffer,
      },
      [port2],
    );
    job.workers.delete(parser);
    void parser.terminate();
    if (!r.ok) return { ok: false, error: crashed ?? r.error };
    return ok({
      dataset: r.value.dataset,
      rows: r.value.rows,
      bytes: r.value.bytes,
      seconds: r.value.seconds,
    });
  }

  // ---- features ----------------------------------------------------------------------

  /** Builds (or brings up to date) the point-in-time features of a dataset. */
  startFeatures(
    datasetId: number,
    force = false,
    configPath?: string,
  ): Result<{ jobId: string; done: Promise<Result<FeaturesResult>> }> {
    const ds = this.openDataset(datasetId);
    if (!ds.ok) return ds;
    const casePath = this.current!.path;
    return this.startJob('features', `Building features for ${ds.value.name}`, (job, jobId) =>
      this.buildFeaturesIn(job, jobId, casePath, datasetId, force, configPath),
    );
  }

  /** The work of a feature build, inside a job (its own, or a bigger one such as the demo). */
  private async buildFeaturesIn(
    job: Job,
    jobId: string,
    casePath: string,
    datasetId: number,
    force: boolean,
    configPath?: string,
  ): Promise<Result<FeaturesResult>> {
    const started = performance.now();
    const outcome = await this.runCompute<BuildOutcome>(job, {
      type: 'features',
      casePath,
      datasetId,
      force,
      configPath,
    });
    if (!outcome.ok) return outcome;
    const o = outcome.value;
    const written = o.mode === 'current' ? 0 : o.write.ids.length; // before the arrays move to the DB worker
    if (o.mode !== 'current') {
      job.progress.phase = 'writing';
      const r = await this.db!.request(
        { type: 'features', jobId, write: o.write, cancel: job.cancel.buffer as SharedArrayBuffer },
        [o.write.ids.buffer as ArrayBuffer, ...o.write.values.map((v) => v.buffer as ArrayBuffer)],
      );
      if (!r.ok) return r;
    }
    return ok({
      datasetId,
      features: o.mode === 'current' ? o.names : o.write.names,
      rows: o.mode === 'current' ? o.rows : o.write.totalRows,
      written,
      mode: o.mode,
      reason: o.mode === 'current' ? 'every event already has its features' : o.reason,
      seconds: (performance.now() - started) / 1000,
    });
  }

  /** Runs one task in a compute worker, its progress feeding the job. */
  private runCompute<T>(job: Job, task: ComputeTask): Promise<Result<T>> {
    return new Promise<Result<T>>((resolve) => {
      const w = spawnWorker('compute-worker', { workerData: { task, cancel: job.cancel.buffer } });
      job.workers.add(w);
      w.on('message', (m: { type: string; phase?: string; rows?: number; outcome?: T; error?: AppError }) => {
        if (m.type === 'progress') {
          if (!job.cancel[0]) job.progress.phase = m.phase!;
          job.progress.rows = m.rows!;
        } else if (m.type === 'done') resolve(ok(m.outcome!));
        else if (m.type === 'error') resolve({ ok: false, error: m.error! });
      });
      w.on('error', (e) => resolve(err('INTERNAL', `the compute worker failed: ${e.message}`)));
      w.on('exit', () => resolve(err('CANCELLED', `${task.type} stopped`)));
    });
  }

  /** Starts a job whose work is `run`; the job ends with its result. */
  private startJob<T extends FeaturesResult | TrainResult | ScoreResult | RefreshResult | RulesResult>(
    kind: JobKind,
    label: string,
    run: (job: Job, jobId: string) => Promise<Result<T>>,
  ): Result<{ jobId: string; done: Promise<Result<T>> }> {
    const [jobId, job] = this.newJob(kind, label);
    const done = run(job, jobId)
      .catch((e: unknown): Result<T> => err('INTERNAL', (e as Error).message))
      .then((r) => {
        this.endJob(
          jobId,
          r.ok
            ? { jobId, kind, label, ok: true, result: r.value }
            : { jobId, kind, label, ok: false, error: r.error },
        );
        return r;
      });
    job.done = done;
    return ok({ jobId, done });
  }

  private openDataset(datasetId: number): Result<DatasetInfo> {
    if (this.switching) return err('BUSY', 'a case is being opened: try again when it is');
    if (!this.db || !this.current) return err('NO_CASE', 'open a case first');
    const ds = this.current.datasets.find((d) => d.id === datasetId);
    return ds ? ok(ds) : err('BAD_REQUEST', `no dataset with id ${datasetId} in this case`);
  }

  // ---- models ------------------------------------------------------------------------

  /** Trains a model on a dataset's features (a compute worker) and keeps it in the case. */
  startTrain(
    req: TrainRequest & { out?: string },
  ): Result<{ jobId: string; done: Promise<Result<TrainResult>> }> {
    const ds = this.openDataset(req.datasetId);
    if (!ds.ok) return ds;
    const casePath = this.current!.path;
    return this.startJob('train', `Training ${req.model} on ${ds.value.name}`, (job) =>
      this.trainIn(job, casePath, req),
    );
  }

  /** The work of a training, inside a job (its own, or a bigger one such as a refresh). */
  private async trainIn(
    job: Job,
    casePath: string,
    req: TrainRequest & { out?: string },
  ): Promise<Result<TrainResult>> {
    const started = performance.now();
    const trained = await this.runCompute<TrainedModel>(job, { type: 'train', casePath, ...req });
    if (!trained.ok) return trained;
    const t = trained.value;
    if (job.cancel[0]) return err('CANCELLED', 'training cancelled');
    if (req.out) {
      // the files first: if they cannot be written, nothing is kept in the case either
      const written = writeModelFiles(req.out, t);
      if (!written.ok) return written;
    }
    job.progress.phase = 'saving';
    const saved = await this.db!.request({
      type: 'saveModel',
      model: {
        name: t.name,
        kind: t.kind,
        datasetId: req.datasetId,
        featureNames: t.metadata.featureNames,
        metadata: t.metadata,
        threshold: t.metadata.threshold,
        body: t.body,
      },
    });
    if (!saved.ok) return saved;
    return ok({
      model: saved.value,
      seconds: (performance.now() - started) / 1000,
      validation: t.metadata.metrics.validation,
      test: t.metadata.metrics.test,
    });
  }

  /** Scores a dataset's events with a stored model (or an ONNX file, then kept in the case). */
  startScore(req: ScoreRequest): Result<{ jobId: string; done: Promise<Result<ScoreResult>> }> {
    const ds = this.openDataset(req.datasetId);
    if (!ds.ok) return ds;
    const casePath = this.current!.path;
    return this.startJob('score', `Scoring ${ds.value.name}`, (job) => this.scoreIn(job, casePath, req));
  }

  /**
   * Brings a dataset's scores up to date in one job (one progress, one Cancel): its features
   * (only new events when it can), then each model in `modelIds` scores again; or, `train`, a
   * model is trained first (trees when the dataset has labels, else an Isolation Forest) and
   * scores (`modelIds` then unused). Stops at the first failure; what earlier steps wrote stays.
   */
  startRefresh(
    datasetId: number,
    { modelIds = [], train = false }: { modelIds?: number[]; train?: boolean } = {},
  ): Result<{ jobId: string; done: Promise<Result<RefreshResult>> }> {
    const ds = this.openDataset(datasetId);
    if (!ds.ok) return ds;
    const casePath = this.current!.path;
    const name = ds.value.name;
    const title = !train
      ? `Updating the scores of ${name}`
      : `Building features, training and scoring ${name}`;
    return this.startJob('refresh', title, async (job, jobId) => {
      const started = performance.now();
      const steps = 1 + (train ? 2 : modelIds.length);
      let step = 0;
      const next = (what: string) => {
        job.progress.label = `${title} · ${++step}/${steps}: ${what}`;
        job.progress.phase = 'starting';
      };
      next('features');
      const built = await this.buildFeaturesIn(job, jobId, casePath, datasetId, false);
      if (!built.ok) return built;
      let trained: TrainResult | null = null;
      let models = modelIds;
      if (train) {
        if (job.cancel[0]) return err('CANCELLED', 'cancelled');
        next('training trees');
        const trainOne = (model: 'gbdt' | 'iforest') =>
          this.trainIn(job, casePath, { datasetId, model, params: {}, policy: { kind: 'best_f1' } });
        let t = await trainOne('gbdt');
        if (!t.ok && t.error.code === 'BAD_REQUEST' && /label/i.test(t.error.message)) {
          job.progress.label = `${title} · ${step}/${steps}: no labels, training an Isolation Forest`;
          t = await trainOne('iforest');
        }
        if (!t.ok) return t;
        trained = t.value;
        models = [t.value.model.id];
      }
      const listed = await this.db!.request({ type: 'models' });
      const nameOf = (id: number) =>
        (listed.ok ? listed.value.find((m) => m.id === id)?.name : undefined) ?? `model ${id}`;
      const scored: ScoreResult[] = [];
      for (const modelId of models) {
        if (job.cancel[0]) return err('CANCELLED', 'cancelled');
        next(`scoring with ${nameOf(modelId)}`);
        const s = await this.scoreIn(job, casePath, { datasetId, modelId });
        if (!s.ok) return s;
        scored.push(s.value);
      }
      return ok({
        datasetId,
        built: built.value,
        trained,
        scored,
        seconds: (performance.now() - started) / 1000,
      });
    });
  }

  private async scoreIn(job: Job, casePath: string, req: ScoreRequest): Promise<Result<ScoreResult>> {
    const started = performance.now();
    const scored = await this.runCompute<{
      model: StoredModel;
      ids: Float64Array;
      features: FeatureInput;
      scores: Float64Array | null;
    }>(job, {
      type: 'score',
      casePath,
      ...req,
    });
    if (!scored.ok) return scored;
    const { model, ids } = scored.value;
    let scores = scored.value.scores;
    if (!scores) {
      const viaOnnx = await scoreOnnx(model.body, model.name, scored.value.features);
      if (!viaOnnx.ok) return viaOnnx;
      const named = viaOnnx.value.featureNames;
      if (named && named.join() !== model.featureNames.join()) {
        return err('BAD_REQUEST', `model "${model.name}": its metadata and its feature list disagree`);
      }
      scores = viaOnnx.value.scores;
    }
    const result = outcome(ids, scores, model.threshold);
    job.progress.phase = 'saving';
    const rows = result.ids.length;
    const stored = await this.db!.request(
      {
        type: 'saveScores',
        model:
          model.id ??
          ({
            name: model.name,
            kind: model.kind,
            datasetId: null,
            featureNames: model.featureNames,
            metadata: model.metadata,
            threshold: model.threshold,
            body: model.body,
          } as const),
        datasetId: req.datasetId,
        ids: result.ids,
        scores: result.scores,
        cancel: job.cancel.buffer as SharedArrayBuffer,
      },
      [result.ids.buffer as ArrayBuffer, result.scores.buffer as ArrayBuffer],
    );
    if (!stored.ok) return stored;
    const modelId = stored.value;
    return ok({
      modelId,
      datasetId: req.datasetId,
      rows,
      anomalies: result.anomalies,
      threshold: result.threshold,
      seconds: (performance.now() - started) / 1000,
    });
  }

  // ---- the anomaly feed --------------------------------------------------------------

  /** Why an event ranks where it does: its features re-scored at typical values (feed/explain.ts). */
  async explainEvent(datasetId: number, eventId: number): Promise<Result<Explanation>> {
    if (!this.db) return err('NO_CASE', 'no case is open');
    const input = await this.db.request({ type: 'explainInput', datasetId, eventId });
    if (!input.ok) return input;
    try {
      const config = {
        specs: loadFeatureConfig().features,
        scenarios: loadScenarioConfig() as Map<string, ScenarioSpec>,
        unmatched: loadUnmatchedRule(),
      };
      return ok(await explain(input.value, scoreStored, config));
    } catch (e) {
      return { ok: false, error: toAppError(e) };
    }
  }

  // ---- rules -------------------------------------------------------------------------

  /** Runs the rule engine over a dataset (a compute worker); its alerts, incidents and baselines replace the last run's. */
  startRules(
    datasetId: number,
    configPath?: string,
  ): Result<{ jobId: string; done: Promise<Result<RulesResult>> }> {
    const ds = this.openDataset(datasetId);
    if (!ds.ok) return ds;
    const casePath = this.current!.path;
    return this.startJob('rules', `Running the rules over ${ds.value.name}`, (job, jobId) =>
      this.rulesIn(job, jobId, casePath, datasetId, configPath),
    );
  }

  private async rulesIn(
    job: Job,
    jobId: string,
    casePath: string,
    datasetId: number,
    configPath?: string,
  ): Promise<Result<RulesResult>> {
    const started = performance.now();
    const run = await this.runCompute<RulesRun>(job, { type: 'rules', casePath, datasetId, configPath });
    if (!run.ok) return run;
    if (job.cancel[0]) return err('CANCELLED', 'rules run cancelled');
    job.progress.phase = 'saving';
    const r = run.value;
    const saved = await this.db!.request({
      type: 'saveRules',
      jobId,
      run: r,
      cancel: job.cancel.buffer as SharedArrayBuffer,
    });
    if (!saved.ok) return saved;
    const byRule: Record<string, number> = {};
    for (const a of r.alerts) byRule[a.rule] = (byRule[a.rule] ?? 0) + 1;
    return ok({
      datasetId,
      events: r.events,
      alerts: r.alerts.length,
      incidents: r.incidents.length,
      byRule,
      resumed: r.resumed,
      seconds: (performance.now() - started) / 1000,
    });
  }

  async listAlerts(datasetId?: number, limit?: number): Promise<Result<StoredAlert[]>> {
    if (!this.db || !this.current) return err('NO_CASE', 'open a case first');
    return this.db.request({ type: 'alerts', datasetId, limit });
  }

  async listIncidents(datasetId?: number): Promise<Result<IncidentInfo[]>> {
    if (!this.db || !this.current) return err('NO_CASE', 'open a case first');
    return this.db.request({ type: 'incidents', datasetId });
  }

  /** The analyst's verdict on an alert: moves its rule's confidence (kept in the case). */
  async verdict(
    alertId: number,
    verdict: 'confirmed' | 'false_positive',
    configPath?: string,
  ): Promise<Result<VerdictResult>> {
    if (!this.db || !this.current) return err('NO_CASE', 'open a case first');
    return this.db.request({ type: 'verdict', alertId, verdict, configPath });
  }

  async ruleConfidence(configPath?: string): Promise<Result<RuleConfidenceInfo[]>> {
    if (!this.db || !this.current) return err('NO_CASE', 'open a case first');
    return this.db.request({ type: 'ruleConfidence', configPath });
  }

  /** A rule disabled by false positives has been reviewed: it runs again. */
  async reviewRule(rule: RuleName, configPath?: string): Promise<Result<RuleConfidenceInfo>> {
    if (!this.db || !this.current) return err('NO_CASE', 'open a case first');
    return this.db.request({ type: 'reviewRule', rule, configPath });
  }

  // ---- live stream -------------------------------------------------------------------

  private readonly streams = new Map<
    string,
    { worker: Worker; pending: Map<number, (r: Result<LaunchedAttack>) => void> }
  >();
  private attackSeq = 0;

  /**
   * Starts a live stream: simulated API and login traffic played through the rules in a worker,
   * `speed` simulated seconds per second. Alerts arrive as `stream.alert`, figures as `stream.tick`;
   * Cancel stops it. It does not touch the case.
   */
  startStream(p: {
    speed?: number;
    keys?: number;
    seed?: number;
  }): Result<{ jobId: string; done: Promise<Result<{ events: number; alerts: number; seconds: number }>> }> {
    if ([...this.jobs.values()].some((j) => j.progress.kind === 'stream'))
      return err('BUSY', 'a live stream is already running: stop it first');
    const speed = p.speed ?? 60;
    const keys = p.keys ?? 40;
    const [jobId, job] = this.newJob('stream', `Live stream (×${speed})`);
    job.progress.phase = 'learning baselines';
    const worker = spawnWorker('live-worker');
    job.workers.add(worker);
    const pending = new Map<number, (r: Result<LaunchedAttack>) => void>();
    this.streams.set(jobId, { worker, pending });
    let events = 0;
    let alerts = 0;
    const done = new Promise<Result<{ events: number; alerts: number; seconds: number }>>((resolve) => {
      const finish = (r: Result<{ events: number; alerts: number; seconds: number }>) => {
        this.streams.delete(jobId);
        for (const reply of pending.values()) reply(err('CANCELLED', 'the live stream stopped'));
        this.endJob(
          jobId,
          r.ok
            ? { jobId, kind: 'stream', label: job.progress.label, ok: true, result: r.value }
            : { jobId, kind: 'stream', label: job.progress.label, ok: false, error: r.error },
        );
        resolve(r);
      };
      worker.on('message', (m: LiveReply) => {
        switch (m.type) {
          case 'ready':
            job.progress.phase = `live: learned from ${m.learned.toLocaleString('en-US')} events`;
            return;
          case 'alerts':
            alerts += m.alerts.length;
            for (const alert of m.alerts) this.emit('stream.alert', { jobId, alert });
            return;
          case 'tick':
            events = m.events;
            job.progress.rows = m.events;
            job.progress.phase = `live · ${new Date(m.simTime).toISOString().slice(11, 16)} simulated`;
            this.emit('stream.tick', { jobId, speed, ...m });
            return;
          case 'attacked':
            pending.get(m.seq)?.(ok(m.result));
            pending.delete(m.seq);
            return;
          case 'attackFailed':
            pending.get(m.seq)?.({ ok: false, error: m.error });
            pending.delete(m.seq);
            return;
          case 'done': {
            const seconds = (performance.now() - job.started) / 1000;
            finish(
              m.reason === 'cancelled'
                ? err('CANCELLED', 'live stream stopped')
                : ok({ events, alerts, seconds }),
            );
            return;
          }
          case 'error':
            finish({ ok: false, error: m.error });
        }
      });
      worker.on('error', (e) => finish(err('INTERNAL', `the live-stream worker failed: ${e.message}`)));
    });
    job.done = done;
    worker.postMessage({
      type: 'start',
      options: { keys, seed: p.seed ?? 7, days: 14, events: keys * 7_000 },
      speed,
      cancel: job.cancel.buffer as SharedArrayBuffer,
    } satisfies LiveRequest);
    return ok({ jobId, done });
  }

  /** Launches an attack into a running live stream. */
  streamAttack(jobId: string, scenario: LiveAttack): Promise<Result<LaunchedAttack>> {
    const s = this.streams.get(jobId);
    if (!s) return Promise.resolve(err('BAD_REQUEST', 'no live stream with that id is running'));
    const seq = ++this.attackSeq;
    return new Promise((resolve) => {
      s.pending.set(seq, resolve);
      s.worker.postMessage({ type: 'attack', seq, scenario } satisfies LiveRequest);
    });
  }

  // ---- scenarios ---------------------------------------------------------------------

  /** Injects an attack scenario into a dataset (its events are labelled with the scenario). */
  async inject(datasetId: number, scenario: string, params: InjectParams): Promise<Result<InjectionInfo>> {
    if (this.switching) return err('BUSY', 'a case is being opened: try again when it is');
    if (this.caseJobs())
      return err('BUSY', 'wait for the running jobs to finish: an injection changes the events they read');
    if (!this.db || !this.current) return err('NO_CASE', 'open a case first');
    const r = await this.db.request({ type: 'inject', datasetId, scenario, params });
    if (r.ok) await this.refreshCase();
    return r;
  }

  async removeInjection(injectionId: number): Promise<Result<{ datasetId: number; removed: number }>> {
    if (!this.db || !this.current) return err('NO_CASE', 'open a case first');
    if (this.caseJobs())
      return err('BUSY', 'wait for the running jobs to finish: a removal changes the events they read');
    const r = await this.db.request({ type: 'uninject', injectionId });
    if (r.ok) await this.refreshCase();
    return r;
  }

  // ---- demo --------------------------------------------------------------------------

  /** Creates the demo case at `file` in worker threads and opens it. */
  /**
   * The demo case at `file`: missing; current; stale (a demo built by an older recipe, which the
   * shells set aside and build again); or other (not a demo: someone's case, left alone).
   */
  demoStatus(file: string): 'missing' | 'current' | 'stale' | 'other' {
    if (!existsSync(file)) return 'missing';
    try {
      const db = openCaseDb(file, { readonly: true });
      try {
        const v = db.prepare('SELECT value FROM case_meta WHERE key = ?').pluck().get(DEMO_RECIPE_KEY);
        if (v !== undefined) return v === String(DEMO_RECIPE) ? 'current' : 'stale';
        // Demos from before the recipe was recorded: the demo's four datasets and nothing else.
        const names = (db.prepare('SELECT name FROM datasets ORDER BY id').pluck().all() as string[]).join();
        return names === DEMO_DATASETS.join() ? 'stale' : 'other';
      } finally {
        closeCaseDb(db);
      }
    } catch {
      return 'other'; // not a case we can read: opening it says why
    }
  }

  /** Moves an out-of-date demo case aside (nothing is deleted); returns where it went. */
  retireDemo(file: string): string {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
    const to = `${file.replace(/\.sentinel$/, '')}-${stamp}.old.sentinel`;
    renameSync(file, to);
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(file + suffix)) renameSync(file + suffix, to + suffix);
    return to;
  }

  async createDemo(
    file: string,
  ): Promise<{ jobId: string; done: Promise<Result<CaseInfo>> } | { error: AppError }> {
    // Built under a temporary name and renamed when complete, so an interrupted build never
    // leaves a half-made demo case behind to be opened next time.
    if (this.caseJobs())
      return { error: { code: 'BUSY', message: 'wait for the running jobs to finish first' } };
    const final = path.resolve(file);
    if (existsSync(final))
      return { error: { code: 'IO', message: 'a file already exists there', file: final } };
    const partial = `${final}.partial`;
    removeCaseFiles(partial);
    const created = await this.client().request({ type: 'open', path: partial, create: true });
    if (!created.ok) return { error: created.error };
    if (this.current) {
      this.current = null;
      this.emit('case.changed', null);
    }
    const [jobId, job] = this.newJob('demo', 'Building the demo case');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-demo-'));
    const label = job.progress.label;
    const done = (async (): Promise<Result<CaseInfo>> => {
      try {
        job.progress.phase = 'generating';
        const files = await new Promise<DemoFile[]>((resolve, reject) => {
          const w = spawnWorker('demo-worker', { workerData: { dir } });
          job.workers.add(w);
          w.on('message', (m: { type: string; name?: string; files?: DemoFile[]; error?: AppError }) => {
            if (m.type === 'file') job.progress.phase = `generating ${m.name}`;
            if (m.type === 'done') resolve(m.files!);
            if (m.type === 'error') reject(m.error);
          });
          w.on('error', reject);
        });
        const ids = new Map<string, number>();
        for (const f of files) {
          if (job.cancel[0]) return err('CANCELLED', 'demo cancelled');
          const r = await this.ingestFile(jobId, job, {
            file: f.file,
            fileName: path.basename(f.file),
            format: f.format,
            name: f.name,
          });
          if (!r.ok) return r;
          ids.set(f.name, r.value.dataset.id);
          job.baseRows += r.value.rows;
          job.baseBytes += r.value.bytes;
        }
        const prepared = await this.prepareDemo(job, jobId, partial, ids);
        if (!prepared.ok) return prepared;
        job.progress.phase = 'finishing';
        await this.db!.request({ type: 'close' });
        for (const suffix of ['', '-wal', '-shm']) {
          if (existsSync(partial + suffix)) renameSync(partial + suffix, final + suffix);
        }
        return this.openWhileBusy(final);
      } catch (e) {
        return {
          ok: false,
          error: (e as AppError).code ? (e as AppError) : { code: 'INTERNAL', message: String(e) },
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })().then(async (r) => {
      if (!r.ok) await this.discardCase(partial);
      this.endJob(
        jobId,
        r.ok
          ? { jobId, kind: 'demo', label, ok: true, result: { datasets: r.value.datasets.length } }
          : { jobId, kind: 'demo', label, ok: false, error: r.error },
      );
      return r;
    });
    job.done = done;
    return { jobId, done };
  }

  /** The demo's attacks, features and scores (with the bundled default model, when there is one). */
  private async prepareDemo(
    job: Job,
    jobId: string,
    casePath: string,
    ids: Map<string, number>,
  ): Promise<Result<null>> {
    job.progress.phase = 'injecting attacks';
    let salt = 0;
    for (const { dataset, scenario, count } of DEMO_INJECTIONS) {
      for (let k = 0; k < count; k++) {
        if (job.cancel[0]) return err('CANCELLED', 'demo cancelled');
        salt++;
        const r = await this.db!.request({
          type: 'inject',
          datasetId: ids.get(dataset)!,
          scenario,
          params: { start: demoInjectionStart(k, count, salt), seed: 1000 + salt },
        });
        if (!r.ok) return r;
      }
    }
    for (const [name, datasetId] of ids) {
      job.progress.phase = `building features for ${name}`;
      const f = await this.buildFeaturesIn(job, jobId, casePath, datasetId, false);
      if (!f.ok) return f;
    }
    const model = path.join(projectRoot(), 'models', 'default.onnx');
    if (existsSync(model)) {
      job.progress.phase = 'scoring with the default model';
      const s = await this.scoreIn(job, casePath, {
        datasetId: ids.get('card_transactions')!,
        modelFile: model,
      });
      if (!s.ok) return s;
    }
    // The rule engine watches the login and API-gateway logs.
    for (const name of ['logins', 'api_gateway']) {
      const datasetId = ids.get(name);
      if (datasetId === undefined) continue;
      job.progress.phase = `running the rules over ${name}`;
      const r = await this.rulesIn(job, jobId, casePath, datasetId);
      if (!r.ok) return r;
    }
    const stamped = await this.db!.request({
      type: 'setMeta',
      key: DEMO_RECIPE_KEY,
      value: String(DEMO_RECIPE),
    });
    if (!stamped.ok) return stamped;
    return ok(null);
  }

  /** Closes and deletes a case this host created (a demo that did not finish). */
  private async discardCase(file: string): Promise<void> {
    await this.db?.request({ type: 'close' });
    removeCaseFiles(file);
    this.current = null;
    this.emit('case.changed', null);
  }

  /** Cancels running jobs, waits for them to end (each rolls back), then stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.jobs.values()];
    for (const job of running) this.cancel(job.progress.jobId);
    await Promise.allSettled(running.map((j) => j.done));
    if (this.ticker) clearInterval(this.ticker);
    await this.spareParser?.terminate();
    this.spareParser = null;
    await this.db?.close();
    this.db = null;
  }
}
