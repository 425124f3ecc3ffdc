// Importing a folder at once, as one dataset: a CERT insider-threat folder (logon.csv, device.csv,
// …; see ingest/cert.ts) becomes user-days, a folder of NAB series (see nab/import.ts) one
// dataset with a `series` entity and NAB's label windows. A compute worker writes the rows to a
// temporary CSV that the ordinary import step then writes into the case (a failure or a cancel
// leaves the case as it was). Any other folder is refused: its files are imported one at a time.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IngestResult } from '../../../src-shared/domain';
import { err, ok, type Result } from '../../../src-shared/result';
import { runCompute } from '../compute-client';
import { certFolder } from '../ingest/cert';
import { timeOptionsOf } from '../ingest/preview';
import type { Job } from '../jobs';
import { nabSeriesIn } from '../nab/import';
import type { HandlerContext, ParamsOut } from './context';
import { ingestStep, type IngestFile } from './ingest-step';

/** A kind of folder: how to recognise it, and how its rows are written and then read. */
interface FolderSource {
  what: string;
  /** Does the folder hold this kind of data? */
  recognise(dir: string): boolean;
  /** Writes the rows as CSV to `out`; the columns written. */
  write(job: Job, dir: string, out: string): Promise<Result<{ columns: string[] }>>;
  /** How the CSV is read (its time and roles). */
  read(columns: string[]): Pick<IngestFile, 'timeColumn' | 'roles' | 'noRoles'>;
  name(folder: string): string;
}

const FOLDERS: FolderSource[] = [
  {
    what: 'CERT insider-threat folder',
    recognise: (dir) => certFolder(dir) !== null,
    write: (job, dir, out) => runCompute(job, 'cert', { folder: dir, out }),
    read: (columns) => ({
      timeColumn: 'day',
      roles: { entity: 'user', ...(columns.includes('insider') ? { label: 'insider' } : {}) },
      noRoles: columns.filter((c) => c !== 'day' && c !== 'user' && c !== 'insider'),
    }),
    name: (folder) => `${folder}-user-days`,
  },
  {
    what: 'folder of NAB series',
    recognise: (dir) => nabSeriesIn(dir).length > 0,
    write: (job, dir, out) => runCompute(job, 'nabFolder', { folder: dir, out }),
    read: (columns) => ({
      timeColumn: 'timestamp',
      roles: { entity: 'series', ...(columns.includes('anomaly_window') ? { label: 'anomaly_window' } : {}) },
      noRoles: ['value'],
    }),
    name: (folder) => `nab-${folder}`,
  },
];

export function startFolderIngest(
  p: ParamsOut<'ingest.start'>,
  ctx: HandlerContext,
  dir: string,
  folderName: string,
): Result<{ jobId: string }> {
  const source = FOLDERS.find((f) => f.recognise(dir));
  if (!source)
    return err(
      'IO',
      'this is a folder, not a data file: import its files one at a time (a CERT insider-threat folder, with its logon.csv, or a folder of NAB series is imported whole)',
      { file: folderName },
    );
  if (p.appendTo !== undefined)
    return err('BAD_REQUEST', `a ${source.what} is imported as a dataset of its own, not added to one`, {
      file: folderName,
    });
  const name = p.name ?? source.name(folderName);
  const { jobId } = ctx.jobs.start('ingest', `Importing the ${source.what} ${folderName}`, async (job) => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'sentinel-folder-'));
    try {
      const out = path.join(tmp, 'rows.csv');
      const written = await source.write(job, dir, out);
      if (!written.ok) return written;
      const read = source.read(written.value.columns);
      const r: Result<IngestResult> = await ingestStep(ctx, job, {
        file: out,
        fileName: folderName,
        format: 'csv',
        name,
        time: timeOptionsOf({ timeColumn: read.timeColumn }, folderName),
        ...read,
      });
      if (!r.ok) return r;
      await ctx.refreshCase();
      return ok(r.value);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
  return ok({ jobId });
}
