// Jobs the engine runs (progress pushed as `job.progress`, ends as `job.finished`), uploads on
// their way, and starting jobs: a job started here is waited for with `job.wait`.
import { JOB_METHODS, type JobFinished, type JobMethod, type Params } from '../../../src-shared/contract';
import type { JobProgress } from '../../../src-shared/domain';
import type { Result } from '../../../src-shared/result';
import type { ImportMapping, SourceChoice } from '../../../src-shared/import';
import { cancelledText, JOB_KINDS } from '../../../src-shared/jobs';
import { jobNotice } from './job-notices';
import type { Slice, StoreState } from './types';

export interface Upload {
  id: number;
  fileName: string;
}

/** A file chosen for import, waiting for the import dialog. */
export interface PendingImport {
  id: number;
  file: File;
}

/** A file made available to the engine (a path in Electron, an upload in serve mode). */
export interface StagedFile {
  path?: string;
  uploadId?: string;
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
  /** Files chosen for import: the import dialog takes them one at a time. */
  importQueue: PendingImport[];
  /** Queues files for the import dialog (which previews each, then imports it as mapped). */
  importFiles(files: Iterable<File>): Promise<void>;
  /** The dialog is done with a file (imported or cancelled). */
  closeImport(id: number): void;
  /** Stages a file for the engine (an upload in serve mode), shown as uploading meanwhile. */
  stageImport(file: File): Promise<StagedFile | null>;
  /** Starts the import job of a staged file with a mapping. Progress then arrives as `job.progress`. */
  startImport(
    file: File,
    staged: StagedFile,
    mapping: ImportMapping,
    layout?: SourceChoice,
  ): Promise<boolean>;
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

  importQueue: [],

  async importFiles(files) {
    const added = [...files].map((file) => ({ id: get().takeMessageId(), file }));
    if (added.length) set((s) => ({ importQueue: [...s.importQueue, ...added] }));
    return Promise.resolve();
  },

  closeImport(id) {
    set((s) => ({ importQueue: s.importQueue.filter((p) => p.id !== id) }));
  },

  async stageImport(file) {
    const upload: Upload = { id: get().takeMessageId(), fileName: file.name };
    set((s) => ({ uploads: [...s.uploads, upload] }));
    try {
      const staged = await get().bridge!.stageFile(file);
      if (staged.ok) return staged.value;
      get().showError(staged.error, `Could not import ${file.name}`);
      return null;
    } catch (e) {
      get().showError(
        { code: 'INTERNAL', message: (e as Error).message || String(e) },
        `Could not import ${file.name}`,
      );
      return null;
    } finally {
      set((s) => ({ uploads: s.uploads.filter((u) => u.id !== upload.id) }));
    }
  },

  async startImport(file, staged, mapping, layout) {
    const { path, uploadId, fileName } = staged;
    const source = uploadId !== undefined ? { uploadId, fileName } : { path, fileName };
    const started = await get().bridge!.invoke('ingest.start', {
      ...source,
      ...mapping,
      ...(layout && layout !== 'auto' ? { source: layout } : {}),
    });
    if (!started.ok) {
      get().showError(started.error, `Could not import ${file.name}`);
      return false;
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
    return true;
  },
});
