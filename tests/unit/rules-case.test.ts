// The rule engine through the host: a simulated API log ingested into a case, the rules run in
// a worker, alerts, incidents, baselines and verdicts kept in the case.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RulesResult, StoredAlert } from '../../src-shared/domain';
import { EngineHost } from '../../src-main/engine/host';
import { writeApilog } from '../../src-main/engine/simulate/apilog';
import { call, hostWithCase, ingest, tempDir, writeFile, startJob, cancel } from './helpers';

async function caseWithLog(scenarios: Parameters<typeof writeApilog>[0]['scenarios'], days = 15) {
  const { host, dir, casePath } = await hostWithCase();
  const file = path.join(dir, 'api.jsonl');
  const sim = writeApilog({ keys: 8, events: 60_000, days, seed: 11, scenarios }, file);
  const r = await ingest(host, { path: file, name: 'api' });
  if (!r.ok) throw new Error(r.error.message);
  return { host, dir, casePath, sim, datasetId: r.value.dataset.id };
}

async function runRules(host: EngineHost, datasetId: number): Promise<RulesResult> {
  const s = await startJob(host, 'rules.run', { datasetId: datasetId });
  if (!s.ok) throw new Error(s.error.message);
  const r = await s.value.done;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const count = (casePath: string, table: string) => {
  const db = new Database(casePath, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('rules over a case', () => {
  it('runs in a worker, stores alerts with their evidence, and keeps them across reopening', async () => {
    const { host, casePath, sim, datasetId } = await caseWithLog(['brute_force', 'lateral_movement']);
    const r = await runRules(host, datasetId);
    expect(r).toMatchObject({ datasetId, events: sim.events, alerts: 4, resumed: false });
    expect(r.byRule).toEqual({ brute_force: 1, cross_table: 3 });
    const alerts = await host.call('alerts.list', { datasetId });
    expect(alerts.ok).toBe(true);
    const list = (alerts as { value: import('../../src-shared/domain').StoredAlert[] }).value;
    const bf = list.find((a) => a.rule === 'brute_force')!;
    expect(bf).toMatchObject({
      entityKind: 'ip',
      entity: '198.51.100.23',
      severity: 'HIGH',
      confidence: 1,
      observed: 50,
      baseline: 10,
      verdict: null,
    });
    expect(bf.evidence.length).toBeGreaterThanOrEqual(10);
    expect(bf.end).toBeGreaterThan(bf.start);
    expect(bf.details.rateLimitFromEventId).toBe(bf.evidence[10]);

    // verdicts move the rule's confidence, and all of it survives closing the case
    const v = await host.call('alert.verdict', { alertId: bf.id, verdict: 'false_positive' });
    expect(v.ok && v.value.rule).toMatchObject({ rule: 'brute_force', confidence: 95, falsePositives: 1 });
    await host.close();
    const reopened = new EngineHost({ shell: 'cli' });
    try {
      expect((await reopened.call('case.open', { path: casePath })).ok).toBe(true);
      const after = await reopened.call('alerts.list', { datasetId: datasetId });
      expect(after.ok && after.value.map((a) => [a.rule, a.verdict])).toEqual(
        list.map((a) => [a.rule, a.id === bf.id ? 'false_positive' : null]),
      );
      const conf = await reopened.call('rules.confidence', {});
      expect(conf.ok && conf.value.find((c) => c.rule === 'brute_force')).toMatchObject({ confidence: 95 });
      expect(count(casePath, 'rule_baselines')).toBeGreaterThanOrEqual(8);
    } finally {
      await reopened.close();
    }
  });

  it("changes and undoes verdicts on rule alerts: the rule's confidence is replayed from the journal, notes and history kept", async () => {
    const { host, casePath, datasetId } = await caseWithLog(['brute_force', 'lateral_movement']);
    try {
      await runRules(host, datasetId);
      const list = await call(host, 'alerts.list', { datasetId });
      const bf = list.find((a) => a.rule === 'brute_force')!;
      const ct = list.filter((a) => a.rule === 'cross_table');
      expect(ct.length).toBe(3);
      const verdict = (alertId: number, v: 'confirmed' | 'false_positive' | 'unsure' | null, note?: string) =>
        call(host, 'alert.verdict', { alertId, verdict: v, ...(note ? { note } : {}) });

      // changed: the false positive no longer counts, the confirmation does
      expect((await verdict(bf.id, 'false_positive')).rule).toMatchObject({
        confidence: 95,
        falsePositives: 1,
      });
      const changed = await verdict(bf.id, 'confirmed', 'same address hit three other users');
      expect(changed.alert.verdict).toBe('confirmed');
      expect(changed.rule).toMatchObject({ confidence: 100, falsePositives: 0, confirmed: 1 });
      // undone: as if never judged; unsure: looked at, not counted
      expect((await verdict(bf.id, null)).rule).toMatchObject({
        confidence: 100,
        falsePositives: 0,
        confirmed: 0,
      });
      const unsure = await verdict(bf.id, 'unsure');
      expect(unsure.alert.verdict).toBe('unsure');
      expect(unsure.rule).toMatchObject({ confidence: 100, falsePositives: 0, confirmed: 0 });
      await call(host, 'review.note', { alertId: bf.id, note: 'asked the network team' });
      const history = await call(host, 'review.history', { alertId: bf.id });
      expect(history.map((h) => [h.action, h.verdict, h.note])).toEqual([
        ['verdict', 'false_positive', null],
        ['verdict', 'confirmed', 'same address hit three other users'],
        ['verdict', null, null],
        ['verdict', 'unsure', null],
        ['note', null, 'asked the network team'],
      ]);

      // clamps and reviews replay in order: three false positives, a review, then one undone
      for (const a of ct) await verdict(a.id, 'false_positive');
      const reviewed = await call(host, 'rule.review', { rule: 'cross_table' });
      expect(reviewed).toMatchObject({ confidence: 85, falsePositives: 0, disabled: false });
      const undone = await verdict(ct[1].id, null);
      // replayed: FP (95), FP (90), review (count starts over); stepping back would say 90 and -1
      expect(undone.rule).toMatchObject({ confidence: 90, falsePositives: 0 });

      // a blank or huge note, a bogus verdict, an unknown alert: refused, nothing written
      for (const bad of [
        { alertId: bf.id, note: '   ' },
        { alertId: bf.id, note: 'x'.repeat(4001) },
        { alertId: 999_999, note: 'who?' },
      ]) {
        const r = await host.call('review.note', bad);
        expect(r.ok).toBe(false);
      }
      expect((await host.call('alert.verdict', { alertId: bf.id, verdict: 'maybe' } as never)).ok).toBe(
        false,
      );
      expect((await call(host, 'review.history', { alertId: bf.id })).length).toBe(5);
    } finally {
      await host.close();
    }
    // all of it kept in the case
    const db = new Database(casePath, { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) FROM verdict_log WHERE rule = 'cross_table'").pluck().get()).toBe(5);
    } finally {
      db.close();
    }
  });

  it('reads the same log as CSV (lists of fields and tables separated by ";") with the same alerts', async () => {
    const { host, dir, datasetId } = await caseWithLog(['lateral_movement']);
    const fromJsonl = await runRules(host, datasetId);
    const cols = [
      'ts',
      'api_key',
      'ip',
      'operation',
      'complexity',
      'fields',
      'tables',
      'rows',
      'bytes',
      'status',
      'auth',
      'latency_ms',
      'user',
      'result',
    ];
    const lines = [cols.join(',')];
    for (const line of readFileSync(path.join(dir, 'api.jsonl'), 'utf8').split('\n')) {
      if (!line) continue;
      const o = JSON.parse(line) as Record<string, unknown>;
      lines.push(
        cols.map((c) => (Array.isArray(o[c]) ? (o[c] as string[]).join(';') : String(o[c] ?? ''))).join(','),
      );
    }
    const csv = writeFile(dir, 'api.csv', lines.join('\n') + '\n');
    const r = await ingest(host, { path: csv, name: 'api_csv' });
    if (!r.ok) throw new Error(r.error.message);
    const fromCsv = await runRules(host, r.value.dataset.id);
    expect(fromCsv.events).toBe(fromJsonl.events);
    expect(fromCsv.byRule).toEqual(fromJsonl.byRule);
    expect(fromCsv.byRule.cross_table).toBe(3);
    await host.close();
  });

  it('catches attacks injected into a stored API log, and forgets their alerts when they are removed', async () => {
    const { host, datasetId } = await caseWithLog([]);
    const ds = (await host.call('case.info', {})) as {
      ok: true;
      value: { datasets: { id: number; columns: { name: string; role: string | null }[] }[] };
    };
    const entity = ds.value.datasets
      .find((d) => d.id === datasetId)!
      .columns.find((c) => c.role === 'entity');
    expect(entity?.name).toBe('api_key'); // not the user of the login events mixed in
    const injected = await host.call('scenario.inject', {
      datasetId,
      scenario: 'lateral_movement',
      seed: 3,
    });
    if (!injected.ok) throw new Error(JSON.stringify(injected.error));
    const injection = injected.value as { injectionId: number; entity: string };
    const r = await runRules(host, datasetId);
    expect(r.byRule.cross_table ?? 0).toBeGreaterThanOrEqual(1);
    const before = (await host.call('alerts.list', { datasetId })) as { ok: true; value: StoredAlert[] };
    expect(before.value.some((a) => a.rule === 'cross_table' && a.entity === injection.entity)).toBe(true);
    const removed = await host.call('scenario.remove', { injectionId: injection.injectionId });
    expect(removed.ok).toBe(true);
    const after = (await host.call('alerts.list', { datasetId })) as { ok: true; value: StoredAlert[] };
    expect(after.value.some((a) => a.rule === 'cross_table' && a.entity === injection.entity)).toBe(false);
    await host.close();
  });

  it('correlates an exfiltration into one HIGH incident, stored with its alerts', async () => {
    const { host, datasetId } = await caseWithLog(['exfiltration']);
    const r = await runRules(host, datasetId);
    expect(r.incidents).toBe(1);
    const incidents = await host.call('incidents.list', { datasetId: datasetId });
    expect(incidents.ok).toBe(true);
    if (!incidents.ok) return;
    expect(incidents.value[0]).toMatchObject({ kind: 'exfiltration', severity: 'HIGH' });
    const alerts = await host.call('alerts.list', { datasetId: datasetId });
    const inIt = alerts.ok ? alerts.value.filter((a) => a.incidentId === incidents.value[0].id) : [];
    expect(inIt.map((a) => a.rule).sort()).toEqual(expect.arrayContaining(['data_volume', 'new_field']));
    expect(incidents.value[0].alertIds).toEqual(inIt.map((a) => a.id).sort((a, b) => a - b));
  });

  it('a later dataset resumes from the kept baselines; a re-run replaces the earlier run', async () => {
    const { host, dir, datasetId } = await caseWithLog([]);
    expect((await runRules(host, datasetId)).resumed).toBe(false);
    // the day after, for the same keys (the same seed; a fresh engine would still be warming up)
    const next = path.join(dir, 'next.jsonl');
    writeApilog(
      {
        keys: 8,
        events: 5000,
        days: 1,
        seed: 11,
        scenarios: ['lateral_movement'],
        start: Date.UTC(2026, 0, 20),
      },
      next,
    );
    const r2 = await ingest(host, { path: next, name: 'next' });
    if (!r2.ok) throw new Error(r2.error.message);
    const second = await runRules(host, r2.value.dataset.id);
    expect(second).toMatchObject({ resumed: true, byRule: { cross_table: 3 } });
    const rerun = await runRules(host, datasetId); // earlier than what the baselines learned: from scratch
    expect(rerun.resumed).toBe(false);
    const all = await host.call('alerts.list', {});
    expect(all.ok && all.value.length).toBe(rerun.alerts + second.alerts);
  });

  it('a cancelled run leaves the case as it was', async () => {
    const { host, casePath, datasetId } = await caseWithLog(['brute_force']);
    const s = await startJob(host, 'rules.run', { datasetId: datasetId });
    if (!s.ok) throw new Error(s.error.message);
    await cancel(host, s.value.jobId);
    const r = await s.value.done;
    expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    for (const t of ['rule_runs', 'alerts', 'rule_baselines', 'rule_engine_state'])
      expect(count(casePath, t)).toBe(0);
  });

  it('a dataset that is not an API log, or misses a field, is a clear error naming it', async () => {
    const { host, dir } = await hostWithCase();
    const csv = writeFile(dir, 'tx.csv', 'ts,user,amount\n2026-01-05T00:00:00Z,a,1\n');
    const a = await ingest(host, { path: csv, name: 'tx' });
    if (!a.ok) throw new Error(a.error.message);
    const s = await startJob(host, 'rules.run', { datasetId: a.value.dataset.id });
    const r = s.ok ? await s.value.done : s;
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', column: 'api_key' } });
    const lines = [
      '{"ts":"2026-01-05T00:00:00Z","api_key":"k","ip":"10.0.0.1","operation":"getUser","complexity":1,"fields":["User.id"],"tables":["User"],"rows":1,"bytes":1,"status":200,"auth":"ok","latency_ms":1}',
      '{"ts":"2026-01-05T00:00:01Z","api_key":"k","operation":"getUser","complexity":1,"fields":["User.id"],"tables":["User"],"rows":1,"bytes":1,"status":200,"auth":"ok","latency_ms":1}',
    ];
    const b = await ingest(host, { path: writeFile(tempDir(), 'api.jsonl', lines.join('\n')), name: 'api' });
    if (!b.ok) throw new Error(b.error.message);
    const s2 = await startJob(host, 'rules.run', { datasetId: b.value.dataset.id });
    const r2 = s2.ok ? await s2.value.done : s2;
    expect(r2).toMatchObject({ ok: false, error: { code: 'MALFORMED_INPUT', column: 'ip' } });
    expect(!r2.ok && r2.error.message).toMatch(/event 2 of dataset "api": missing field "ip"/);
  });
});
