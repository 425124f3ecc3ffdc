// The live stream: simulated traffic played one event at a time through the rules, attacks
// launched on demand are caught within their window; through the host, alerts and ticks are
// pushed as events and Cancel stops it.
import { describe, expect, it } from 'vitest';
import type { LaunchedAttack, StreamAlert, StreamTick } from '../../src-shared/domain';
import { EngineHost } from '../../src-main/engine/host';
import { LiveStream } from '../../src-main/engine/live/stream';
import { loadRulesConfig } from '../../src-main/engine/rules/config';
import { call } from './helpers';

const MINUTE = 60_000;

describe('live stream', () => {
  const stream = new LiveStream(loadRulesConfig(), { keys: 12, seed: 5, days: 14, events: 90_000 });

  it('learns from history, then plays normal traffic without alerts', () => {
    expect(stream.learned).toBeGreaterThan(80_000);
    const start = stream.now;
    const alerts = stream.advance(start + 60 * MINUTE);
    expect(stream.pushed).toBeGreaterThan(100);
    expect(alerts).toEqual([]);
    const { p50Us, p99Us } = stream.latency();
    expect(p50Us).toBeGreaterThan(0);
    expect(p99Us).toBeGreaterThanOrEqual(p50Us);
  });

  it('catches a brute-force attack launched on demand within its minute', () => {
    const launched = stream.attack('brute_force');
    expect(launched.events).toBeGreaterThanOrEqual(50);
    expect(launched.at).toBeGreaterThan(stream.now);
    const alerts = stream.advance(launched.at + 2 * MINUTE);
    const brute = alerts.filter((a) => a.alert.rule === 'brute_force');
    expect(brute.length).toBeGreaterThanOrEqual(1);
    expect(brute[0].alert.entity).toBe(launched.entity);
    // Raised by the 10th failure: the simulator sends one every 1.15 s.
    expect(brute[0].raisedAt - launched.at).toBeGreaterThanOrEqual(9 * 1150);
    expect(brute[0].raisedAt - launched.at).toBeLessThan(11 * 1150);
  });

  it('catches lateral movement, one alert per new table', () => {
    const launched = stream.attack('lateral_movement');
    const alerts = stream
      .advance(launched.at + 15 * MINUTE)
      .map((r) => r.alert)
      .filter((a) => a.rule === 'cross_table');
    expect(alerts.length).toBe(3);
    expect(new Set(alerts.map((a) => a.details.table)).size).toBe(3);
    expect(alerts.every((a) => a.severity === 'HIGH')).toBe(true);
  });

  it('refuses an unknown attack clearly', () => {
    expect(() => stream.attack('meteor' as never)).toThrow(/no attack "meteor"/);
  });
});

describe('live stream through the host', () => {
  it('pushes ticks and alerts, takes attacks, and stops on Cancel', async () => {
    const host = new EngineHost({ shell: 'cli' });
    const ticks: StreamTick[] = [];
    const alerts: StreamAlert[] = [];
    host.on('stream.tick', (t) => ticks.push(t));
    host.on('stream.alert', (a) => alerts.push(a));
    try {
      const started = await host.call('stream.start', { speed: 600, keys: 10, seed: 3 });
      if (!started.ok) throw new Error(JSON.stringify(started.error));
      const { jobId } = started.value as { jobId: string };
      const second = await host.call('stream.start', {});
      expect(second).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      const bad = await host.handle('stream.attack', { jobId, scenario: 'meteor' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      await expect.poll(() => ticks.length, { timeout: 30_000 }).toBeGreaterThan(0);
      const attack = await host.call('stream.attack', { jobId, scenario: 'brute_force' });
      if (!attack.ok) throw new Error(JSON.stringify(attack.error));
      const launched = attack.value as LaunchedAttack;
      await expect
        .poll(
          () => alerts.some((a) => a.alert.rule === 'brute_force' && a.alert.entity === launched.entity),
          {
            timeout: 30_000,
          },
        )
        .toBe(true);
      expect(ticks.at(-1)!.p99Us).toBeGreaterThan(0);
      const finished = new Promise((resolve) =>
        host.on('job.finished', (f) => f.jobId === jobId && resolve(f)),
      );
      expect(await host.call('job.cancel', { jobId })).toMatchObject({
        ok: true,
        value: { cancelled: true },
      });
      expect(await finished).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
      expect(await host.call('stream.attack', { jobId, scenario: 'brute_force' })).toMatchObject({
        ok: false,
      });
    } finally {
      await host.close();
    }
  }, 90_000);
});

describe('live stream requests', () => {
  it('refuses a key count whose 14 days of history would not fit in memory (learning holds every event)', async () => {
    const host = new EngineHost({ shell: 'cli' });
    try {
      // 2,000 keys meant 14,000,000 simulated events held at once before the first live event.
      const big = await host.call('stream.start', { keys: 2000 });
      expect(big).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      if (!big.ok) expect(big.error.message).toMatch(/keys/);
      expect((await call(host, 'app.state', {})).jobs).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
