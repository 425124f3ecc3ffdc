// The rule engine against our simulator: the validation report's scenarios, reproduced.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../src-main/engine/rules/alerts';
import { loadRulesConfig, parseRulesConfig, type RulesConfig } from '../../src-main/engine/rules/config';
import { RuleEngine } from '../../src-main/engine/rules/engine';
import { checkEvent, ColumnsBuilder } from '../../src-main/engine/rules/events';
import { applyVerdict } from '../../src-main/engine/rules/feedback';
import { simulate, type SimOptions, type SimSummary } from '../../src-main/engine/simulate/apilog';
import { readFileSync } from 'node:fs';
import { failure } from './helpers';

const cfg = loadRulesConfig();
const MINUTE = 60_000;

function run(opts: SimOptions, config: RulesConfig = cfg) {
  const engine = new RuleEngine(config);
  const b = new ColumnsBuilder(engine.dict, 1 << 16);
  let id = 0;
  const sim = simulate(opts, {
    api: (ts, key, ip, op, cx, f, t, rows, bytes, status, denied, lat) =>
      b.api(++id, ts, key, ip, op, cx, f, t, rows, bytes, status, denied, lat),
    login: (ts, user, ip, fail) => b.login(++id, ts, user, ip, fail),
  });
  engine.process(b.cols);
  return { engine, sim, cols: b.cols, ...engine.finish() };
}

const scenario = (sim: SimSummary, name: string) => sim.scenarios.find((s) => s.scenario === name)!;
const describeAlerts = (alerts: AlertRecord[]) =>
  alerts.map((a) => `${a.rule} ${a.entity} ${new Date(a.start).toISOString()}`);

describe('rules configuration', () => {
  it('loads config/rules.yaml: nine rules, each with a switch', () => {
    expect(Object.keys(cfg.rules)).toHaveLength(9);
    for (const r of Object.values(cfg.rules)) expect(typeof r.enabled).toBe('boolean');
    expect(cfg.piiFields).toContain('ssn');
    expect(cfg.allowlist.length).toBeGreaterThan(0);
  });

  it('a bad value is an error naming the field', () => {
    const text = readFileSync(path.resolve(__dirname, '../../config/rules.yaml'), 'utf8');
    const bad = (from: string, to: string) =>
      failure(() => parseRulesConfig(text.replace(from, to), 'rules.yaml')).message;
    expect(bad('multiplier: 2.0', 'multiplier: lots')).toMatch(/^rules\.rate_spike\.multiplier: /);
    expect(bad('10.0.0.0/8', '10.0.0.0/99')).toMatch(/^allowlist_cidrs\.0: a CIDR is/);
    expect(bad('    window: 5m\n    multiplier: 2.0', '    window: 90s\n    multiplier: 2.0')).toMatch(
      /^rules\.rate_spike\.window: a rule window is whole minutes/,
    );
    expect(bad('cooldown: 10m', 'cooldown: soon')).toMatch(/^cooldown: a duration/);
    expect(bad('  cross_table:\n    enabled: true', '  cross_table:\n    enabled: yes please')).toMatch(
      /^rules\.cross_table\.enabled: /,
    );
  });
});

describe('event input', () => {
  const api = {
    ts: '2026-01-05T10:00:00Z',
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
  };
  it('accepts API calls and logins, epoch ms or ISO times, with extra fields', () => {
    expect(checkEvent({ ...api, extra: 'kept' }, { line: 1 })).toBe(0);
    expect(checkEvent({ ...api, ts: 1767607200000 }, { line: 1 })).toBe(0);
    expect(checkEvent({ ts: 1767607200000, user: 'u', ip: '1.2.3.4', result: 'failure' }, { line: 2 })).toBe(
      1,
    );
  });
  it('a missing or wrong field is an error naming the line and the field', () => {
    const { ip: _ip, ...noIp } = api;
    void _ip;
    expect(failure(() => checkEvent(noIp, { file: 'f.jsonl', line: 7 }))).toMatchObject({
      code: 'MALFORMED_INPUT',
      line: 7,
      column: 'ip',
      file: 'f.jsonl',
    });
    expect(failure(() => checkEvent({ ...api, fields: ['ssn'] }, { line: 3 }))).toMatchObject({
      line: 3,
      column: 'fields',
    });
    expect(failure(() => checkEvent({ ...api, auth: 'maybe' }, { line: 4 })).column).toBe('auth');
    expect(
      failure(() => checkEvent({ ts: 'yesterday', user: 'u', ip: 'x', result: 'failure' }, { line: 5 }))
        .column,
    ).toBe('ts');
    expect(failure(() => checkEvent({ ts: 1, user: 'u', result: 'failure' }, { line: 6 })).message).toMatch(
      /"ip": missing/,
    );
  });
});

describe('simulator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const digest = (seed: number) => {
      const h = createHash('sha256');
      simulate(
        { keys: 10, events: 20_000, days: 2, seed, scenarios: ['brute_force'] },
        {
          api: (...a) => h.update(JSON.stringify(a)),
          login: (...a) => h.update(JSON.stringify(a)),
        },
      );
      return h.digest('hex');
    };
    expect(digest(7)).toBe(digest(7));
    expect(digest(7)).not.toBe(digest(8));
  });
});

describe('the validation report, reproduced', () => {
  it('1,000,000 normal events over 100 keys and 14 days: zero alerts (the report reached 2)', () => {
    const r = run({ keys: 100, events: 1_000_000, days: 14, seed: 42 });
    expect(r.cols.n).toBeGreaterThanOrEqual(1_000_000);
    expect(r.engine.events.api + r.engine.events.login).toBe(r.cols.n);
    expect(describeAlerts(r.alerts)).toEqual([]);
  });

  const attacked = run({
    keys: 20,
    events: 600_000,
    days: 15,
    seed: 3,
    scenarios: [
      'rate_spike',
      'exfiltration',
      'brute_force',
      'lateral_movement',
      'new_key',
      'one_second_spike',
    ],
  });

  it('raises exactly the alerts the attacks call for, and nothing on normal traffic', () => {
    const attackers = new Set(attacked.sim.scenarios.flatMap((s) => [s.entity]));
    const stray = attacked.alerts.filter((a) => !attackers.has(a.entity));
    expect(describeAlerts(stray)).toEqual([]);
  });

  it('rate spike: a key at its baseline jumping to 2.4× for 5 minutes is alerted in the first window', () => {
    const s = scenario(attacked.sim, 'rate_spike');
    const a = attacked.alerts.filter((x) => x.rule === 'rate_spike' && x.entity === s.entity);
    expect(a).toHaveLength(1);
    const firedAt = a[0].start + cfg.rules.rate_spike.windowMin * MINUTE; // its first event
    expect(firedAt).toBeGreaterThan(s.start);
    expect(firedAt).toBeLessThanOrEqual(s.end);
    expect(a[0].observed).toBeGreaterThanOrEqual(2 * a[0].baseline!);
    expect(a[0].confidence).toBe(1);
  });

  it('one-second spike: no alert (the 5-minute window absorbs it)', () => {
    const s = scenario(attacked.sim, 'one_second_spike');
    const near = attacked.alerts.filter(
      (x) => x.entity === s.entity && Math.abs(x.start - s.start) < 30 * MINUTE,
    );
    expect(describeAlerts(near)).toEqual([]);
  });

  it('exfiltration: new PII field and volume alerts, correlated into one incident of HIGH or above', () => {
    const s = scenario(attacked.sim, 'exfiltration');
    const mine = attacked.alerts.filter((a) => a.entity === s.entity);
    const field = mine.find((a) => a.rule === 'new_field')!;
    const volume = mine.find((a) => a.rule === 'data_volume')!;
    expect(field.details).toMatchObject({ field: 'User.ssn', pii: true });
    expect(field.count).toBe(1); // learned at once: one alert for the field
    expect(volume).toBeDefined();
    expect(field.incident).not.toBeNull();
    expect(volume.incident).toBe(field.incident);
    const incident = attacked.incidents.find((i) => i.seq === field.incident)!;
    expect(incident.kind).toBe('exfiltration');
    expect(['HIGH', 'CRITICAL']).toContain(incident.severity);
    expect(attacked.incidents.filter((i) => i.entities.includes(`key:${s.entity}`))).toHaveLength(1);
  });

  it('brute force: alert at the 10th failure, rate-limit from the 11th; an allowlisted IP: no alert', () => {
    const s = scenario(attacked.sim, 'brute_force');
    const bf = attacked.alerts.filter((a) => a.rule === 'brute_force');
    expect(bf.map((a) => a.entity)).toEqual([s.entity]);
    const a = bf[0];
    // the burst's events, in order
    const ids: number[] = [];
    const ipId = attacked.engine.dict.ips.find(s.entity)!;
    for (let i = 0; i < attacked.cols.n; i++)
      if (attacked.cols.kind[i] === 1 && attacked.cols.ip[i] === ipId && attacked.cols.failure[i])
        ids.push(attacked.cols.id[i]);
    expect(ids).toHaveLength(50);
    expect(a.evidence.slice(0, 10)).toEqual(ids.slice(0, 10)); // raised by the 10th
    expect(a.details.rateLimitFromEventId).toBe(ids[10]); // the 11th
    expect(a.details.failures).toBe(50);
    expect(a.severity).toBe('HIGH');
    expect(attacked.alerts.some((x) => x.entity === s.allowlistedIp)).toBe(false);
  });

  it('lateral movement: one HIGH alert per new table', () => {
    const s = scenario(attacked.sim, 'lateral_movement');
    const ct = attacked.alerts.filter((a) => a.rule === 'cross_table' && a.entity === s.entity);
    expect(ct.map((a) => a.details.table)).toEqual(['Order', 'Payment', 'Inventory']);
    for (const a of ct) expect(a.severity).toBe('HIGH');
  });

  it('a new key with normal traffic: no alert; a new key in a burst: alerts at half the confidence', () => {
    const s = scenario(attacked.sim, 'new_key');
    expect(attacked.alerts.filter((a) => a.entity === s.entity)).toEqual([]);
    const engine = new RuleEngine(cfg);
    const b = new ColumnsBuilder(engine.dict, 1 << 16);
    let id = 0;
    let last = 0;
    simulate(
      { keys: 20, events: 600_000, days: 15, seed: 3 },
      {
        api: (ts, key, ip, op, cx, f, t, rows, bytes, status, denied, lat) => {
          b.api(++id, ts, key, ip, op, cx, f, t, rows, bytes, status, denied, lat);
          last = ts;
        },
        login: (ts, user, ip, fail) => b.login(++id, ts, user, ip, fail),
      },
    );
    for (let j = 0; j < 3000; j++)
      // 600 calls a minute for 5 minutes
      b.api(
        ++id,
        last + 1000 + j * 100,
        'key-brand-new',
        '34.1.2.3',
        'getOrder',
        20,
        ['Order.id'],
        ['Order'],
        1,
        400,
        200,
        false,
        15,
      );
    engine.process(b.cols);
    const fresh = engine.finish().alerts.filter((a) => a.entity === 'key-brand-new');
    expect(fresh.map((a) => a.rule)).toContain('rate_spike');
    // the rule's confidence (points) times the baseline's 0.5
    for (const a of fresh) expect(a.confidence).toBe((cfg.rules[a.rule].confidence / 100) * 0.5);
  });

  it('zero traffic: a key silent for 14 days is skipped, then starts again as a new key without alerts', () => {
    const r = run({ keys: 10, events: 150_000, days: 17, seed: 5, scenarios: ['dormant_key'] });
    const s = scenario(r.sim, 'dormant_key');
    expect(r.alerts.filter((a) => a.entity === s.entity)).toEqual([]);
    const k = r.engine.dict.keys.find(s.entity)!;
    expect(r.engine.ctx.keys.learningUntil[k]).toBeGreaterThan(s.start); // it came back as a new key
  });
});

describe('feedback', () => {
  const fresh = { confidence: 100, falsePositives: 0, confirmed: 0, disabled: false };
  it('a false positive costs 5 points; the 10th drops the rule to 50 and disables it', () => {
    let s = applyVerdict(fresh, 'false_positive');
    expect(s.confidence).toBe(95);
    for (let i = 1; i < 9; i++) s = applyVerdict(s, 'false_positive');
    expect(s).toMatchObject({ falsePositives: 9, confidence: 55, disabled: false });
    s = applyVerdict(s, 'false_positive');
    expect(s).toMatchObject({ falsePositives: 10, confidence: 50, disabled: true });
  });
  it('a confirmed attack adds 10 up to 100; after 5, the rule alerts at CRITICAL', () => {
    let s = { ...fresh, confidence: 80 };
    s = applyVerdict(s, 'confirmed');
    expect(s.confidence).toBe(90);
    for (let i = 0; i < 4; i++) s = applyVerdict(s, 'confirmed');
    expect(s).toMatchObject({ confidence: 100, confirmed: 5 });
    const states = new Map([['cross_table' as const, s]]);
    const engine = new RuleEngine(cfg, { states });
    const b = new ColumnsBuilder(engine.dict);
    const t0 = Date.UTC(2026, 0, 5);
    let id = 0;
    for (let h = 0; h < 48; h++)
      b.api(
        ++id,
        t0 + h * 3_600_000,
        'k',
        '10.0.0.1',
        'getUser',
        1,
        ['User.id'],
        ['User'],
        1,
        1,
        200,
        false,
        1,
      );
    b.api(
      ++id,
      t0 + 49 * 3_600_000,
      'k',
      '10.0.0.1',
      'getOrder',
      1,
      ['Order.id'],
      ['Order'],
      1,
      1,
      200,
      false,
      1,
    );
    engine.process(b.cols);
    expect(engine.finish().alerts.map((a) => [a.rule, a.severity])).toEqual([['cross_table', 'CRITICAL']]);
  });
  it('a disabled rule does not run', () => {
    const states = new Map([['brute_force' as const, { ...fresh, disabled: true }]]);
    const engine = new RuleEngine(cfg, { states });
    const b = new ColumnsBuilder(engine.dict);
    for (let i = 0; i < 20; i++) b.login(i + 1, Date.UTC(2026, 0, 5) + i * 1000, 'u', '198.51.100.9', true);
    engine.process(b.cols);
    expect(engine.finish().alerts).toEqual([]);
  });
});

describe('live mode', () => {
  it('takes one event object at a time and returns the alerts it raised', () => {
    const engine = new RuleEngine(cfg);
    const t0 = Date.UTC(2026, 0, 5, 12);
    const raised: AlertRecord[] = [];
    for (let i = 0; i < 12; i++)
      raised.push(
        ...engine.push({ ts: t0 + i * 1000, user: 'u', ip: '198.51.100.7', result: 'failure' }, i + 1),
      );
    expect(raised.map((a) => a.rule)).toEqual(['brute_force']);
    expect(raised[0].evidence).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // the 10 that raised it, then the repeats
    expect(raised[0].details.rateLimitFromEventId).toBe(11);
    expect(() => engine.push({ ts: t0, user: 'u', result: 'failure' }, 13, 13)).toThrow(/"ip": missing/);
  });
});
