// The live stream the trainer watches: its ticks, the alerts it raised (newest first) and the
// attacks launched into it.
import type {
  LaunchedAttack,
  LiveAlert,
  LiveAttack,
  StreamAlert,
  StreamTick,
} from '../../../src-shared/domain';
import type { Slice } from './types';

export interface LiveState {
  jobId: string | null;
  tick: StreamTick | null;
  /** Newest first, at most LIVE_ALERTS_MAX. */
  alerts: LiveAlert[];
  attacks: LaunchedAttack[];
}

const LIVE_ALERTS_MAX = 500;

export interface LiveSlice {
  /** The live-stream view is shown instead of the dataset. */
  liveOpen: boolean;
  live: LiveState;
  setLiveOpen(open: boolean): void;
  startStream(speed: number): Promise<void>;
  launchAttack(scenario: LiveAttack): Promise<void>;
  onStreamTick(t: StreamTick): void;
  onStreamAlert(a: StreamAlert): void;
}

export const createLiveSlice: Slice<LiveSlice> = (set, get) => ({
  liveOpen: false,
  live: { jobId: null, tick: null, alerts: [], attacks: [] },
  setLiveOpen: (open) => set({ liveOpen: open }),
  async startStream(speed) {
    const r = await get().bridge!.invoke('stream.start', { speed });
    if (!r.ok) return get().showError(r.error, 'Could not start the live stream');
    set({ live: { jobId: r.value.jobId, tick: null, alerts: [], attacks: [] } });
  },
  async launchAttack(scenario) {
    const jobId = get().live.jobId;
    if (!jobId) return;
    const r = await get().bridge!.invoke('stream.attack', { jobId, scenario });
    if (!r.ok) return get().showError(r.error, `Could not launch ${scenario.replace(/_/g, ' ')}`);
    set((s) => ({ live: { ...s.live, attacks: [r.value, ...s.live.attacks].slice(0, 50) } }));
  },
  onStreamTick(t) {
    set((s) =>
      s.live.jobId === t.jobId || s.live.jobId === null
        ? { live: { ...s.live, jobId: t.jobId, tick: t } }
        : s,
    );
  },
  onStreamAlert(a) {
    set((s) =>
      s.live.jobId === a.jobId || s.live.jobId === null
        ? {
            live: {
              ...s.live,
              jobId: a.jobId,
              alerts: [a.alert, ...s.live.alerts].slice(0, LIVE_ALERTS_MAX),
            },
          }
        : s,
    );
  },
});
