// Per-minute rules count within a sliding minute (the last 60 seconds), not a calendar minute,
// and report the real number of events in it.
import { describe, expect, it } from 'vitest';
import { loadRulesConfig } from '../../src-main/engine/rules/config';
import { RuleEngine } from '../../src-main/engine/rules/engine';
import { ColumnsBuilder } from '../../src-main/engine/rules/events';

const cfg = loadRulesConfig();
const T = Date.UTC(2026, 0, 5, 10); // 10:00:00, a minute boundary
const S = 1000;

/** Denied calls of one key at the given times; the engine's alerts. */
function denied(times: number[]) {
  const engine = new RuleEngine(cfg);
  const b = new ColumnsBuilder(engine.dict, 1 << 10);
  times.forEach((ts, j) =>
    b.api(j + 1, ts, 'key-a', '10.0.0.1', 'getUser', 10, ['User.id'], ['User'], 0, 0, 403, true, 20),
  );
  engine.process(b.cols);
  return engine.finish().alerts;
}

/** Failed logins from one unknown IP at the given times; the engine's alerts. */
function failures(times: number[]) {
  const engine = new RuleEngine(cfg);
  const b = new ColumnsBuilder(engine.dict, 1 << 10);
  times.forEach((ts, j) => b.login(j + 1, ts, 'u', '198.51.100.7', true));
  engine.process(b.cols);
  return engine.finish().alerts;
}

describe('authorization failures: more than 5 denied within a sliding minute', () => {
  it('5 denied at :59 and 5 at :01 across a minute boundary are 10 within a minute: alerted', () => {
    const late = [55, 56, 57, 58, 59].map((s) => T - 60 * S + s * S); // 09:59:55 .. 09:59:59
    const early = [1, 2, 3, 4, 5].map((s) => T + s * S); // 10:00:01 .. 10:00:05
    const alerts = denied([...late, ...early]);
    expect(alerts.map((a) => [a.rule, a.entity, a.observed, a.evidence[0]])).toEqual([
      ['auth_failures', 'key-a', 10, 6],
    ]);
    expect(alerts[0].count).toBe(5); // the 6th to the 10th
    expect(alerts[0].start).toBe(late[0]);
  });

  it('6 across the boundary fire; 5 across it do not', () => {
    const three = [57, 58, 59].map((s) => T - 60 * S + s * S);
    expect(denied([...three, T + 1 * S, T + 2 * S, T + 3 * S]).map((a) => a.observed)).toEqual([6]);
    expect(denied([...three, T + 1 * S, T + 2 * S])).toEqual([]);
  });

  it('5 a minute, every minute, never more than 5 within any 60 seconds: no alert', () => {
    const times: number[] = [];
    for (let m = 0; m < 10; m++) for (let j = 0; j < 5; j++) times.push(T + m * 60 * S + j * 12 * S);
    expect(denied(times)).toEqual([]);
  });
});

describe('brute force: the failures really within the minute', () => {
  it('50 failures spread over 2 minutes: alerted at the 10th, 25 within the minute, 50 in all', () => {
    const times = Array.from({ length: 50 }, (_, j) => T + j * 2400); // one every 2.4 s
    const alerts = failures(times);
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect(a.evidence.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(a.observed).toBe(25); // at most 25 within any 60 seconds, not 50
    expect(a.details.failures).toBe(25);
    expect(a.details.totalFailures).toBe(50); // the 10 that raised it, then 40 repeats
    expect(a.count).toBe(41);
    expect(a.details.rateLimitFromEventId).toBe(11);
  });

  it('50 failures within one minute: 50 within the minute', () => {
    const a = failures(Array.from({ length: 50 }, (_, j) => T + j * 1000))[0];
    expect([a.observed, a.details.failures, a.details.totalFailures]).toEqual([50, 50, 50]);
  });

  it('9 a minute, evenly, never 10 within 60 seconds: no alert', () => {
    expect(failures(Array.from({ length: 90 }, (_, j) => T + Math.round((j * 60 * S) / 9)))).toEqual([]);
  });
});
