// The renderer's store: one zustand store made of slices (app, case, jobs, live, notices, ui),
// each in its own module, connected to the engine by `startApp`. Views read state with
// `useStore(selector)` and call the actions exported below.
import { create } from 'zustand';
import type { Bridge } from '../../../src-shared/contract';
import type { DatasetInfo, JobProgress } from '../../../src-shared/domain';
import { createBridge, isConnectedBridge } from '../bridge';
import { createAppSlice } from './app-slice';
import { createCaseSlice } from './case-slice';
import { createJobsSlice } from './jobs-slice';
import { createLiveSlice } from './live-slice';
import { createNoticesSlice } from './notices-slice';
import type { StoreState } from './types';
import { createUiSlice } from './ui-slice';

export type { StoreState } from './types';
export type { BannerMessage, Notice } from './notices-slice';
export type { LiveState } from './live-slice';
export type { PendingImport, StagedFile, Upload } from './jobs-slice';
export { selectCaseBusy, selectDemoJob } from './jobs-slice';
export {
  applyTheme,
  EMPTY_QUERY,
  readStoredTheme,
  TABS,
  type QueryState,
  type SortState,
  type Tab,
  type TableStatus,
  type Theme,
} from './ui-slice';

export const useStore = create<StoreState>()((...a) => ({
  ...createAppSlice(...a),
  ...createCaseSlice(...a),
  ...createJobsSlice(...a),
  ...createLiveSlice(...a),
  ...createNoticesSlice(...a),
  ...createUiSlice(...a),
}));

// The actions never change: take them once.
export const {
  showError,
  showInfo,
  dismissErrors,
  dismissError,
  showNotice,
  dismissNotice,
  selectDatasetId,
  openCase,
  bumpData,
  setSort,
  setFilters,
  removeFilter,
  clearFilters,
  setTableStatus,
  toggleTheme,
  setTab,
  openStory,
  setLiveOpen,
  startStream,
  launchAttack,
  runJob,
  updateScores,
  trainAndScore,
  cancelJob,
  importFiles,
  closeImport,
  stageImport,
  startImport,
} = useStore.getState();

export const selectDataset = (s: StoreState): DatasetInfo | null =>
  s.caseInfo?.datasets.find((d) => d.id === s.selectedDatasetId) ?? null;

/** The bridge the app was started with (views fetch through it). */
export const appBridge = (): Bridge => useStore.getState().bridge ?? startApp();

/** Loads the engine's state: the case, the running jobs. */
async function loadState(): Promise<void> {
  const s = useStore.getState();
  const r = await s.bridge!.invoke('app.state', {});
  if (!r.ok) {
    s.showError(r.error, 'Could not load the workstation state');
    useStore.setState({ ready: true });
    return;
  }
  const finished = useStore.getState().finishedIds;
  const jobs: Record<string, JobProgress> = {};
  for (const j of r.value.jobs) if (!finished.includes(j.jobId)) jobs[j.jobId] = j;
  useStore.setState({ ready: true, shell: r.value.shell, casesFolder: r.value.casesFolder ?? null, jobs });
  s.setCase(r.value.case);
}

/** Connects the store to the engine: loads the state, then follows its events. Idempotent. */
export function startApp(bridge: Bridge = createBridge()): Bridge {
  const s = useStore.getState();
  if (s.bridge) return s.bridge;
  useStore.setState({ bridge });
  bridge.on('job.progress', s.onProgress);
  bridge.on('job.finished', s.onFinished);
  bridge.on('case.changed', s.setCase);
  bridge.on('stream.tick', s.onStreamTick);
  bridge.on('stream.alert', s.onStreamAlert);
  if (isConnectedBridge(bridge)) {
    let everOpen = bridge.connection === 'open';
    useStore.setState({ connection: bridge.connection });
    bridge.onConnection((state) => {
      useStore.setState({ connection: state });
      if (state !== 'open') return;
      if (everOpen) {
        // Events were missed while the socket was down: resync, and let views refetch.
        useStore.setState((st) => ({ connectionEpoch: st.connectionEpoch + 1 }));
        void loadState();
      }
      everOpen = true;
    });
  }
  void loadState();
  return bridge;
}
