// The engine host: one per shell. Keeps the lifecycle (the open case and its DB worker, the
// jobs, the services, the parse workers) and answers requests: each is checked against the
// contract, then dispatched through the handlers of its domain (handlers/). Plain Node: nothing
// here knows about Electron, HTTP or the terminal.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import {
  isMethod,
  parseRequest,
  type EventMap,
  type EventName,
  type Method,
  type Params,
  type ResultOf,
} from '../../src-shared/contract';
import type { AppState, CaseInfo } from '../../src-shared/domain';
import { err, ok, toAppError, type Result } from '../../src-shared/result';
import { DbClient } from './db-client';
import type { HandlerContext, HostOptions, OpenCase } from './handlers/context';
import { HANDLERS } from './handlers';
import { ParserPool } from './ingest/parser-pool';
import { JobRunner } from './jobs';
import { Services } from './services';
import { checkPaths } from './path-policy';

export type { HostOptions };

export class EngineHost {
  private readonly emitter = new EventEmitter();
  private db: DbClient | null = null;
  private current: CaseInfo | null = null;
  /** A case is being opened or created: no job may start until it is done. */
  private switching = false;
  private readonly parsers = new ParserPool();
  private readonly services = new Services();
  private readonly jobs = new JobRunner({
    progress: (p) => this.emit('job.progress', p),
    finished: (f) => this.emit('job.finished', f),
    idle: () => this.warmParser(),
  });
  private readonly ctx: HandlerContext;

  constructor(private readonly options: HostOptions) {
    this.emitter.setMaxListeners(100);
    this.ctx = this.context();
  }

  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    this.emitter.emit(event, payload);
  }

  /** A request from the shells' code (CLI, tests): checked against the contract, then answered. */
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<ResultOf<M>>> {
    return this.dispatch(method, params);
  }

  /** A request from the outside (IPC, WebSocket): anything may arrive. */
  async handle(method: unknown, params: unknown): Promise<Result<unknown>> {
    if (!isMethod(method))
      return err('BAD_REQUEST', `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
    return this.dispatch(method, params);
  }

  private async dispatch<M extends Method>(method: M, params: unknown): Promise<Result<ResultOf<M>>> {
    const parsed = parseRequest(method, params);
    if (!parsed.ok) {
      // an upload named by a refused request will never be used: it is not kept
      const upload = (params as { uploadId?: unknown } | null)?.uploadId;
      if (typeof upload === 'string') this.options.releaseUpload?.(upload);
      return parsed;
    }
    try {
      const allowed = checkPaths(method, parsed.value, this.options.paths);
      if (!allowed.ok) return allowed;
      return await HANDLERS[method](allowed.value as typeof parsed.value, this.ctx);
    } catch (e) {
      return { ok: false, error: toAppError(e) };
    }
  }

  private state(): AppState {
    return {
      shell: this.options.shell === 'electron' ? 'electron' : 'serve',
      ...(this.options.paths ? { casesFolder: this.options.paths.casesFolder } : {}),
      case: this.current,
      jobs: this.jobs.snapshots(),
    };
  }

  private client(): DbClient {
    this.db ??= new DbClient((p) => this.jobs.onDbProgress(p), {
      readBudgetMs: this.options.readBudgetMs,
      // after a runaway read the case is opened again in a new worker (or, refused, closed)
      onReplaced: (r) => this.setCase(r.ok ? r.value : null),
    });
    return this.db;
  }

  private setCase(info: CaseInfo | null): void {
    this.current = info;
    this.services.caseChanged(info);
    this.emit('case.changed', info);
  }

  private openCase(): Result<OpenCase> {
    return this.db && this.current
      ? ok({ db: this.db, info: this.current })
      : err('NO_CASE', 'no case is open');
  }

  private async switchCase(
    file: string,
    { create = false, force = false, readOnly = false } = {},
  ): Promise<Result<CaseInfo>> {
    if (force) return this.openFile(file, create, readOnly);
    if (this.jobs.caseJobs() || this.switching)
      return err('BUSY', 'wait for the running jobs to finish (or cancel them) before switching cases');
    this.switching = true;
    try {
      return await this.openFile(file, create, readOnly);
    } finally {
      this.switching = false;
    }
  }

  private async openFile(file: string, create: boolean, readOnly = false): Promise<Result<CaseInfo>> {
    const r = await this.client().call('open', file, create, readOnly);
    if (r.ok) {
      this.setCase(r.value);
      this.warmParser();
    }
    return r;
  }

  private async refreshCase(): Promise<void> {
    if (!this.db) return;
    const r = await this.db.call('info');
    if (r.ok) this.setCase(r.value);
  }

  private warmParser(): void {
    if (this.db && this.current && !this.jobs.caseJobs()) this.parsers.warm();
  }

  /** What handlers see of the host. */
  private context(): HandlerContext {
    const forWork = (): Result<null> =>
      this.switching ? err('BUSY', 'a case is being opened: try again when it is') : ok(null);
    return {
      options: this.options,
      jobs: this.jobs,
      services: this.services,
      parsers: this.parsers,
      emit: (event, payload) => this.emit(event, payload),
      state: () => this.state(),
      current: () => this.current,
      openCase: (o = {}) => {
        const busy = o.forWork ? forWork() : ok(null);
        return busy.ok ? this.openCase() : busy;
      },
      onCase: (method, ...args) => {
        const open = this.openCase();
        return open.ok ? open.value.db.call(method, ...args) : Promise.resolve(open);
      },
      dataset: (datasetId) => {
        const busy = forWork();
        if (!busy.ok) return busy;
        const open = this.openCase();
        if (!open.ok) return open;
        const ds = open.value.info.datasets.find((d) => d.id === datasetId);
        return ds
          ? ok({ ...open.value, ds })
          : err('BAD_REQUEST', `no dataset with id ${datasetId} in this case`);
      },
      switchCase: (file, o) => this.switchCase(file, o),
      claimCase: () => {
        if (this.jobs.caseJobs() || this.switching)
          return err('BUSY', 'wait for the running jobs to finish (or cancel them) before switching cases');
        this.switching = true;
        return ok(() => {
          this.switching = false;
        });
      },
      setCase: (info) => this.setCase(info),
      refreshCase: () => this.refreshCase(),
      db: () => this.client(),
      resolveSource: (p) => {
        if (p.uploadId) {
          const up = this.options.resolveUpload?.(p.uploadId);
          return up ? ok(up) : err('BAD_REQUEST', 'that upload is unknown or has expired');
        }
        const file = path.resolve(p.path!);
        return ok({ path: file, fileName: path.basename(file) });
      },
    };
  }

  /** Cancels running jobs and services, waits for them to end (each rolls back), stops the workers. */
  async close(): Promise<void> {
    await this.services.stopAll();
    await this.jobs.stopAll();
    await this.parsers.close();
    await this.db?.close();
    this.db = null;
  }
}
