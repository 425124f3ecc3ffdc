// Baselines per key, day of week and hour over a rolling 14-day window (p95), issue 4: what
// is older than 14 days drops out, the statistic is the p95 of the window's hourly totals, and
// cases kept in the earlier format (running averages) are converted when read.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EngineHost } from '../../src-main/engine/host';
import { readSavedBaselines } from '../../src-main/engine/db/rules-store';
import { loadRulesConfig } from '../../src-main/engine/rules/config';
import { RuleEngine } from '../../src-main/engine/rules/engine';
import { ColumnsBuilder } from '../../src-main/engine/rules/events';
import { decodeTotal, SlotBaselines, SLOT_CODES } from '../../src-main/engine/rules/slot-baselines';
import { METRICS, SLOTS, slotOf, weekOf } from '../../src-main/engine/rules/state';
import { writeApilog } from '../../src-main/engine/simulate/apilog';
import { hostWithCase, ingest, startJob } from './helpers';

const cfg = loadRulesConfig();
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
const T0 = Date.UTC(2026, 0, 5); // a Monday

/**
 * Key `k` calls `perMinute[w]` times a minute on Monday 10:00–11:00 of week w (0: none), with a
 * call at 11:30 that closes the hour; the engine starts the Sunday before. Returns the engine
 * after the weeks given, and the builder to add more.
 */
function mondays(perMinute: number[]) {
  const engine = new RuleEngine(cfg);
  const b = new ColumnsBuilder(engine.dict, 1 << 16);
  let id = 0;
  const call = (ts: number) =>
    b.api(++id, ts, 'k', '10.0.0.1', 'getUser', 10, ['User.id'], ['User'], 1, 200, 200, false, 10);
  call(T0 - DAY); // the engine's first (partial) hour is never learned
  perMinute.forEach((n, w) => {
    const at = T0 + w * WEEK + 10 * HOUR;
    for (let j = 0; j < 60 * n; j++) call(at + Math.floor((j * MINUTE) / n));
    if (n > 0) call(at + 90 * MINUTE);
  });
  return { engine, b, call };
}

describe('baselines: the last 14 days only, p95 of the hourly totals', () => {
  it('a busy hour three weeks back has dropped out: a 2.5× spike is alerted against the last two weeks', () => {
    // week 0 (in the warm-up): 100 calls a minute; weeks 1, 2: 20; week 3: 50 (2.5× of 20)
    const { engine, b } = mondays([100, 20, 20, 50]);
    engine.process(b.cols);
    const alerts = engine.finish().alerts.filter((a) => a.rule === 'rate_spike');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].start + 5 * MINUTE).toBeGreaterThanOrEqual(T0 + 3 * WEEK + 10 * HOUR);
    expect(alerts[0].start + 5 * MINUTE).toBeLessThanOrEqual(T0 + 3 * WEEK + 10 * HOUR + 5 * MINUTE);
    // the baseline is the last two weeks' 1,200 calls an hour (100 in 5 minutes), not a running
    // average that still carries week 0's 6,000
    expect(alerts[0].baseline).toBeCloseTo(100, 0);
  });

  it('the baseline is the p95 of the window’s hourly totals (of two weeks: the busier), not their average', () => {
    const { engine, b, call } = mondays([0, 30, 20]);
    call(T0 + 3 * WEEK + 10 * HOUR); // week 3, Monday 10:00: the thresholds of that hour
    engine.process(b.cols);
    const k = engine.dict.keys.find('k')!;
    // 1,800 calls an hour in week 1, 1,200 in week 2: p95 = 1,800 → 150 in 5 minutes
    expect(engine.ctx.keys.baseRate[k]).toBeCloseTo(150, 0);
    expect(engine.ctx.keys.baseConf[k]).toBe(1);
  });

  it('one week more and week 1 has left the window: only week 2 counts', () => {
    const { engine, b, call } = mondays([0, 30, 20]);
    call(T0 + 4 * WEEK + 10 * HOUR); // week 4: weeks 2 and 3 are the window; week 3 had no traffic
    engine.process(b.cols);
    const k = engine.dict.keys.find('k')!;
    expect(engine.ctx.keys.baseRate[k]).toBeCloseTo(100, 0);
  });

  it('SlotBaselines: a third week pushes the oldest out; a skipped week drops the older sample', () => {
    const s = new SlotBaselines();
    const out = new Float64Array(METRICS);
    s.learn(0, 5, 100, 1000, 10, 100);
    s.learn(0, 5, 101, 3000, 30, 300);
    expect(s.baseline(0, 5, 102, 2, out)).toBe(true);
    expect(out[0]).toBeCloseTo(3000, -1);
    s.learn(0, 5, 102, 500, 5, 50);
    expect(s.baseline(0, 5, 103, 2, out)).toBe(true);
    expect(out[0]).toBeCloseTo(3000, -1); // weeks 101, 102
    expect(s.baseline(0, 5, 104, 2, out)).toBe(true);
    expect(out[0]).toBeCloseTo(500, -1); // week 102 only
    expect(s.baseline(0, 5, 105, 2, out)).toBe(false); // nothing within 14 days
    s.learn(0, 5, 110, 700, 7, 70); // after a gap: week 102 is not its previous week
    expect(s.baseline(0, 5, 111, 2, out)).toBe(true);
    expect(out[0]).toBeCloseTo(700, -1);
    expect(out[1]).toBeCloseTo(7, 1);
    expect(out[2]).toBeCloseTo(70, 0);
  });
});

describe('baselines kept in the earlier format (running averages)', () => {
  it('are converted when read: each slot becomes its latest week, and the case runs on', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const file = path.join(dir, 'api.jsonl');
    writeApilog({ keys: 4, events: 20_000, days: 2, seed: 1 }, file);
    const r = await ingest(host, { path: file, name: 'api' });
    if (!r.ok) throw new Error(r.error.message);
    const first = await startJob(host, 'rules.run', { datasetId: r.value.dataset.id });
    if (!first.ok) throw new Error(first.error.message);
    expect((await first.value.done).ok).toBe(true);
    const next = path.join(dir, 'next.jsonl');
    writeApilog({ keys: 4, events: 2000, days: 1, seed: 1, start: Date.UTC(2026, 0, 8) }, next);
    const r2 = await ingest(host, { path: next, name: 'next' });
    if (!r2.ok) throw new Error(r2.error.message);
    await host.close();

    // rewrite every key's slots as the earlier format wrote them: Float32 averages, week mod 255
    const db = new Database(casePath);
    const asOf = db.prepare('SELECT as_of FROM rule_engine_state').pluck().get() as number;
    const slot = slotOf(asOf - HOUR);
    const values = new Float32Array(SLOTS * METRICS);
    values.set([1234, 56, 7890], slot * METRICS);
    const weeks = new Uint8Array(SLOTS).fill(255);
    weeks[slot] = weekOf(asOf - HOUR) % 255;
    db.prepare('UPDATE rule_baselines SET slots = ?, weeks = ? WHERE slots IS NOT NULL').run(
      Buffer.from(values.buffer),
      Buffer.from(weeks.buffer),
    );
    const saved = readSavedBaselines(db)!;
    db.close();
    const key = saved.keys.find((k) => k.slots)!;
    expect(key.slots!.length).toBe(SLOTS * SLOT_CODES);
    expect(key.weeks![slot] - 1).toBe(weekOf(asOf - HOUR));
    expect(key.weeks!.filter((w) => w !== 0)).toHaveLength(1);
    expect(decodeTotal(key.slots![slot * SLOT_CODES])).toBeCloseTo(1234, -1);
    expect(decodeTotal(key.slots![slot * SLOT_CODES + 2])).toBeCloseTo(7890, -1);

    const h = new EngineHost({ shell: 'cli' });
    try {
      expect((await h.call('case.open', { path: casePath })).ok).toBe(true);
      const s = await startJob(h, 'rules.run', { datasetId: r2.value.dataset.id });
      const done = s.ok ? await s.value.done : s;
      expect(done).toMatchObject({ ok: true, value: { resumed: true } });
    } finally {
      await h.close();
    }
  });
});
