// A live stream for demos and drills: simulated API-gateway and login traffic played in
// accelerated real time through the rule engine, one event at a time (live mode), with attacks
// launched on demand. The engine first learns its baselines from the simulation's earlier days
// (as columns, at full speed); the last day is then played live.
import { fail } from '../../../src-shared/result';
import type { LiveAttack, LiveAlert } from '../../../src-shared/domain';
import type { RulesConfig } from '../rules/config';
import { RuleEngine } from '../rules/engine';
import type { AlertRecord } from '../rules/alerts';
import { ColumnsBuilder } from '../rules/events';
import { simulate, SCENARIOS, type SimOptions, type SimScenario, type SimSink } from '../simulate/apilog';

const DAY = 86_400_000;

export interface LiveOptions {
  keys: number;
  seed: number;
  /** Days of history to learn from before the live day. */
  days: number;
  /** Normal events over all the days. */
  events: number;
}

type LiveEvent = Record<string, unknown> & { ts: number };

/** The simulator's events as the objects live mode takes (the JSON Lines shape). */
function eventSink(onEvent: (e: LiveEvent, scenario: string | null) => void): SimSink {
  return {
    api: (ts, key, ip, op, complexity, fields, tables, rows, bytes, status, denied, latency, scenario) =>
      onEvent(
        {
          ts,
          api_key: key,
          ip,
          operation: op,
          complexity,
          fields,
          tables,
          rows,
          bytes,
          status,
          auth: denied ? 'denied' : 'ok',
          latency_ms: latency,
        },
        scenario,
      ),
    login: (ts, user, ip, failure, scenario) =>
      onEvent({ ts, user, ip, result: failure ? 'failure' : 'success' }, scenario),
  };
}

const LATENCY_RING = 1 << 16;

export class LiveStream {
  readonly engine: RuleEngine;
  private queue: LiveEvent[] = [];
  private next = 0;
  private nextId = 0;
  /** Simulated time, epoch ms: every event up to it has been pushed. */
  now: number;
  readonly end: number;
  pushed = 0;
  alertCount = 0;
  private readonly latencies = new Float64Array(LATENCY_RING);
  private readonly sim: SimOptions;

  constructor(
    cfg: RulesConfig,
    readonly options: LiveOptions,
  ) {
    this.engine = new RuleEngine(cfg);
    this.sim = { keys: options.keys, events: options.events, days: options.days + 1, seed: options.seed };
    const first = Date.UTC(2026, 0, 5);
    const cut = first + options.days * DAY;
    const b = new ColumnsBuilder(this.engine.dict, 1 << 16);
    simulate(
      this.sim,
      eventSink((e) => {
        if (e.ts < cut) {
          const id = ++this.nextId;
          if ('api_key' in e)
            b.api(
              id,
              e.ts,
              e.api_key as string,
              e.ip as string,
              e.operation as string,
              e.complexity as number,
              e.fields as string[],
              e.tables as string[],
              e.rows as number,
              e.bytes as number,
              e.status as number,
              e.auth === 'denied',
              e.latency_ms as number,
            );
          else b.login(id, e.ts, e.user as string, e.ip as string, e.result === 'failure');
        } else this.queue.push(e);
      }),
    );
    this.engine.process(b.cols);
    this.engine.ctx.book.take(); // what the history raised is not news
    this.now = cut;
    this.end = cut + DAY;
  }

  /** Events learned from before the live day. */
  get learned(): number {
    return this.nextId;
  }

  get queued(): number {
    return this.queue.length - this.next;
  }

  /** Launches an attack now: the simulator's scenario events, moved to start a few seconds ahead. */
  attack(scenario: LiveAttack): { scenario: LiveAttack; entity: string; events: number; at: number } {
    if (!(SCENARIOS as readonly string[]).includes(scenario)) fail('BAD_REQUEST', `no attack "${scenario}"`);
    const extra: LiveEvent[] = [];
    const summary = simulate(
      { ...this.sim, scenarios: [scenario as SimScenario] },
      eventSink((e, tag) => {
        if (tag === scenario) extra.push(e);
      }),
    );
    const info =
      summary.scenarios.find((s) => s.scenario === scenario && extra.length > 0) ??
      fail('BAD_REQUEST', `the simulation has no "${scenario}" events to play`);
    const at = this.now + 2000;
    for (const e of extra) e.ts = e.ts - info.start + at;
    // Merge the rest of the day with the attack, in time order.
    const rest = this.queue.slice(this.next);
    extra.sort((a, b) => a.ts - b.ts);
    const merged: LiveEvent[] = [];
    let i = 0;
    let j = 0;
    while (i < rest.length || j < extra.length) {
      if (j >= extra.length || (i < rest.length && rest[i].ts <= extra[j].ts)) merged.push(rest[i++]);
      else merged.push(extra[j++]);
    }
    this.queue = merged;
    this.next = 0;
    return { scenario, entity: info.entity, events: extra.length, at };
  }

  /** Pushes every event up to `until` (simulated time); returns the alerts they raised. */
  advance(until: number): RaisedAlert[] {
    const raised: RaisedAlert[] = [];
    while (this.next < this.queue.length && this.queue[this.next].ts <= until) {
      const e = this.queue[this.next++];
      const t = performance.now();
      const alerts = this.engine.push(e, ++this.nextId);
      this.latencies[this.pushed++ % LATENCY_RING] = performance.now() - t;
      for (const a of alerts) raised.push({ alert: a, raisedAt: e.ts });
    }
    this.now = Math.max(this.now, until);
    this.alertCount += raised.length;
    return raised;
  }

  /** Per-event latency of the last pushes (up to 65,536), in microseconds. */
  latency(): { p50Us: number; p99Us: number } {
    const n = Math.min(this.pushed, LATENCY_RING);
    if (!n) return { p50Us: 0, p99Us: 0 };
    const xs = this.latencies.slice(0, n).sort();
    const q = (p: number) => xs[Math.min(n - 1, Math.floor(n * p))] * 1000;
    return { p50Us: q(0.5), p99Us: q(0.99) };
  }

  get done(): boolean {
    return this.now >= this.end && this.next >= this.queue.length;
  }
}

/** An alert and the simulated time of the event that raised it (its `end` moves as repeats fold in). */
export interface RaisedAlert {
  alert: AlertRecord;
  raisedAt: number;
}

export function toLiveAlert({ alert, raisedAt }: RaisedAlert): LiveAlert {
  const { evidence: _evidence, incident: _incident, ...shown } = alert;
  return { ...shown, raisedAt };
}
