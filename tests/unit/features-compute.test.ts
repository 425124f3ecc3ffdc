import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { computeFeatures, type FeatureInput } from '../../src-main/engine/features/compute';
import { loadFeatureConfig, parseFeatureConfig } from '../../src-main/engine/features/config';
import { P2Quantile } from '../../src-main/engine/features/p2-quantile';
import { rng } from '../../src-main/engine/demo/demo-data';

const config = loadFeatureConfig(path.resolve(__dirname, '../../config/feature_config.yaml'));
const H = 3_600_000;
const T0 = Date.UTC(2026, 9, 5, 12); // a Monday, 12:00 UTC

function input(
  rows: { t: number; e: number; amount?: number; ip?: number; dev?: number; res?: number; fail?: number }[],
): FeatureInput {
  const n = rows.length;
  return {
    n,
    id: Float64Array.from(rows, (_, i) => i + 1),
    ts: Float64Array.from(rows, (r) => r.t),
    codes: {
      entity: Int32Array.from(rows, (r) => r.e),
      src_ip: Int32Array.from(rows, (r) => r.ip ?? 0),
      device: Int32Array.from(rows, (r) => r.dev ?? 0),
      resource: Int32Array.from(rows, (r) => r.res ?? 0),
    },
    amount: Float64Array.from(rows, (r) => r.amount ?? NaN),
    failure: Uint8Array.from(rows, (r) => r.fail ?? 0),
  };
}

function feature(out: ReturnType<typeof computeFeatures>, name: string): number[] {
  const k = out.names.indexOf(name);
  expect(k).toBeGreaterThanOrEqual(0);
  return Array.from(out.values[k]);
}

describe('point-in-time features', () => {
  const rows = [
    { t: T0, e: 0, amount: 10, ip: 1, dev: 1, res: 1 },
    { t: T0 + 10 * 60_000, e: 0, amount: 20, ip: 1, dev: 2, res: 1, fail: 1 },
    { t: T0 + 30 * 60_000, e: 1, amount: 500, ip: 1, dev: 3, res: 2 }, // another entity, same IP
    { t: T0 + 50 * 60_000, e: 0, amount: 30, ip: 2, dev: 1, res: 2 },
    { t: T0 + 2 * H, e: 0, amount: 1000, ip: 2, dev: 1, res: 2 },
    { t: T0 + 26 * H, e: 0, amount: 40, ip: 3, dev: 1, res: 1 },
  ];
  const out = computeFeatures(config, input(rows));

  it('counts, sums and maxima over windows that include the event', () => {
    expect(feature(out, 'count_1h')).toEqual([1, 2, 1, 3, 1, 1]);
    expect(feature(out, 'count_24h')).toEqual([1, 2, 1, 3, 4, 2]); // the last window starts exactly at the 5th event
    expect(feature(out, 'velocity_1h')).toEqual([10, 30, 500, 60, 1000, 40]);
    expect(feature(out, 'amount_max_24h')).toEqual([10, 20, 500, 30, 1000, 1000]);
    expect(feature(out, 'time_since_last_s')).toEqual([NaN, 600, NaN, 2400, 4200, 86400]);
  });

  it('compares an amount with the entity’s own history before it', () => {
    const z = feature(out, 'amount_zscore');
    expect(z[0]).toBe(0); // no history
    expect(z[1]).toBe(0); // one earlier amount: no spread yet
    expect(z[3]).toBeCloseTo((30 - 15) / Math.sqrt(50), 12); // history 10, 20
    expect(z[4]).toBeCloseTo((1000 - 20) / 10, 12); // history 10, 20, 30: mean 20, sd 10
    const p95 = feature(out, 'amount_vs_p95');
    expect(p95[0]).toBeNaN();
    expect(p95[1]).toBe(2); // 20 / 10
    expect(p95[4]).toBe(1000 / 30);
    const std = feature(out, 'amount_std_24h');
    expect(std[1]).toBe(5); // 10, 20
  });

  it('counts distinct values, failures and first sightings per group', () => {
    expect(feature(out, 'distinct_devices_24h')).toEqual([1, 2, 1, 2, 2, 1]);
    expect(feature(out, 'failure_ratio_24h')).toEqual([0, 0.5, 0, 1 / 3, 0.25, 0]);
    expect(feature(out, 'first_seen_ip')).toEqual([1, 0, 1, 1, 0, 1]);
    expect(feature(out, 'first_seen_device')).toEqual([1, 1, 1, 0, 0, 0]);
    // per source IP: ip 1 saw entities 0, 0, 1 within the hour
    expect(feature(out, 'ip_count_1h')).toEqual([1, 2, 3, 1, 1, 1]);
    expect(feature(out, 'ip_distinct_entities_1h')).toEqual([1, 1, 2, 1, 1, 1]);
    expect(feature(out, 'ip_failure_ratio_1h')).toEqual([0, 0.5, 1 / 3, 0, 0, 0]);
  });

  it('has calendar features in UTC', () => {
    expect(feature(out, 'hour_of_day').slice(0, 2)).toEqual([12, 12]);
    expect(feature(out, 'day_of_week')[0]).toBe(1); // Monday
    expect(feature(out, 'off_hours')[0]).toBe(0);
  });

  it('never changes an earlier value when later events are appended', () => {
    const r = rng(3);
    const base = Array.from({ length: 3000 }, (_, i) => ({
      t: T0 + i * 20_000 + Math.floor(r() * 10_000),
      e: Math.floor(r() * 40),
      amount: Math.round(r() * 1000) / 10,
      ip: Math.floor(r() * 30),
      dev: Math.floor(r() * 60),
      res: Math.floor(r() * 8),
      fail: r() < 0.1 ? 1 : 0,
    }));
    const later = Array.from({ length: 1000 }, (_, i) => ({ ...base[i], t: T0 + 3000 * 20_000 + i * 5_000 }));
    const a = computeFeatures(config, input(base));
    const b = computeFeatures(config, input([...base, ...later]));
    expect(b.names).toEqual(a.names);
    a.values.forEach((col, k) =>
      expect(Array.from(b.values[k].subarray(0, base.length))).toEqual(Array.from(col)),
    );
    // and computing only the new events gives what a full pass gives them
    const want = new Uint8Array(base.length + later.length).fill(1, base.length);
    const c = computeFeatures(config, input([...base, ...later]), want);
    b.values.forEach((col, k) =>
      expect(Array.from(c.values[k].subarray(base.length))).toEqual(Array.from(col.subarray(base.length))),
    );
  });

  it('gives a dataset only the features its columns allow', () => {
    const bare: FeatureInput = {
      n: 2,
      id: Float64Array.of(1, 2),
      ts: Float64Array.of(T0, T0 + 1000),
      codes: {},
      amount: null,
      failure: null,
    };
    const got = computeFeatures(config, bare);
    expect(got.names).toEqual([
      'count_1h',
      'count_24h',
      'time_since_last_s',
      'hour_of_day',
      'day_of_week',
      'off_hours',
    ]);
    expect(feature(got, 'count_1h')).toEqual([1, 2]); // no entity: the whole dataset is one
  });
});

describe('feature configuration', () => {
  it('is validated, naming what is wrong', () => {
    const bad = (yaml: string) => () => parseFeatureConfig(yaml, 'f.yaml');
    const head = 'version: 1\noff_hours: { from: 22, to: 6 }\nfailure_values: [failure]\n';
    expect(bad(head + 'features:\n  - { name: x, kind: count }')).toThrow(
      /features.0 \(x\): a count feature needs a window/,
    );
    expect(bad(head + 'features:\n  - { name: x, kind: nope }')).toThrow(/features.0.kind/);
    expect(bad(head + 'features:\n  - { name: x, kind: hour }\n  - { name: x, kind: hour }')).toThrow(
      /used twice/,
    );
    expect(bad('version: [')).toThrow(/not valid YAML/);
  });
});

describe('P² quantile', () => {
  it('tracks the 95th percentile of a stream closely', () => {
    const r = rng(11);
    const q = new P2Quantile(0.95);
    const xs: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = -Math.log(r() || 1e-12) * 50;
      xs.push(x);
      q.add(x);
    }
    xs.sort((a, b) => a - b);
    const exact = xs[Math.ceil(0.95 * xs.length) - 1];
    expect(Math.abs(q.value() - exact) / exact).toBeLessThan(0.02);
  });
});

describe('events without a time, and files not in time order', () => {
  it('never let an event see a later one, and leave untimed events out of everyone’s windows', () => {
    const rows = [
      { t: T0 + 5000, e: 0, amount: 1 },
      { t: NaN, e: 1, amount: 7 },
      { t: T0 + 3000, e: 0, amount: 2 },
      { t: NaN, e: 0, amount: 1000 },
    ];
    const out = computeFeatures(config, input(rows));
    expect(feature(out, 'count_1h').slice(0, 3)).toEqual([2, NaN, 1]); // the t=3000 event sees nothing later
    expect(feature(out, 'time_since_last_s')[0]).toBe(2);
    expect(feature(out, 'count_1h')[3]).toBeNaN();
    expect(feature(out, 'amount_zscore')[0]).toBe(0); // the untimed 1000 is in nobody's history
    // appending an untimed event, and a later one, changes nothing before them
    const more = computeFeatures(
      config,
      input([...rows, { t: NaN, e: 0, amount: 5 }, { t: T0 + 6000, e: 3, amount: 9 }]),
    );
    out.values.forEach((col, k) =>
      expect(Array.from(more.values[k].subarray(0, 4))).toEqual(Array.from(col)),
    );
  });
});
