// Importing data files: a parse worker streams typed batches to the DB worker, which writes them
// in one transaction (a failed or cancelled import leaves the case as it was).
import { statSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import type { ColumnInfo, DataFormat, IngestResult } from '../../../src-shared/domain';
import { err, ok, type AppError, type Result } from '../../../src-shared/result';
import { detectFormat } from '../ingest/detect-format';
import type { Job } from '../jobs';
import type { ParseTask } from '../workers/parse-worker';
import { normaliseIso, type TimeOptions } from '../ingest/infer';
import type { DomainHandlers, HandlerContext, ParamsOut } from './context';

export type IngestParams = ParamsOut<'ingest.start'>;

/** One file to import: into a new dataset, or appended to an existing one. */
export interface IngestFile {
  file: string;
  fileName: string;
  format: DataFormat;
  name: string;
  timeColumn?: string;
  time?: TimeOptions;
  roles?: IngestParams['roles'];
  append?: { datasetId: number; columns: ColumnInfo[]; timeColumn: string | null };
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
    time: f.time,
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
  const r = await ctx.db().callMoving([port2], 'ingest', job.ticket, port2, {
    name: f.name,
    sourceFile: f.fileName,
    appendTo: f.append?.datasetId,
  });
  job.workers.delete(parser);
  void parser.terminate();
  if (!r.ok) return { ok: false, error: crashed ?? r.error };
  const { dataset, rows, bytes, seconds } = r.value;
  return ok({ dataset, rows, bytes, seconds });
}

/** Checks the request and starts the import job. */
function startIngest(p: IngestParams, ctx: HandlerContext): Result<{ jobId: string }> {
  const open = ctx.openCase({ forWork: true });
  if (!open.ok)
    return open.error.code === 'NO_CASE'
      ? err('NO_CASE', 'open or create a case before importing data')
      : open;
  const src = ctx.resolveSource(p);
  if (!src.ok) return src;
  const { path: file, fileName } = src.value;
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return err('IO', 'not a regular file', { file: fileName });
    size = st.size;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return err('IO', `cannot read the file (${why})`, { file: fileName });
  }
  let append: IngestFile['append'];
  if (p.appendTo !== undefined) {
    const target = open.value.info.datasets.find((d) => d.id === p.appendTo);
    if (!target) return err('BAD_REQUEST', `no dataset with id ${p.appendTo} in this case`);
    append = { datasetId: target.id, columns: target.columns, timeColumn: target.timeColumn };
  }
  const origin = p.timeOrigin === undefined ? undefined : Date.parse(normaliseIso(p.timeOrigin));
  if (origin !== undefined && Number.isNaN(origin))
    return err('BAD_REQUEST', `ingest.start: timeOrigin: not a time: ${JSON.stringify(p.timeOrigin)}`);
  const f: IngestFile = {
    file,
    fileName,
    format: p.format ?? detectFormat(file),
    name: p.name ?? fileName.replace(/\.(csv|tsv|tab|jsonl|ndjson|json|txt)$/i, ''),
    timeColumn: p.timeColumn,
    time: {
      format: p.timeFormat,
      unit: p.timeUnit,
      origin,
      year: p.timeYear,
    },
    roles: p.roles,
    append,
  };
  const { jobId } = ctx.jobs.start(
    'ingest',
    `${append ? 'Adding' : 'Importing'} ${fileName}`,
    async (job) => {
      job.progress.totalBytes = size;
      let r: Result<IngestResult>;
      try {
        r = await ingestStep(ctx, job, f);
      } finally {
        if (p.uploadId) ctx.options.releaseUpload?.(p.uploadId);
      }
      if (r.ok) await ctx.refreshCase();
      return r;
    },
  );
  return ok({ jobId });
}

export const ingestHandlers = {
  'ingest.start': (p, ctx) => {
    const r = startIngest(p, ctx);
    // an upload that will not be imported is not kept
    if (!r.ok && p.uploadId) ctx.options.releaseUpload?.(p.uploadId);
    return r;
  },
} satisfies DomainHandlers;
