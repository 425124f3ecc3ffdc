// One file through a parse worker into the DB worker, inside a job: the step every import takes
// (a file the user picked, the demo's generated files, a CERT folder's user-days).
import { MessageChannel } from 'node:worker_threads';
import type { ColumnInfo, DataFormat, IngestResult } from '../../../src-shared/domain';
import { ok, type AppError, type Result } from '../../../src-shared/result';
import type { LayoutRecord } from '../db/layouts-store';
import type { TimeOptions } from '../ingest/infer';
import type { Job } from '../jobs';
import type { ParseTask } from '../workers/parse-worker';
import type { HandlerContext, ParamsOut } from './context';

type IngestParams = ParamsOut<'ingest.start'>;

/** One file to import: into a new dataset, or appended to an existing one. */
export interface IngestFile {
  file: string;
  fileName: string;
  format: DataFormat;
  name: string;
  timeColumn?: string;
  clockColumn?: string;
  time?: TimeOptions;
  roles?: IngestParams['roles'];
  noRoles?: string[];
  append?: { datasetId: number; columns: ColumnInfo[]; timeColumn: string | null };
  /** The mapping to remember for the file's header layout (with the new dataset). */
  layout?: LayoutRecord;
}

/** One file through a parse worker into the DB worker, inside a job (its own, or the demo's). */
export async function ingestStep(
  ctx: HandlerContext,
  job: Job,
  f: IngestFile,
): Promise<Result<IngestResult>> {
  const { port1, port2 } = new MessageChannel();
  const parser = ctx.parsers.take();
  const task: ParseTask = {
    path: f.file,
    file: f.fileName,
    format: f.format,
    timeColumn: f.timeColumn,
    clockColumn: f.clockColumn,
    time: f.time,
    roles: f.roles,
    noRoles: f.noRoles,
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
  const r = await ctx.db().callMoving([port2], 'ingest', job.ticket, port2, {
    name: f.name,
    sourceFile: f.fileName,
    appendTo: f.append?.datasetId,
    layout: f.append ? undefined : f.layout,
  });
  job.workers.delete(parser);
  void parser.terminate();
  if (!r.ok) return { ok: false, error: crashed ?? r.error };
  const { dataset, rows, bytes, seconds } = r.value;
  return ok({ dataset, rows, bytes, seconds });
}
