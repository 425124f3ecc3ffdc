// Live-stream worker: plays simulated traffic through the rule engine in accelerated real time
// (live/stream.ts), posting alerts as they are raised and a tick twice a second.
import { parentPort } from 'node:worker_threads';
import { toAppError } from '../../../src-shared/result';
import type { LiveAttack, StreamTick } from '../../../src-shared/domain';
import { LiveStream, toLiveAlert, type LiveOptions } from '../live/stream';
import { loadRulesConfig } from '../rules/config';

export type LiveRequest =
  | { type: 'start'; options: LiveOptions; speed: number; cancel: SharedArrayBuffer }
  | { type: 'attack'; seq: number; scenario: LiveAttack };

export type LiveReply =
  | { type: 'ready'; learned: number; seconds: number }
  | { type: 'alerts'; alerts: ReturnType<typeof toLiveAlert>[] }
  | ({ type: 'tick' } & Omit<StreamTick, 'jobId' | 'speed'>)
  | { type: 'attacked'; seq: number; result: ReturnType<LiveStream['attack']> }
  | { type: 'attackFailed'; seq: number; error: ReturnType<typeof toAppError> }
  | { type: 'done'; reason: 'cancelled' | 'finished' }
  | { type: 'error'; error: ReturnType<typeof toAppError> };

const port = parentPort!;
const post = (m: LiveReply) => port.postMessage(m);
let stream: LiveStream | null = null;

const STEP_MS = 50;
const TICK_MS = 500;

function run(options: LiveOptions, speed: number, cancel: Int32Array): void {
  const t0 = performance.now();
  stream = new LiveStream(loadRulesConfig(), options);
  const s = stream;
  post({ type: 'ready', learned: s.learned, seconds: (performance.now() - t0) / 1000 });
  const wall0 = performance.now();
  const sim0 = s.now;
  let lastTick = 0;
  let lastEvents = 0;
  let lastTickAt = wall0;
  const timer = setInterval(() => {
    if (Atomics.load(cancel, 0)) {
      clearInterval(timer);
      post({ type: 'done', reason: 'cancelled' });
      return;
    }
    const now = performance.now();
    const alerts = s.advance(sim0 + (now - wall0) * speed);
    if (alerts.length) post({ type: 'alerts', alerts: alerts.map(toLiveAlert) });
    if (now - lastTick >= TICK_MS) {
      const eps = ((s.pushed - lastEvents) * 1000) / Math.max(1, now - lastTickAt);
      lastEvents = s.pushed;
      lastTickAt = now;
      lastTick = now;
      post({
        type: 'tick',
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
      post({ type: 'done', reason: 'finished' });
    }
  }, STEP_MS);
}

port.on('message', (m: LiveRequest) => {
  try {
    if (m.type === 'start') run(m.options, m.speed, new Int32Array(m.cancel));
    else if (m.type === 'attack') {
      if (!stream) throw new Error('the stream has not started');
      try {
        post({ type: 'attacked', seq: m.seq, result: stream.attack(m.scenario) });
      } catch (e) {
        post({ type: 'attackFailed', seq: m.seq, error: toAppError(e) });
      }
    }
  } catch (e) {
    post({ type: 'error', error: toAppError(e) });
  }
});
