import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Params } from '../../src-shared/contract';
import type { InjectionInfo } from '../../src-shared/domain';
import { compileFormula } from '../../src-main/engine/scenarios/formula';
import { loadScenarioConfig, parseScenarioConfig } from '../../src-main/engine/scenarios/config';
import { GENERATORS } from '../../src-main/engine/scenarios/generators';
import type { EngineHost } from '../../src-main/engine/host';
import { hostWithCase, ingest, snapshot, writeFile, call } from './helpers';

const T0 = Date.UTC(2026, 9, 5);

/** A dataset with every role: 40 users over 5 days, with ips, devices, tables, statuses. */
function csv(): string {
  const lines = ['ts,user,ip,device,tables,amount,status,country,fields,rows,bytes'];
  for (let i = 0; i < 4000; i++) {
    const u = i % 40;
    lines.push(
      `${new Date(T0 + i * 108_000).toISOString()},user_${u},10.1.${u}.${i % 3},dev_${u},"[""t${u % 4}""]",${10 + ((i * 37) % 90)},${i % 17 === 0 ? 'failure' : 'success'},DE,"[""User.id""]",${1 + (i % 5)},${200 + i}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function inject(host: EngineHost, params: Params<'scenario.inject'>): Promise<InjectionInfo> {
  const r = await host.call('scenario.inject', params);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

function injectedRows(casePath: string, injectionId: number): Record<string, unknown>[] {
  const db = new Database(casePath, { readonly: true });
  try {
    return db
      .prepare(
        'SELECT d.* FROM ds_1 d JOIN injected_events e ON e.event_id = d._id WHERE e.injection_id = ? ORDER BY d._ts',
      )
      .all(injectionId) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('attack scenarios', () => {
  it('has a validated configuration for every generator, with business rules', () => {
    const specs = loadScenarioConfig(path.resolve(__dirname, '../../config/adversarial_config.yaml'));
    expect([...specs.keys()].sort()).toEqual(Object.keys(GENERATORS).sort());
    expect(specs.size).toBeGreaterThanOrEqual(11);
    for (const s of specs.values()) {
      expect(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(s.business.risk);
      expect(s.business.escalation.length).toBeGreaterThan(0);
    }
    const head = 'version: 1\nscenarios:\n';
    const one = (business: string) =>
      head +
      `  login_burst: { description: x, needs: [entity], defaults: { intensity: 2, duration: 5m }, business: ${business} }`;
    expect(() =>
      parseScenarioConfig(
        one("{ risk: SEVERE, cost: '1', sla_minutes: 5, action: a, escalation: [b] }"),
        'a.yaml',
      ),
    ).toThrow(/risk/);
    expect(() =>
      parseScenarioConfig(
        one("{ risk: LOW, cost: 'events * dollars', sla_minutes: 5, action: a, escalation: [b] }"),
        'a.yaml',
      ),
    ).toThrow(/unknown name "dollars"/);
    expect(() =>
      parseScenarioConfig(
        head +
          '  bank_heist: { description: x, needs: [], defaults: { intensity: 1, duration: 1m }, business: { risk: LOW, cost: 1, sla_minutes: 1, action: a, escalation: [b] } }',
        'a.yaml',
      ),
    ).toThrow(/no such scenario/);
  });

  it('works out costs from safe formulas', () => {
    const f = compileFormula('amount_total * 0.5 + (events - 1) * 2', ['events', 'amount_total'], 'x');
    expect(f({ events: 3, amount_total: 100 })).toBe(54);
    expect(() => compileFormula('process.exit()', ['events'], 'x')).toThrow(/unknown name "process"/);
    expect(() => compileFormula('(1 + 2', ['events'], 'x')).toThrow(/not closed/);
  });

  it('injects each scenario as labelled events that look like the dataset’s own, and removes them again', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 'ev.csv', csv()) });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const before = snapshot(casePath);
    const start = T0 + 3 * 86_400_000 + 9 * 3_600_000;

    const burst = await inject(host, {
      datasetId: 1,
      scenario: 'login_burst',
      entity: 'user_7',
      start,
      seed: 1,
    });
    expect(burst).toMatchObject({
      scenario: 'login_burst',
      entity: 'user_7',
      events: 20,
      business: { risk: 'HIGH', cost: 500, slaMinutes: 15 },
    });
    const rows = injectedRows(casePath, burst.injectionId);
    expect(rows.map((x) => x.status)).toEqual([...Array(19).fill('failure'), 'success']);
    expect(new Set(rows.map((x) => x.ip)).size).toBe(1);
    expect(String(rows[0].ip)).toMatch(/^100\./); // an address the dataset never saw
    expect(rows.every((x) => x.user === 'user_7' && x.country === 'DE')).toBe(true); // the rest copied from user_7
    expect(Math.max(...rows.map((x) => x._ts as number)) - start).toBeLessThan(5 * 60_000);

    const high = await inject(host, {
      datasetId: 1,
      scenario: 'high_value_sudden',
      entity: 'user_3',
      start,
      seed: 2,
    });
    for (const x of injectedRows(casePath, high.injectionId))
      expect(x.amount as number).toBeGreaterThan(99 * 8);
    expect(high.business.cost).toBeGreaterThan(2 * 99 * 8);

    const testing = await inject(host, { datasetId: 1, scenario: 'card_testing', start, seed: 3 });
    expect(injectedRows(casePath, testing.injectionId).every((x) => (x.amount as number) <= 2)).toBe(true);

    const lateral = await inject(host, {
      datasetId: 1,
      scenario: 'lateral_movement',
      entity: 'user_5',
      start,
      seed: 5,
    });
    const tables = injectedRows(casePath, lateral.injectionId).map((x) => x.tables);
    expect(tables).toEqual(['["t0"]', '["t2"]', '["t3"]']); // user_5 only ever read t1

    const brute = await inject(host, { datasetId: 1, scenario: 'brute_force', start, seed: 4 });
    const bruteRows = injectedRows(casePath, brute.injectionId);
    expect(bruteRows).toHaveLength(50);
    expect(new Set(bruteRows.map((x) => x.ip)).size).toBe(1);
    expect(new Set(bruteRows.map((x) => x.user)).size).toBe(40);
    expect(bruteRows[49]._ts as number).toBeLessThan(start + 60_000);

    const exfil = await inject(host, {
      datasetId: 1,
      scenario: 'data_exfiltration',
      entity: 'user_9',
      intensity: 30,
      start,
      seed: 6,
    });
    expect(
      injectedRows(casePath, exfil.injectionId).every((x) => String(x.fields).includes('User.ssn')),
    ).toBe(true);

    const list = await host.call('scenario.list', {});
    expect((list as { ok: true; value: InjectionInfo[] }).value.map((i) => i.scenario)).toEqual([
      'login_burst',
      'high_value_sudden',
      'card_testing',
      'lateral_movement',
      'brute_force',
      'data_exfiltration',
    ]);
    expect((await call(host, 'app.state', {})).case!.datasets[0].rows).toBe(4000 + 20 + 2 + 25 + 50 + 3 + 30);

    for (const i of [burst, high, testing, lateral, brute, exfil]) {
      expect(await host.call('scenario.remove', { injectionId: i.injectionId })).toMatchObject({
        ok: true,
        value: { removed: i.events },
      });
    }
    const after = snapshot(casePath);
    expect(after.datasets).toEqual(before.datasets);
    expect((await call(host, 'app.state', {})).case!.datasets[0].rows).toBe(4000);
  });

  it('is reproducible with a seed, and refuses what cannot work', async () => {
    const { host, dir, casePath } = await hostWithCase();
    await ingest(host, { path: writeFile(dir, 'ev.csv', csv()) });
    const a = await inject(host, { datasetId: 1, scenario: 'velocity_spike', seed: 42 });
    const b = await inject(host, { datasetId: 1, scenario: 'velocity_spike', seed: 42 });
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ _id: _drop, ...rest }) => rest);
    expect(strip(injectedRows(casePath, b.injectionId))).toEqual(
      strip(injectedRows(casePath, a.injectionId)),
    );

    await ingest(host, { path: writeFile(dir, 'bare.csv', 'ts,cpu\n2026-10-05T00:00:00Z,1\n') });
    expect(await host.call('scenario.inject', { datasetId: 2, scenario: 'velocity_spike' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/needs a entity, amount column/) },
    });
    expect(await host.call('scenario.inject', { datasetId: 1, scenario: 'teleport' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/no scenario "teleport"/) },
    });
    expect(
      await host.call('scenario.inject', { datasetId: 1, scenario: 'login_burst', entity: 'nobody' }),
    ).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no events of "nobody"/) } });
    expect(await host.call('scenario.remove', { injectionId: 99 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });
});
