// Review of the rule engine against issue 4: behaviours the first tests did not pin down.
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EngineHost } from '../../src-main/engine/host';
import { loadRulesConfig } from '../../src-main/engine/rules/config';
import { RuleEngine } from '../../src-main/engine/rules/engine';
import { ColumnsBuilder, sortByTime } from '../../src-main/engine/rules/events';
import { simulate, writeApilog } from '../../src-main/engine/simulate/apilog';
import { hostWithCase, ingest, writeFile, startJob } from './helpers';

const cfg = loadRulesConfig();
const cli = path.resolve(__dirname, '../../bin/sentinel.cjs');
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
    const s = await startJob(host, 'rules.run', { datasetId: r.value.dataset.id });
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

describe('hostile case content: kept baselines that were altered', () => {
  it('a baseline blob of the wrong size is a clear NOT_A_CASE error, not a crash', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const file = path.join(dir, 'api.jsonl');
    writeApilog({ keys: 4, events: 20_000, days: 2, seed: 1 }, file);
    const r = await ingest(host, { path: file, name: 'api' });
    if (!r.ok) throw new Error(r.error.message);
    const first = await startJob(host, 'rules.run', { datasetId: r.value.dataset.id });
    if (!first.ok) throw new Error(first.error.message);
    expect((await first.value.done).ok).toBe(true);
    // a second dataset after the first: the kept baselines are read back
    const next = path.join(dir, 'next.jsonl');
    writeApilog({ keys: 4, events: 2000, days: 1, seed: 1, start: Date.UTC(2026, 0, 8) }, next);
    const r2 = await ingest(host, { path: next, name: 'next' });
    if (!r2.ok) throw new Error(r2.error.message);
    await host.close();
    for (const alter of [
      "UPDATE rule_engine_state SET hist = x'010203'",
      'UPDATE rule_baselines SET slots = zeroblob(7) WHERE rowid = 1',
      "UPDATE rule_baselines SET fields = 'not json' WHERE rowid = 1",
    ]) {
      const copy = path.join(dir, `altered-${alter.length}.sentinel`);
      copyFileSync(casePath, copy);
      const db = new Database(copy);
      db.exec(alter);
      db.close();
      const h = new EngineHost({ shell: 'cli' });
      try {
        expect((await h.call('case.open', { path: copy })).ok).toBe(true);
        const s = await startJob(h, 'rules.run', { datasetId: r2.value.dataset.id });
        const done = s.ok ? await s.value.done : s;
        expect(done).toMatchObject({ ok: false, error: { code: 'NOT_A_CASE' } });
        expect(!done.ok && done.error.message).toMatch(/rule_(engine_state|baselines)/);
      } finally {
        await h.close();
      }
    }
  });
});

describe('the rules the first tests left out', () => {
  const T0 = Date.UTC(2026, 0, 5); // a Monday
  type Call = {
    key?: string;
    op?: string;
    complexity?: number;
    rows?: number;
    status?: number;
    denied?: boolean;
    latency?: number;
  };
  /** Runs `calls` (time, call) through a fresh engine in time order; its alerts. */
  function runCalls(calls: [number, Call][], config = cfg) {
    const engine = new RuleEngine(config);
    const b = new ColumnsBuilder(engine.dict, 1 << 16);
    calls.forEach(([ts, c], j) =>
      b.api(
        j + 1,
        ts,
        c.key ?? 'key-a',
        '10.0.0.1',
        c.op ?? 'getUser',
        c.complexity ?? 10,
        ['User.id'],
        ['User'],
        c.rows ?? 1,
        (c.rows ?? 1) * 200,
        c.status ?? 200,
        c.denied ?? false,
        c.latency ?? 20,
      ),
    );
    engine.process(sortByTime(b.cols));
    return engine.finish().alerts;
  }
  /** `perMinute` evenly spaced calls a minute from `from` for `minutes`. */
  const every = (from: number, minutes: number, perMinute: number, call: (j: number) => Call = () => ({})) =>
    Array.from(
      { length: minutes * perMinute },
      (_, j) => [from + Math.floor((j * MINUTE) / perMinute), call(j)] as [number, Call],
    );

  it('complexity: alerts at the 5th consecutive call above the threshold, not after a break', () => {
    const t = T0 + 10 * HOUR;
    const broken = runCalls([
      ...[0, 1, 2, 3].map((j) => [t + j * 1000, { complexity: 5000 }] as [number, Call]),
      [t + 4000, { complexity: 10 }],
      ...[5, 6, 7, 8].map((j) => [t + j * 1000, { complexity: 5000 }] as [number, Call]),
    ]);
    expect(broken).toEqual([]);
    const run = runCalls([0, 1, 2, 3, 4, 5].map((j) => [t + j * 1000, { complexity: 5000 }]));
    expect(run.map((a) => [a.rule, a.entity, a.evidence[0], a.observed])).toEqual([
      ['complexity', 'key-a', 5, 5000],
    ]);
  });

  it('authorization failures: more than 5 denied calls of a key within a minute', () => {
    const t = T0 + 10 * HOUR;
    const denied = (n: number) =>
      runCalls(Array.from({ length: n }, (_, j) => [t + j * 2000, { denied: true, rows: 0, status: 403 }]));
    expect(denied(5)).toEqual([]);
    const six = denied(6);
    expect(six.map((a) => [a.rule, a.entity, a.observed, a.evidence])).toEqual([
      ['auth_failures', 'key-a', 6, [6]],
    ]);
  });

  it('error rate: a share of 5xx above 10% over 5 minutes alerts; below it does not', () => {
    const t = T0 + 10 * HOUR;
    const low = runCalls(every(t, 10, 30, (j) => ({ status: j % 12 === 0 ? 500 : 200 })));
    expect(low).toEqual([]);
    const high = runCalls(every(t, 10, 30, (j) => ({ status: j % 8 === 0 ? 503 : 200 })));
    expect(high.map((a) => a.rule)).toEqual(['error_rate']);
    expect(high[0].observed).toBeGreaterThan(10);
    expect(high[0].observed).toBeLessThan(15);
  });

  it('query latency: the p95 of an operation jumping 4× its learned p95 alerts on the operation', () => {
    const t = T0 + 8 * HOUR;
    const normal = every(t, 180, 30, (j) => ({ latency: 20 + (j % 10) }));
    const quiet = runCalls([
      ...normal,
      ...every(t + 180 * MINUTE, 15, 30, (j) => ({ latency: 22 + (j % 10) })),
    ]);
    expect(quiet).toEqual([]);
    const slow = runCalls([
      ...normal,
      ...every(t + 180 * MINUTE, 15, 30, (j) => ({ latency: 100 + (j % 10) })),
    ]);
    expect(slow.map((a) => [a.rule, a.entityKind, a.entity])).toEqual([
      ['query_latency', 'operation', 'getUser'],
    ]);
    expect(slow[0].observed).toBeGreaterThan(3 * slow[0].baseline!);
  });

  it('data volume: 4× the rows alerts on an ordinary key, not on an admin key (5×)', () => {
    const start = T0;
    const days = 15;
    const calls: [number, Call][] = [];
    for (const key of ['key-plain', 'key-bulk-admin', 'key-listed'])
      calls.push(...every(start, days * 24 * 60 - 60, 4, () => ({ key, rows: 50 })));
    const last = start + (days - 1) * DAY + 14 * HOUR;
    for (const key of ['key-plain', 'key-bulk-admin', 'key-listed'])
      calls.push(...every(last, 10, 4, () => ({ key, rows: 150 }))); // on top: 4× the rows
    const listed = { ...cfg, adminKeys: ['key-listed'] };
    const alerts = runCalls(calls, listed).filter((a) => a.rule === 'data_volume');
    expect(alerts.map((a) => a.entity)).toEqual(['key-plain']);
    expect(alerts[0].observed).toBeGreaterThanOrEqual(3 * alerts[0].baseline!);
  });
});

describe('stored alerts from an altered case', () => {
  /** A case with one run of `n` alerts over a dataset, written straight into its tables. */
  async function caseWithAlerts(n: number, evidence = '[1]') {
    const { host, dir, casePath } = await hostWithCase();
    const r = await ingest(host, {
      path: writeFile(dir, 'tx.csv', 'ts,user,amount\n2026-01-05T00:00:00Z,a,1\n'),
      name: 'tx',
    });
    if (!r.ok) throw new Error(r.error.message);
    await host.close();
    const db = new Database(casePath);
    db.prepare(
      "INSERT INTO rule_runs (id, dataset_id, events, alerts, seconds, resumed, created_at) VALUES (1, ?, 1, ?, 0, 0, 'x')",
    ).run(r.value.dataset.id, n);
    db.prepare(
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
       INSERT INTO alerts (run_id, dataset_id, rule, entity_kind, entity, start_ts, end_ts, observed, severity,
         confidence, count, evidence, details)
       SELECT 1, ?, 'cross_table', 'key', 'k' || i, i, i, 1, 'HIGH', 1, 1, ?, '{}' FROM s`,
    ).run(n, r.value.dataset.id, evidence);
    db.close();
    return { dir, casePath };
  }

  it('evidence that is not JSON is a NOT_A_CASE error naming the table, not a SyntaxError', async () => {
    const { casePath } = await caseWithAlerts(2, 'oops');
    const h = new EngineHost({ shell: 'cli' });
    try {
      expect((await h.call('case.open', { path: casePath })).ok).toBe(true);
      const r = await h.call('alerts.list', {});
      expect(r).toMatchObject({ ok: false, error: { code: 'NOT_A_CASE' } });
      expect(!r.ok && r.error.message).toMatch(/alerts/);
    } finally {
      await h.close();
    }
  });

  it('`sentinel alerts --case F --json` lists every stored alert, not the first 10,000', async () => {
    const { casePath } = await caseWithAlerts(10_050);
    const r = spawnSync(process.execPath, [cli, 'alerts', '--case', casePath, '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 1 << 28,
    });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(10_050);
    const limited = spawnSync(
      process.execPath,
      [cli, 'alerts', '--case', casePath, '--limit', '3', '--json'],
      {
        encoding: 'utf8',
      },
    );
    expect((JSON.parse(limited.stdout) as unknown[]).length).toBe(3);
  });
});
