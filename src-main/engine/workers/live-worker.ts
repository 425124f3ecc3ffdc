// Live-stream worker: plays simulated traffic through the rule engine in accelerated real time
// (live/stream.ts), pushing alerts as they are raised and a tick twice a second. `run` answers
// when the simulation ends; cancelling the call stops it.
import { parentPort } from 'node:worker_threads';
import { fail } from '../../../src-shared/result';
import type { LaunchedAttack, LiveAttack, StreamTick } from '../../../src-shared/domain';
import type { RpcContext } from '../../../src-shared/rpc';
import { LiveStream, toLiveAlert, type LiveOptions } from '../live/stream';
import { loadRulesConfig } from '../rules/config';
import { serveWorker } from '../worker-rpc';

export type LiveApi = {
  run: { params: { options: LiveOptions; speed: number }; result: { reason: 'cancelled' | 'finished' } };
  attack: { params: LiveAttack; result: LaunchedAttack };
};
export type LiveEvents = {
  ready: { learned: number; seconds: number };
  alerts: ReturnType<typeof toLiveAlert>[];
  tick: Omit<StreamTick, 'jobId' | 'speed'>;
};

let stream: LiveStream | null = null;

const STEP_MS = 50;
const TICK_MS = 500;

function run(
  { options, speed }: LiveApi['run']['params'],
  { emit, signal }: RpcContext<LiveEvents>,
): Promise<LiveApi['run']['result']> {
  const t0 = performance.now();
  stream = new LiveStream(loadRulesConfig(), options);
  const s = stream;
  emit('ready', { learned: s.learned, seconds: (performance.now() - t0) / 1000 });
  const wall0 = performance.now();
  const sim0 = s.now;
  let lastTick = 0;
  let lastEvents = 0;
  let lastTickAt = wall0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (signal.aborted) {
        clearInterval(timer);
        resolve({ reason: 'cancelled' });
        return;
      }
      const now = performance.now();
      const alerts = s.advance(sim0 + (now - wall0) * speed);
      if (alerts.length) emit('alerts', alerts.map(toLiveAlert));
      if (now - lastTick >= TICK_MS) {
        const eps = ((s.pushed - lastEvents) * 1000) / Math.max(1, now - lastTickAt);
        lastEvents = s.pushed;
        lastTickAt = now;
        lastTick = now;
        emit('tick', {
          simTime: s.now,
          events: s.pushed,
          eventsPerSecond: eps,
          ...s.latency(),
          alerts: s.alertCount,
          learned: s.learned,
        });
      }
      if (s.done) {
        clearInterval(timer);
        resolve({ reason: 'finished' });
      }
    }, STEP_MS);
  });
}

serveWorker<LiveApi, LiveEvents>(parentPort!, {
  run,
  attack: (scenario) => (stream ?? fail('BAD_REQUEST', 'the stream has not started')).attack(scenario),
});
