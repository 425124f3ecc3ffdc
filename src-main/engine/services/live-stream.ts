// The live stream as a service: simulated API and login traffic played through the rules in a
// worker (workers/live-worker.ts), `speed` simulated seconds per second, as a job (progress,
// Cancel) whose alerts and ticks are pushed to every shell. It does not touch the case.
import type { LaunchedAttack, LiveAttack, StreamResult } from '../../../src-shared/domain';
import type { EventMap, EventName } from '../../../src-shared/contract';
import { err, ok, type Result } from '../../../src-shared/result';
import type { RpcClient } from '../../../src-shared/rpc';
import type { Job } from '../jobs';
import { spawnWorker } from '../worker-spawn';
import { connectWorker } from '../worker-rpc';
import type { LiveApi, LiveEvents } from '../workers/live-worker';
import type { Service } from './index';

export interface LiveStreamOptions {
  speed: number;
  keys: number;
  seed: number;
}

export class LiveStreamService implements Service {
  private readonly rpc: RpcClient<LiveApi, LiveEvents>;
  private readonly stopping = new AbortController();
  /** Settles with the job's result when the stream ends. */
  readonly done: Promise<Result<StreamResult>>;

  constructor(
    private readonly job: Job,
    { speed, keys, seed }: LiveStreamOptions,
    emit: <E extends EventName>(event: E, payload: EventMap[E]) => void,
  ) {
    const jobId = job.id;
    job.progress.phase = 'learning baselines';
    const worker = spawnWorker('live-worker');
    job.workers.add(worker);
    this.rpc = connectWorker(worker, 'the live-stream worker');
    let events = 0;
    let alerts = 0;
    this.rpc.on('ready', (m) => {
      job.progress.phase = `live: learned from ${m.learned.toLocaleString('en-US')} events`;
    });
    this.rpc.on('alerts', (list) => {
      alerts += list.length;
      for (const alert of list) emit('stream.alert', { jobId, alert });
    });
    this.rpc.on('tick', (m) => {
      events = m.events;
      job.progress.rows = m.events;
      job.progress.phase = `live · ${new Date(m.simTime).toISOString().slice(11, 16)} simulated`;
      emit('stream.tick', { jobId, speed, ...m });
    });
    // A cancelled job stops the stream; so does stop().
    const watch = setInterval(() => {
      if (job.cancelled) this.stopping.abort();
    }, 50);
    this.done = this.rpc
      .call(
        'run',
        { options: { keys, seed, days: 14, events: keys * 7_000 }, speed },
        { signal: this.stopping.signal },
      )
      .then((r): Result<StreamResult> => {
        clearInterval(watch);
        this.rpc.close({ code: 'CANCELLED', message: 'the live stream stopped' });
        if (!r.ok) return r.error.code === 'CANCELLED' ? err('CANCELLED', 'live stream stopped') : r;
        return r.value.reason === 'cancelled'
          ? err('CANCELLED', 'live stream stopped')
          : ok({ events, alerts, seconds: (performance.now() - job.started) / 1000 });
      });
  }

  /** Launches an attack into the running stream. */
  attack(scenario: LiveAttack): Promise<Result<LaunchedAttack>> {
    return this.rpc.call('attack', scenario);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.done;
  }
}
