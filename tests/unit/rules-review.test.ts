// Review of the rule engine against issue 4: behaviours the first tests did not pin down.
import { describe, expect, it } from 'vitest';
import { loadRulesConfig } from '../../src-main/engine/rules/config';
import { RuleEngine } from '../../src-main/engine/rules/engine';
import { ColumnsBuilder, sortByTime } from '../../src-main/engine/rules/events';
import { simulate } from '../../src-main/engine/simulate/apilog';
import { hostWithCase, ingest, writeFile } from './helpers';

const cfg = loadRulesConfig();
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Two weeks of simulated traffic, then `extra` calls of the busiest key; the run's alerts on it. */
function busiestKeyWith(extra: (heaviest: string, at: number, perMinute: number) => number[]) {
  const engine = new RuleEngine(cfg);
  const b = new ColumnsBuilder(engine.dict, 1 << 16);
  let id = 0;
  const opts = { keys: 5, events: 300_000, days: 15, seed: 9 };
  const sim = simulate(opts, {
    api: (ts, key, ip, op, cx, f, t, rows, bytes, status, denied, lat) =>
      b.api(++id, ts, key, ip, op, cx, f, t, rows, bytes, status, denied, lat),
    login: (ts, user, ip, fail) => b.login(++id, ts, user, ip, fail),
  });
  // the last Wednesday, 14:30 UTC (business hours for the busiest key, a business-hours key)
  let day = sim.start + (opts.days - 1) * DAY;
  while (new Date(day).getUTCDay() !== 3) day -= DAY;
  const at = day + 14 * HOUR + 30 * MINUTE;
  const heaviest = 'key-shop-000';
  const k = engine.dict.keys.find(heaviest)!;
  let near = 0; // its calls in the hour before
  for (let i = 0; i < b.cols.n; i++)
    if (b.cols.kind[i] === 0 && b.cols.key[i] === k && b.cols.ts[i] >= at - HOUR && b.cols.ts[i] < at) near++;
  const perMinute = near / 60;
  expect(perMinute).toBeGreaterThan(10); // a busy key: its baseline is well above the noise floor
  for (const ts of extra(heaviest, at, perMinute))
    b.api(++id, ts, heaviest, '10.9.9.9', 'getOrder', 20, ['Order.id'], ['Order'], 1, 400, 200, false, 15);
  engine.process(sortByTime(b.cols));
  return engine.finish().alerts.filter((a) => a.entity === heaviest && a.rule === 'rate_spike');
}

describe('rate spike: a sustained rate, never a one-second spike', () => {
  it('a one-second burst of four windows’ worth of calls does not fire', () => {
    const alerts = busiestKeyWith((_, at, perMinute) => {
      const n = Math.round(perMinute * 5 * 4);
      return Array.from({ length: n }, (_, j) => at + 10_000 + Math.floor((j * 1000) / n));
    });
    expect(alerts).toEqual([]);
  });

  it('nor does one that straddles a minute boundary', () => {
    const alerts = busiestKeyWith((_, at, perMinute) => {
      const n = Math.round(perMinute * 5 * 4);
      return Array.from({ length: n }, (_, j) => at - 500 + Math.floor((j * 1000) / n));
    });
    expect(alerts).toEqual([]);
  });

  it('the same number of calls spread over 5 minutes (a sustained 2.4×) fires within the window', () => {
    let from = 0;
    const alerts = busiestKeyWith((_, at, perMinute) => {
      from = at;
      const n = Math.round(perMinute * 5 * 1.4);
      return Array.from({ length: n }, (_, j) => at + Math.floor((j * 5 * MINUTE) / n));
    });
    expect(alerts).toHaveLength(1);
    const firedAt = alerts[0].start + cfg.rules.rate_spike.windowMin * MINUTE;
    expect(alerts[0].observed).toBeGreaterThanOrEqual(2 * alerts[0].baseline!);
    expect(firedAt).toBeGreaterThan(from);
    expect(firedAt).toBeLessThanOrEqual(from + 5 * MINUTE); // in the first window
  });
});

describe('bad input through a case: a clear error, never silent corruption', () => {
  const line = (over: Record<string, unknown>, i: number) =>
    JSON.stringify({
      ts: new Date(Date.UTC(2026, 0, 5) + i * 1000).toISOString(),
      api_key: 'k',
      ip: '10.0.0.1',
      operation: 'getUser',
      complexity: 10,
      fields: ['User.id'],
      tables: ['User'],
      rows: 1,
      bytes: 200,
      status: 200,
      auth: 'ok',
      latency_ms: 12,
      ...over,
    });

  async function runOn(lines: string[]) {
    const { host, dir } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 'api.jsonl', lines.join('\n')), name: 'api' });
    if (!r.ok) throw new Error(r.error.message);
    const s = host.startRules(r.value.dataset.id);
    return { host, result: s.ok ? await s.value.done : s };
  }

  for (const [field, value] of [
    ['rows', 'many'],
    ['bytes', -5],
    ['complexity', 'high'],
    ['status', 'teapot'],
    ['latency_ms', 'slow'],
    ['auth', 'maybe'],
  ] as const)
    it(`a stored event whose "${field}" is ${JSON.stringify(value)} is an error naming the event and field`, async () => {
      const lines = Array.from({ length: 5 }, (_, i) => line({}, i));
      lines[2] = line({ [field]: value }, 2);
      const { result } = await runOn(lines);
      expect(result).toMatchObject({ ok: false, error: { code: 'MALFORMED_INPUT', column: field } });
      expect(!result.ok && result.error.message).toMatch(new RegExp(`event 3 of dataset "api".*"${field}"`));
    });
});
