// Importing data files: a parse worker streams typed batches to the DB worker, which writes them
// in one transaction (a failed or cancelled import leaves the case as it was). A file of a
// published layout that gains columns (PREPARED) is rewritten first; a folder goes to
// folder-ingest.ts (CERT, NAB).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCompute } from '../compute-client';
import { identityBeside, withCardId } from '../ingest/ieee-cis';
import { withBalanceDiffs } from '../ingest/paysim';
import type { Job } from '../jobs';
import { startFolderIngest } from './folder-ingest';
import type { DataFormat, IngestResult } from '../../../src-shared/domain';
import { err, ok, type Result } from '../../../src-shared/result';
import { detectFormat } from '../ingest/detect-format';
import { checkRegularFile } from '../ingest/text-source';
import type { TimeOptions } from '../ingest/infer';
import { adaptToHeader, mappingOf, mergeMapping } from '../ingest/mapping';
import { previewHead, readHead, timeOptionsOf } from '../ingest/preview';
import type { ImportMapping, ImportPreview, SourceChoice, SourceId } from '../../../src-shared/import';
import { AppFailure } from '../../../src-shared/result';
import { layoutKey, type LayoutRecord } from '../db/layouts-store';
import { chooseSource, derivedOf } from '../ingest/sources';
import { ingestStep, type IngestFile } from './ingest-step';
import type { DomainHandlers, HandlerContext, ParamsOut } from './context';

export type IngestParams = ParamsOut<'ingest.start'>;
type PreviewParams = ParamsOut<'ingest.preview'>;

const isFolder = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Published layouts the import rewrites first (a CSV only, in a compute worker): the columns
 * they add (IEEE-CIS's card_id and identity, PaySim's balance differences), then the ordinary
 * import of the rewritten file. The preview shows the added columns of its first rows.
 */
interface Prepared {
  preview<H extends { names: string[]; rows: unknown[][] }>(head: H): H;
  run(job: Job, file: string, out: string): Promise<Result<unknown>>;
}

const PREPARED: Partial<Record<SourceId, Prepared>> = {
  ieee_cis: {
    preview: withCardId,
    run: (job, file, out) =>
      runCompute(job, 'ieee', { transactions: file, identity: identityBeside(file), out }),
  },
  paysim: {
    preview: withBalanceDiffs,
    run: (job, file, out) => runCompute(job, 'paysim', { file, out }),
  },
};

/** The file a request names, checked to be a readable regular file. */
function fileOf(
  p: { path?: string; uploadId?: string },
  ctx: HandlerContext,
): Result<{ file: string; fileName: string; size: number }> {
  const src = ctx.resolveSource(p);
  if (!src.ok) return src;
  const { path: file, fileName } = src.value;
  checkRegularFile(file, fileName); // a folder, a device, a pipe, an empty file: refused by name
  return ok({ file, fileName, size: statSync(file).size });
}

/** Two time columns named at once (the time column and the time role) are refused. */
function twoTimes(p: ImportMapping, fileName: string): Result<null> {
  if (p.timeColumn && p.roles?.time && p.roles.time !== p.timeColumn)
    return err('BAD_REQUEST', `two time columns given: "${p.timeColumn}" and "${p.roles.time}"`, {
      file: fileName,
    });
  return ok(null);
}

/**
 * The file's header layout, the mapping the open case remembers for it (null: none, or no
 * case), and the public layout it has, if known (its mapping is the default when the case
 * remembers none).
 */
async function remembered(
  ctx: HandlerContext,
  names: string[],
  choice: SourceChoice | undefined,
  fileName: string,
  format: DataFormat,
): Promise<{
  layout: string;
  mapping: ImportMapping | null;
  source: { id: SourceId; name: string; mapping: ImportMapping } | null;
}> {
  const layout = layoutKey(names);
  // only a CSV is prepared (IEEE-CIS's card_id): other formats are read as they are
  const source = chooseSource(names, choice, fileName, format === 'csv');
  // a layout asked for by name, or none (the file's own names only), comes before what the
  // case remembers for the header
  if (!ctx.current() || (choice && choice !== 'auto')) return { layout, mapping: null, source };
  const r = await ctx.onCase('importLayout', layout);
  if (!r.ok || !r.value) return { layout, mapping: null, source };
  // A role remembered on a column the import adds (IEEE-CIS's card_id) that this file will not
  // get (not a CSV) takes the layout's own choice for it instead.
  const mapping = adaptToHeader(r.value, names);
  const have = new Set([...names, ...(format === 'csv' && source ? derivedOf(source.id) : [])]);
  if (mapping.roles)
    mapping.roles = Object.fromEntries(
      Object.entries(mapping.roles).map(([role, c]) => [
        role,
        have.has(c) ? c : (source?.mapping.roles?.[role as keyof typeof mapping.roles] ?? c),
      ]),
    ) as ImportMapping['roles'];
  return { layout, mapping, source };
}

/** Checks the request and starts the import job. */
async function startIngest(p: IngestParams, ctx: HandlerContext): Promise<Result<{ jobId: string }>> {
  const open = ctx.openCase({ forWork: true });
  if (!open.ok)
    return open.error.code === 'NO_CASE'
      ? err('NO_CASE', 'open or create a case before importing data')
      : open;
  const named = ctx.resolveSource(p);
  if (named.ok && isFolder(named.value.path))
    return startFolderIngest(p, ctx, named.value.path, named.value.fileName);
  const src = fileOf(p, ctx);
  if (!src.ok) return src;
  const { file, fileName, size } = src.value;
  const two = twoTimes(p, fileName);
  if (!two.ok) return two;
  let append: IngestFile['append'];
  if (p.appendTo !== undefined) {
    const target = open.value.info.datasets.find((d) => d.id === p.appendTo);
    if (!target) return err('BAD_REQUEST', `no dataset with id ${p.appendTo} in this case`);
    append = { datasetId: target.id, columns: target.columns, timeColumn: target.timeColumn };
  }
  const format = p.format ?? detectFormat(file);
  // The mapping: the request's, over what the case remembers for this header (new datasets only).
  // A head that cannot be read is left for the import itself to report.
  const given = mappingOf(p);
  let mapping = given;
  let layout: LayoutRecord | undefined;
  let prepare: Prepared | null = null;
  const head = await readHead(file, fileName, format).catch(() => null);
  if (head && !append) {
    let known: Awaited<ReturnType<typeof remembered>>;
    try {
      known = await remembered(ctx, head.names, p.source, fileName, format);
    } catch (e) {
      if (e instanceof AppFailure) return { ok: false, error: e.appError };
      throw e;
    }
    mapping = mergeMapping(given, known.mapping ?? known.source?.mapping ?? null);
    if (Object.keys(mapping).length) layout = { layout: known.layout, columns: head.names, mapping };
    if (format === 'csv' && known.source) prepare = PREPARED[known.source.id] ?? null;
  }
  // rows of such a layout added to a dataset that has the columns the import adds get them too
  if (head && append && format === 'csv' && p.source !== 'none') {
    const id = chooseSource(head.names, p.source, fileName, true)?.id;
    const adds = id ? derivedOf(id) : [];
    if (
      id &&
      adds.length &&
      adds.every((c) => append!.columns.some((a) => a.name === c) && !head.names.includes(c))
    )
      prepare = PREPARED[id] ?? null;
  }
  let time: TimeOptions;
  try {
    time = timeOptionsOf(mapping, fileName);
  } catch (e) {
    if (e instanceof AppFailure) return { ok: false, error: e.appError };
    throw e;
  }
  const f: IngestFile = {
    file,
    fileName,
    format,
    name: p.name ?? fileName.replace(/\.(csv|tsv|tab|jsonl|ndjson|json|txt|log|parquet|pq)$/i, ''),
    timeColumn: mapping.timeColumn,
    clockColumn: mapping.clockColumn,
    time,
    roles: mapping.roles,
    noRoles: mapping.noRoles,
    append,
    layout,
  };
  const { jobId } = ctx.jobs.start(
    'ingest',
    `${append ? 'Adding' : 'Importing'} ${fileName}`,
    async (job) => {
      job.progress.totalBytes = size;
      let r: Result<IngestResult>;
      let tmp: string | null = null;
      try {
        if (prepare) {
          // the file rewritten with the columns its layout adds, then imported as usual
          tmp = mkdtempSync(path.join(os.tmpdir(), 'sentinel-prepared-'));
          const out = path.join(tmp, 'rows.csv');
          const ready = await prepare.run(job, file, out);
          if (!ready.ok) return ready;
          r = await ingestStep(ctx, job, { ...f, file: out });
        } else r = await ingestStep(ctx, job, f);
      } finally {
        if (p.uploadId) ctx.options.releaseUpload?.(p.uploadId);
        if (tmp) rmSync(tmp, { recursive: true, force: true });
      }
      if (r.ok) await ctx.refreshCase();
      return r;
    },
  );
  return ok({ jobId });
}

/** The preview of a file's first rows under the request's mapping and the case's remembered one. */
async function previewIngest(p: PreviewParams, ctx: HandlerContext): Promise<Result<ImportPreview>> {
  const src = fileOf(p, ctx);
  if (!src.ok) return src;
  const { file, fileName } = src.value;
  const two = twoTimes(p, fileName);
  if (!two.ok) return two;
  const format = p.format ?? detectFormat(file);
  try {
    const read = await readHead(file, fileName, format);
    const known = await remembered(ctx, read.names, p.source, fileName, format);
    // a CSV of a layout the import prepares is shown as it will be imported: with the added columns
    const prepared = format === 'csv' && known.source ? PREPARED[known.source.id] : undefined;
    const head = prepared ? prepared.preview(read) : read;
    const given = mappingOf(p);
    return ok(
      previewHead(head, {
        file: fileName,
        format,
        layout: known.layout,
        mapping: mergeMapping(given, known.mapping ?? known.source?.mapping ?? null),
        given,
        remembered: known.mapping,
        source: known.source,
      }),
    );
  } catch (e) {
    if (e instanceof AppFailure) return { ok: false, error: { file: fileName, ...e.appError } };
    throw e;
  }
}

export const ingestHandlers = {
  'ingest.start': async (p, ctx) => {
    const r = await startIngest(p, ctx);
    // an upload that will not be imported is not kept
    if (!r.ok && p.uploadId) ctx.options.releaseUpload?.(p.uploadId);
    return r;
  },
  // The upload stays for the import that follows (or ingest.discard).
  'ingest.preview': (p, ctx) => previewIngest(p, ctx),
  'ingest.discard': ({ uploadId }, ctx) => {
    const known = ctx.options.resolveUpload?.(uploadId) != null;
    if (known) ctx.options.releaseUpload?.(uploadId);
    return ok({ discarded: known });
  },
} satisfies DomainHandlers;
