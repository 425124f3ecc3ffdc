// What a request handler gets: its validated params and this context (the open case, its DB
// worker, the jobs, the services, the shell's options). Handlers are grouped by domain, one
// module each, and merged into one map (handlers/index.ts) that the host dispatches through.
import type { z } from 'zod';
import type { EventMap, EventName, Method, requestSchemas, ResultOf } from '../../../src-shared/contract';
import type { AppState, CaseInfo, DatasetInfo } from '../../../src-shared/domain';
import type { Result } from '../../../src-shared/result';
import type { DbClient, DbMethod } from '../db-client';
import type { DbApi } from '../db/ops';
import type { ParserPool } from '../ingest/parser-pool';
import type { JobRunner } from '../jobs';
import type { PathPolicy } from '../path-policy';
import type { Services } from '../services';

export interface HostOptions {
  shell: AppState['shell'] | 'cli';
  /** Serve mode: where an uploaded file was stored. */
  resolveUpload?: (uploadId: string) => { path: string; fileName: string } | null;
  /** Serve mode: the upload has been ingested (or refused) and can be deleted. */
  releaseUpload?: (uploadId: string) => void;
  /** A rules.yaml to use instead of the shipped one (the CLI's --config). */
  rulesConfig?: string;
  /** Serve mode: which files a page may name (see path-policy.ts); any when absent. */
  paths?: PathPolicy;
  /** How long a read of the case may run before it is stopped (see DbClient). */
  readBudgetMs?: number;
  /**
   * Prints an HTML file to PDF with the shell's browser engine (Electron's printToPDF); absent,
   * the machine's Chromium prints it headless (serve mode and the CLI).
   */
  printPdf?: (htmlFile: string, pdfFile: string) => Promise<void>;
}

/** The open case: its DB worker and what it holds. */
export interface OpenCase {
  db: DbClient;
  info: CaseInfo;
}

export interface HandlerContext {
  readonly options: HostOptions;
  readonly jobs: JobRunner;
  readonly services: Services;
  readonly parsers: ParserPool;
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
  state(): AppState;
  /** What the open case holds (null: none is open). */
  current(): CaseInfo | null;
  /** The open case; NO_CASE when there is none; with `forWork`, BUSY while another is being opened. */
  openCase(options?: { forWork?: boolean }): Result<OpenCase>;
  /** Runs a DB operation on the open case (NO_CASE when there is none). */
  onCase<K extends DbMethod>(method: K, ...args: DbApi[K]['params']): Promise<Result<DbApi[K]['result']>>;
  /** A dataset of the open case; BUSY while another case is being opened. */
  dataset(datasetId: number): Result<OpenCase & { ds: DatasetInfo }>;
  /** Opens (or creates) the case at `file`; BUSY while jobs work on the current one, unless `force` (a job switching cases itself). */
  switchCase(
    file: string,
    options?: { create?: boolean; force?: boolean; readOnly?: boolean },
  ): Promise<Result<CaseInfo>>;
  /**
   * Holds the case for a change of case that a job then carries on (the demo build): BUSY while
   * jobs work on the case or another change is under way; else the release.
   */
  claimCase(): Result<() => void>;
  /** The case that is open changed: tell every shell (null: no case is open). */
  setCase(info: CaseInfo | null): void;
  /** Reads the open case's catalogue again after a change and tells every shell. */
  refreshCase(): Promise<void>;
  /** The DB worker, started if need be (a job building a case that is not open yet uses it). */
  db(): DbClient;
  /** The file a request names: a path, or an upload of serve mode. */
  resolveSource(p: { path?: string; uploadId?: string }): Result<{ path: string; fileName: string }>;
}

export type ParamsOut<M extends Method> = z.output<(typeof requestSchemas)[M]>;

export type Handler<M extends Method> = (
  params: ParamsOut<M>,
  ctx: HandlerContext,
) => Result<ResultOf<M>> | Promise<Result<ResultOf<M>>>;

/** Every method's handler. */
export type HandlerMap = { [M in Method]: Handler<M> };
/** One domain's handlers. */
export type DomainHandlers = Partial<HandlerMap>;
