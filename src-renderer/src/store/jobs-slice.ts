// Jobs the engine runs (progress pushed as `job.progress`, ends as `job.finished`), uploads on
// their way, and starting jobs: a job started here is waited for with `job.wait`.
import { JOB_METHODS, type JobFinished, type JobMethod, type Params } from '../../../src-shared/contract';
import type { JobProgress } from '../../../src-shared/domain';
import type { Result } from '../../../src-shared/result';
import { cancelledText, JOB_KINDS } from '../../../src-shared/jobs';
import { jobNotice } from './job-notices';
import type { Slice, StoreState } from './types';

export interface Upload {
  id: number;
  fileName: string;
}

/** Finished jobs remembered, so that a late progress tick cannot bring one back. */
const FINISHED_KEPT = 100;

export interface JobsSlice {
  jobs: Record<string, JobProgress>;
  finishedIds: string[];
  uploads: Upload[];
  onProgress(p: JobProgress): void;
  onFinished(f: JobFinished): void;
  /** Starts a job; resolves when it finishes (ok or not), null when it could not start. */
  runJob<M extends JobMethod>(method: M, params: Params<M>, failContext: string): Promise<JobFinished | null>;
  /** Features (only new events when it can), then each of `modelIds` scores again: one job. */
  updateScores(datasetId: number, modelIds: number[]): Promise<void>;
  /** First run, in one job: features, a model (trees with labels, else Isolation Forest), scores. */
  trainAndScore(datasetId: number): Promise<void>;
  cancelJob(jobId: string): Promise<void>;
  /** Stages each file and starts its import job. Progress then arrives as `job.progress`. */
  importFiles(files: Iterable<File>): Promise<void>;
}

/** A job that reads or writes the case is running (a live stream does neither). */
export const selectCaseBusy = (s: StoreState): boolean =>
  Object.values(s.jobs).some((j) => JOB_KINDS[j.kind].touchesCase);

/** The demo job, when the main area should show it instead of a case. */
export const selectDemoJob = (s: StoreState): JobProgress | null => {
  if (s.caseInfo && s.caseInfo.datasets.length > 0) return null;
  return Object.values(s.jobs).find((j) => j.kind === 'demo') ?? null;
};

export const createJobsSlice: Slice<JobsSlice> = (set, get) => ({
  jobs: {},
  finishedIds: [],
  uploads: [],

  onProgress(p) {
    if (get().finishedIds.includes(p.jobId)) return;
    set((s) => ({ jobs: { ...s.jobs, [p.jobId]: p } }));
  },

  onFinished(f) {
    set((s) => {
      const jobs = { ...s.jobs };
      delete jobs[f.jobId];
      return { jobs, finishedIds: [...s.finishedIds, f.jobId].slice(-FINISHED_KEPT) };
    });
    const s = get();
    if (!f.ok) {
      if (f.error.code === 'CANCELLED') s.showInfo(cancelledText(f.kind));
      else s.showError(f.error, `${f.label} failed`);
      return;
    }
    if (f.kind === 'ingest') {
      const { dataset } = f.result;
      // The case normally arrives first (case.changed); if not, add the dataset ourselves.
      const c = s.caseInfo;
      if (c && !c.datasets.some((d) => d.id === dataset.id))
        set({ caseInfo: { ...c, datasets: [...c.datasets, dataset] } });
      if (get().caseInfo?.datasets.some((d) => d.id === dataset.id))
        set({ selectedDatasetId: dataset.id, tab: 'events' });
    } else s.bumpData();
    s.showNotice(jobNotice(f));
  },

  async runJob(method, params, failContext) {
    const bridge = get().bridge!;
    const r = (await bridge.invoke(method, params)) as Result<{ jobId: string }>;
    if (!r.ok) {
      get().showError(r.error, failContext);
      return null;
    }
    const done = await bridge.invoke('job.wait', { jobId: r.value.jobId });
    if (done.ok) return done.value;
    // The line dropped while it ran: its end was missed. Say so; the job may still have finished.
    const error = {
      code: done.error.code,
      message: `${done.error.message}: check its result and start the next step again`,
    };
    get().showError(error, failContext);
    return {
      jobId: r.value.jobId,
      kind: JOB_METHODS[method],
      label: failContext,
      ok: false,
      error,
    } as JobFinished;
  },

  async updateScores(datasetId, modelIds) {
    await get().runJob('scores.refresh', { datasetId, modelIds }, 'Could not update the scores');
  },

  async trainAndScore(datasetId) {
    await get().runJob('scores.refresh', { datasetId, train: true }, 'Could not score');
  },

  async cancelJob(jobId) {
    const r = await get().bridge!.invoke('job.cancel', { jobId });
    if (!r.ok) get().showError(r.error, 'Could not cancel the job');
    else if (r.value.cancelled)
      set((s) =>
        s.jobs[jobId] ? { jobs: { ...s.jobs, [jobId]: { ...s.jobs[jobId], phase: 'cancelling' } } } : s,
      );
  },

  async importFiles(files) {
    const bridge = get().bridge!;
    for (const file of files) {
      const upload: Upload = { id: get().takeMessageId(), fileName: file.name };
      set((s) => ({ uploads: [...s.uploads, upload] }));
      try {
        const staged = await bridge.stageFile(file);
        if (!staged.ok) {
          get().showError(staged.error, `Could not import ${file.name}`);
          continue;
        }
        const { path, uploadId, fileName } = staged.value;
        const started = await bridge.invoke(
          'ingest.start',
          uploadId !== undefined ? { uploadId, fileName } : { path, fileName },
        );
        if (!started.ok) {
          get().showError(started.error, `Could not import ${file.name}`);
          continue;
        }
        const { jobId } = started.value;
        // Show the job at once; the first progress tick may be 200 ms away.
        if (!get().jobs[jobId]) {
          get().onProgress({
            jobId,
            kind: 'ingest',
            label: `Importing ${fileName}`,
            phase: 'starting',
            rows: 0,
            bytes: 0,
            totalBytes: file.size || null,
            rowsPerSecond: 0,
            elapsedMs: 0,
          });
        }
      } catch (e) {
        get().showError(
          { code: 'INTERNAL', message: (e as Error).message || String(e) },
          `Could not import ${file.name}`,
        );
      } finally {
        set((s) => ({ uploads: s.uploads.filter((u) => u.id !== upload.id) }));
      }
    }
  },
});
