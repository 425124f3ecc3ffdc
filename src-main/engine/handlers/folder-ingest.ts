// Importing a folder at once: a CERT insider-threat folder (logon.csv, device.csv, file.csv,
// email.csv, http.csv, optional LDAP/ and answers) becomes one dataset of user-days (see
// ingest/cert.ts), read by a compute worker into a temporary CSV that the ordinary import step
// then writes into the case (a failure or a cancel leaves the case as it was). Any other folder
// is refused: its files are imported one at a time.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IngestResult } from '../../../src-shared/domain';
import { err, ok, type Result } from '../../../src-shared/result';
import { runCompute } from '../compute-client';
import { certFolder } from '../ingest/cert';
import { timeOptionsOf } from '../ingest/preview';
import { ingestStep } from './ingest-step';
import type { HandlerContext, ParamsOut } from './context';

export function startFolderIngest(
  p: ParamsOut<'ingest.start'>,
  ctx: HandlerContext,
  dir: string,
  folderName: string,
): Result<{ jobId: string }> {
  const cert = certFolder(dir);
  if (!cert)
    return err(
      'IO',
      'this is a folder, not a data file: import its files one at a time (a CERT insider-threat folder, with its logon.csv, is imported whole)',
      { file: folderName },
    );
  if (p.appendTo !== undefined)
    return err('BAD_REQUEST', 'a CERT folder is imported as a dataset of its own, not added to one', {
      file: folderName,
    });
  const name = p.name ?? `${folderName}-user-days`;
  const { jobId } = ctx.jobs.start('ingest', `Importing the CERT folder ${folderName}`, async (job) => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'sentinel-cert-'));
    try {
      const out = path.join(tmp, 'user_days.csv');
      const read = await runCompute(job, 'cert', { folder: dir, out });
      if (!read.ok) return read;
      const insider = read.value.columns.includes('insider');
      const r: Result<IngestResult> = await ingestStep(ctx, job, {
        file: out,
        fileName: folderName,
        format: 'csv',
        name,
        timeColumn: 'day',
        time: timeOptionsOf({ timeColumn: 'day' }, folderName),
        roles: { entity: 'user', ...(insider ? { label: 'insider' } : {}) },
        noRoles: read.value.columns.filter((c) => c !== 'day' && c !== 'user' && c !== 'insider'),
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
