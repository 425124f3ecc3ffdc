// Renderer state: what the engine told us (case, datasets, jobs), what the analyst chose
// (dataset, sort, filters, theme), and what to tell the analyst (errors, notes).
import { create } from 'zustand';
import type { Bridge, JobFinished, Params } from '../../src-shared/contract';
import type {
  AppState,
  CaseInfo,
  DatasetInfo,
  EventFilter,
  FeaturesResult,
  IngestResult,
  JobProgress,
  LaunchedAttack,
  LiveAlert,
  LiveAttack,
  StreamAlert,
  StreamTick,
} from '../../src-shared/domain';
import { formatError, type AppError } from '../../src-shared/result';
import { getBridge, isConnectedBridge, type ConnectionState } from './bridge';
import { formatCount, formatInt } from './format';

export type Theme = 'dark' | 'light';
/** The main area's views of a dataset. */
export const TABS = ['anomalies', 'events', 'alerts', 'models', 'scenarios'] as const;
export type Tab = (typeof TABS)[number];
export type SortState = { column: string; desc: boolean } | null;

export interface QueryState {
  sort: SortState;
  filters: EventFilter[];
}

export interface BannerMessage {
  id: number;
  text: string;
  /** `info` for things the analyst did on purpose (a cancelled import). */
  tone: 'error' | 'info';
  /** What to do about it, when we know. */
  hint?: string;
}

export interface Notice {
  id: number;
  text: string;
}

export interface Upload {
  id: number;
  fileName: string;
}

/** What the events table last learnt about its query, for the status and filter bars. */
export interface TableStatus {
  datasetId: number;
  total: number | null;
  elapsedMs: number | null;
  loading: boolean;
  error: AppError | null;
}

export interface StoreState {
  /** `app.state` has answered (or failed) at least once. */
  ready: boolean;
  shell: AppState['shell'] | null;
  /** Serve mode's socket; `null` in Electron, where there is nothing to lose. */
  connection: ConnectionState | null;
  /** Bumped on every reconnect, so views refetch what they lost. */
  /** Moves when cached pages can no longer be trusted: a reconnect, or another case. */
  connectionEpoch: number;
  caseInfo: CaseInfo | null;
  selectedDatasetId: number | null;
  jobs: Record<string, JobProgress>;
  lastFinished: JobFinished | null;
  uploads: Upload[];
  errors: BannerMessage[];
  notices: Notice[];
  queries: Record<number, QueryState>;
  tableStatus: TableStatus | null;
  theme: Theme;
  tab: Tab;
  /** Moves when results shown by the feed, models and scenarios views may have changed. */
  dataVersion: number;
  /** The live-stream view is shown instead of the dataset. */
  liveOpen: boolean;
  live: LiveState;
}

export interface LiveState {
  jobId: string | null;
  tick: StreamTick | null;
  /** Newest first, at most LIVE_ALERTS_MAX. */
  alerts: LiveAlert[];
  attacks: LaunchedAttack[];
}

const LIVE_ALERTS_MAX = 500;

const THEME_KEY = 'sentinel.theme';
export const EMPTY_QUERY: QueryState = Object.freeze({ sort: null, filters: [] }) as QueryState;

export function readStoredTheme(): Theme {
  try {
    return localStorage.getItem(THEME_KEY) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

export const useStore = create<StoreState>()(() => ({
  ready: false,
  shell: null,
  connection: null,
  connectionEpoch: 0,
  caseInfo: null,
  selectedDatasetId: null,
  jobs: {},
  lastFinished: null,
  uploads: [],
  errors: [],
  notices: [],
  queries: {},
  tableStatus: null,
  theme: readStoredTheme(),
  tab: 'anomalies',
  dataVersion: 0,
  liveOpen: false,
  live: { jobId: null, tick: null, alerts: [], attacks: [] },
}));

const set = useStore.setState;
const get = useStore.getState;

let bridge: Bridge | null = null;
const b = (): Bridge => (bridge ??= getBridge());
/** The bridge the app was started with (views fetch through it). */
export const appBridge = b;

let nextMessageId = 1;
/** Jobs that already finished, so a late progress tick cannot bring them back. */
const finishedJobs = new Set<string>();

// ---- selectors ---------------------------------------------------------------------------

export const selectDataset = (s: StoreState): DatasetInfo | null =>
  s.caseInfo?.datasets.find((d) => d.id === s.selectedDatasetId) ?? null;

/** A job that reads or writes the case is running (a live stream does neither, so it does not count). */
export const selectCaseBusy = (s: StoreState): boolean =>
  Object.values(s.jobs).some((j) => j.kind !== 'stream');

/** The demo job, when the main area should show it instead of a case. */
export const selectDemoJob = (s: StoreState): JobProgress | null => {
  if (s.caseInfo && s.caseInfo.datasets.length > 0) return null;
  return Object.values(s.jobs).find((j) => j.kind === 'demo') ?? null;
};

// ---- messages ----------------------------------------------------------------------------

const HINTS: Partial<Record<AppError['code'], string>> = {
  MALFORMED_INPUT: 'Fix the file at that spot and import it again.',
  NO_CASE: 'Open or create a case first.',
  NOT_A_CASE: 'Choose a .sentinel case file.',
  CASE_TOO_NEW: 'Update SentinelRisk Workstation to open this case.',
  BUSY: 'Wait for the running job to finish, or cancel it.',
  FORBIDDEN: 'Reload the page from the address `sentinel serve` printed.',
};

export function showError(error: AppError, context?: string): void {
  const text = context ? `${context}: ${formatError(error)}` : formatError(error);
  const hint = HINTS[error.code];
  set((s) => {
    // The same failure twice in a row (e.g. a retry) is one message, not two.
    if (s.errors.some((e) => e.text === text)) return s;
    return { errors: [...s.errors, { id: nextMessageId++, text, tone: 'error' as const, hint }].slice(-5) };
  });
}

export function showInfo(text: string): void {
  set((s) => ({ errors: [...s.errors, { id: nextMessageId++, text, tone: 'info' as const }].slice(-5) }));
}

export function dismissErrors(): void {
  set({ errors: [] });
}

export function dismissError(id: number): void {
  set((s) => ({ errors: s.errors.filter((e) => e.id !== id) }));
}

const NOTICE_MS = 5000;

export function showNotice(text: string): void {
  const id = nextMessageId++;
  set((s) => ({ notices: [...s.notices, { id, text }].slice(-3) }));
  setTimeout(() => dismissNotice(id), NOTICE_MS);
}

export function dismissNotice(id: number): void {
  set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

// ---- case and datasets -------------------------------------------------------------------

function setCase(info: CaseInfo | null): void {
  set((s) => {
    // Dataset ids restart at 1 in every case: pages cached for another case must not be reused,
    // so a change of case also moves the epoch the page caches are keyed by.
    if (!info) {
      return {
        caseInfo: null,
        selectedDatasetId: null,
        queries: {},
        tableStatus: null,
        connectionEpoch: s.connectionEpoch + 1,
      };
    }
    const ids = info.datasets.map((d) => d.id);
    const sameCase = s.caseInfo?.path === info.path;
    let selected = sameCase ? s.selectedDatasetId : null;
    if (selected === null || !ids.includes(selected)) selected = ids[0] ?? null;
    if (sameCase) return { caseInfo: info, selectedDatasetId: selected };
    return {
      caseInfo: info,
      selectedDatasetId: selected,
      queries: {},
      connectionEpoch: s.connectionEpoch + 1,
    };
  });
}

export function selectDatasetId(id: number): void {
  if (get().selectedDatasetId !== id) set({ selectedDatasetId: id });
}

export async function openCase(path: string, create: boolean): Promise<boolean> {
  const r = await b().invoke(create ? 'case.create' : 'case.open', { path });
  if (!r.ok) {
    showError(r.error, create ? 'Could not create the case' : 'Could not open the case');
    return false;
  }
  setCase(r.value);
  return true;
}

// ---- events-table query ------------------------------------------------------------------

function updateQuery(datasetId: number, f: (q: QueryState) => QueryState): void {
  set((s) => ({ queries: { ...s.queries, [datasetId]: f(s.queries[datasetId] ?? EMPTY_QUERY) } }));
}

export function setSort(datasetId: number, sort: SortState): void {
  updateQuery(datasetId, (q) => ({ ...q, sort }));
}

/** Replaces the filter list (the filter bar commits a list once the engine accepted it). */
export function setFilters(datasetId: number, filters: EventFilter[]): void {
  updateQuery(datasetId, (q) => ({ ...q, filters }));
}

export function removeFilter(datasetId: number, index: number): void {
  updateQuery(datasetId, (q) => ({ ...q, filters: q.filters.filter((_, i) => i !== index) }));
}

export function clearFilters(datasetId: number): void {
  updateQuery(datasetId, (q) => ({ ...q, filters: [] }));
}

export function setTableStatus(status: TableStatus | null): void {
  const prev = get().tableStatus;
  if (
    prev &&
    status &&
    prev.datasetId === status.datasetId &&
    prev.total === status.total &&
    prev.elapsedMs === status.elapsedMs &&
    prev.loading === status.loading &&
    prev.error === status.error
  )
    return;
  set({ tableStatus: status });
}

// ---- theme -------------------------------------------------------------------------------

export function toggleTheme(): void {
  const theme: Theme = get().theme === 'dark' ? 'light' : 'dark';
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Private windows may refuse storage; the theme still applies to this session.
  }
  applyTheme(theme);
  set({ theme });
}

// ---- jobs --------------------------------------------------------------------------------

function onProgress(p: JobProgress): void {
  if (finishedJobs.has(p.jobId)) return;
  set((s) => ({ jobs: { ...s.jobs, [p.jobId]: p } }));
}

type FinishedResult = Extract<JobFinished, { ok: true }>['result'];
const isIngestResult = (r: FinishedResult): r is IngestResult => 'dataset' in r;
const isFeaturesResult = (r: FinishedResult): r is FeaturesResult => 'features' in r;

/** Callers waiting for a job of theirs to finish (a view updating scores, for one). */
const jobWaiters = new Map<string, (f: JobFinished) => void>();

/** After a reconnect: waiters whose job is no longer running missed its end; let them go. */
function releaseLostWaiters(): void {
  const running = get().jobs;
  for (const [jobId, resolve] of [...jobWaiters]) {
    if (running[jobId]) continue;
    jobWaiters.delete(jobId);
    resolve({
      jobId,
      kind: 'features',
      label: 'a job',
      ok: false,
      error: {
        code: 'INTERNAL',
        message: 'the connection dropped while it ran: check its result and start the next step again',
      },
    });
  }
}

/** The last finished jobs, for a waiter that registers after its job already ended. */
const recentFinished = new Map<string, JobFinished>();

function onFinished(f: JobFinished): void {
  jobWaiters.get(f.jobId)?.(f);
  jobWaiters.delete(f.jobId);
  recentFinished.set(f.jobId, f);
  if (recentFinished.size > 50) recentFinished.delete(recentFinished.keys().next().value!);
  if (f.ok && f.kind !== 'ingest') bumpData();
  finishedJobs.add(f.jobId);
  if (finishedJobs.size > 500) finishedJobs.delete(finishedJobs.values().next().value!);
  set((s) => {
    const jobs = { ...s.jobs };
    delete jobs[f.jobId];
    return { jobs, lastFinished: f };
  });
  if (!f.ok) {
    if (f.error.code === 'CANCELLED') showInfo(`${CANCELLED_TEXT[f.kind] ?? 'Job'} cancelled`);
    else showError(f.error, `${f.label} failed`);
    return;
  }
  if ('scored' in f.result) {
    const { built, trained, scored } = f.result;
    const last = scored[scored.length - 1];
    showNotice(
      (trained?.model.kind === 'iforest' ? 'No labels in this dataset: trained an Isolation Forest. ' : '') +
        (last
          ? `Scores updated: ${formatCount(last.rows, 'event')}, ${formatCount(last.anomalies, 'event')} above the threshold`
          : `Features: ${built.features.length} for ${formatCount(built.written, 'event')} (${built.mode})`),
    );
  } else if (isIngestResult(f.result)) {
    const { dataset, rows, seconds } = f.result;
    // The case normally arrives first (case.changed); if not, add the dataset ourselves.
    const c = get().caseInfo;
    if (c && !c.datasets.some((d) => d.id === dataset.id))
      set({ caseInfo: { ...c, datasets: [...c.datasets, dataset] } });
    if (get().caseInfo?.datasets.some((d) => d.id === dataset.id))
      set({ selectedDatasetId: dataset.id, tab: 'events' });
    const secs = seconds < 10 ? seconds.toFixed(1) : formatInt(seconds);
    showNotice(`Imported ${formatCount(rows, 'row')} into “${dataset.name}” in ${secs} s`);
  } else if (isFeaturesResult(f.result)) {
    showNotice(
      `Features: ${f.result.features.length} for ${formatCount(f.result.written, 'event')} (${f.result.mode})`,
    );
  } else if ('model' in f.result) {
    const m = f.result.test;
    showNotice(
      `Model “${f.result.model.name}” trained${m ? `: ROC AUC ${m.rocAuc?.toFixed(3) ?? '–'}, F1 ${m.f1.toFixed(3)} on the latest events` : ''}`,
    );
  } else if ('byRule' in f.result) {
    showNotice(
      `Rules over ${formatCount(f.result.events, 'event')}: ${formatCount(f.result.alerts, 'alert')}, ${formatCount(f.result.incidents, 'incident')}`,
    );
  } else if ('alerts' in f.result) {
    showNotice(
      `Live stream ended: ${formatCount(f.result.events, 'event')}, ${formatCount(f.result.alerts, 'alert')}`,
    );
  } else if ('anomalies' in f.result) {
    showNotice(
      `Scored ${formatCount(f.result.rows, 'event')}: ${formatCount(f.result.anomalies, 'event')} above the threshold`,
    );
  } else {
    showNotice(`Demo case ready: ${formatCount(f.result.datasets, 'dataset')}`);
  }
}

const CANCELLED_TEXT: Partial<Record<JobFinished['kind'], string>> = {
  demo: 'Demo build',
  features: 'Feature build',
  ingest: 'Import',
  train: 'Training',
  score: 'Scoring',
  refresh: 'Score update',
  rules: 'Rules run',
  stream: 'Live stream',
};

// ---- live stream -------------------------------------------------------------------------

export function setLiveOpen(open: boolean): void {
  set({ liveOpen: open });
}

export async function startStream(speed: number): Promise<void> {
  const r = await b().invoke('stream.start', { speed });
  if (!r.ok) {
    showError(r.error, 'Could not start the live stream');
    return;
  }
  set({ live: { jobId: r.value.jobId, tick: null, alerts: [], attacks: [] } });
}

export async function launchAttack(scenario: LiveAttack): Promise<void> {
  const jobId = get().live.jobId;
  if (!jobId) return;
  const r = await b().invoke('stream.attack', { jobId, scenario });
  if (!r.ok) {
    showError(r.error, `Could not launch ${scenario.replace(/_/g, ' ')}`);
    return;
  }
  set((s) => ({ live: { ...s.live, attacks: [r.value, ...s.live.attacks].slice(0, 50) } }));
}

function onStreamTick(t: StreamTick): void {
  set((s) =>
    s.live.jobId === t.jobId || s.live.jobId === null ? { live: { ...s.live, jobId: t.jobId, tick: t } } : s,
  );
}

function onStreamAlert(a: StreamAlert): void {
  set((s) =>
    s.live.jobId === a.jobId || s.live.jobId === null
      ? { live: { ...s.live, jobId: a.jobId, alerts: [a.alert, ...s.live.alerts].slice(0, LIVE_ALERTS_MAX) } }
      : s,
  );
}

export function bumpData(): void {
  set((s) => ({ dataVersion: s.dataVersion + 1 }));
}

export function setTab(tab: Tab): void {
  if (get().tab !== tab) set({ tab });
}

type JobMethod = 'features.build' | 'model.train' | 'model.score' | 'scores.refresh' | 'rules.run';

/** Starts a job; resolves when it finishes (ok or not), null when it could not start. */
export async function runJob<M extends JobMethod>(
  method: M,
  params: Params<M>,
  failContext: string,
): Promise<JobFinished | null> {
  const r = await b().invoke(method, params);
  if (!r.ok) {
    showError(r.error, failContext);
    return null;
  }
  const { jobId } = r.value;
  const done = recentFinished.get(jobId);
  if (done) return done;
  return new Promise((resolve) => jobWaiters.set(jobId, resolve));
}

/**
 * Brings a dataset's scores up to date after its events changed, in one engine job: features
 * (only new events when it can), then each of `modelIds` scores again. Resolves when it ends.
 */
export async function updateScores(datasetId: number, modelIds: number[]): Promise<void> {
  await runJob('scores.refresh', { datasetId, modelIds }, 'Could not update the scores');
}

/** First run, in one engine job: features, a model (trees with labels, else Isolation Forest), scores. */
export async function trainAndScore(datasetId: number): Promise<void> {
  await runJob('scores.refresh', { datasetId, train: true }, 'Could not score');
}

export async function cancelJob(jobId: string): Promise<void> {
  const r = await b().invoke('job.cancel', { jobId });
  if (!r.ok) showError(r.error, 'Could not cancel the job');
  else if (r.value.cancelled)
    set((s) =>
      s.jobs[jobId] ? { jobs: { ...s.jobs, [jobId]: { ...s.jobs[jobId], phase: 'cancelling' } } } : s,
    );
}

/** Stages each file and starts its ingest job. Progress then arrives as `job.progress`. */
export async function importFiles(files: Iterable<File>): Promise<void> {
  for (const file of files) {
    const upload: Upload = { id: nextMessageId++, fileName: file.name };
    set((s) => ({ uploads: [...s.uploads, upload] }));
    try {
      const staged = await b().stageFile(file);
      if (!staged.ok) {
        showError(staged.error, `Could not import ${file.name}`);
        continue;
      }
      const { path, uploadId, fileName } = staged.value;
      const started = await b().invoke(
        'ingest.start',
        uploadId !== undefined ? { uploadId, fileName } : { path, fileName },
      );
      if (!started.ok) {
        showError(started.error, `Could not import ${file.name}`);
        continue;
      }
      const { jobId } = started.value;
      // Show the job at once; the first progress tick may be 200 ms away.
      if (!finishedJobs.has(jobId) && !get().jobs[jobId]) {
        onProgress({
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
      showError(
        { code: 'INTERNAL', message: (e as Error).message || String(e) },
        `Could not import ${file.name}`,
      );
    } finally {
      set((s) => ({ uploads: s.uploads.filter((u) => u.id !== upload.id) }));
    }
  }
}

// ---- startup -----------------------------------------------------------------------------

async function loadState(): Promise<void> {
  const r = await b().invoke('app.state', {});
  if (!r.ok) {
    showError(r.error, 'Could not load the workstation state');
    set({ ready: true });
    return;
  }
  const jobs: Record<string, JobProgress> = {};
  for (const j of r.value.jobs) if (!finishedJobs.has(j.jobId)) jobs[j.jobId] = j;
  set({ ready: true, shell: r.value.shell, jobs });
  setCase(r.value.case);
}

let started = false;

/** Connects the store to the engine: loads the state, then follows its events. Idempotent. */
export function startApp(withBridge: Bridge = getBridge()): void {
  if (started) return;
  started = true;
  bridge = withBridge;
  withBridge.on('job.progress', onProgress);
  withBridge.on('job.finished', onFinished);
  withBridge.on('case.changed', setCase);
  withBridge.on('stream.tick', onStreamTick);
  withBridge.on('stream.alert', onStreamAlert);
  if (isConnectedBridge(withBridge)) {
    let everOpen = withBridge.connection === 'open';
    set({ connection: withBridge.connection });
    withBridge.onConnection((state) => {
      set({ connection: state });
      if (state !== 'open') return;
      if (everOpen) {
        // Events were missed while the socket was down: resync, and let views refetch.
        set((s) => ({ connectionEpoch: s.connectionEpoch + 1 }));
        void loadState().then(releaseLostWaiters);
      }
      everOpen = true;
    });
  }
  void loadState();
}
