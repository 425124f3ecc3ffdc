// Review of the anomaly feed: partial scoring, hostile case contents reaching explanations.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { domainOf, type FeedPage, type FeedView } from '../../src-shared/domain';
import { EngineHost } from '../../src-main/engine/host';
import { entityWord } from '../../src-main/engine/feed/words';
import { call, hostWithCase, ingest, job, writeFile, startJob } from './helpers';

const T0 = Date.UTC(2026, 9, 5);

function csv(from: number, to: number, amount = (i: number) => 20 + ((i * 37) % 60)): string {
  const lines = ['ts,user,ip,device,merchant,amount,status'];
  for (let i = from; i < to; i++) {
    const u = i % 60;
    lines.push(
      `${new Date(T0 + i * 120_000).toISOString()},u${u},10.0.${u}.1,d${u},m${u % 7},${amount(i)},${i % 31 === 0 ? 'declined' : 'approved'}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function twoModelCase() {
  const env = await hostWithCase();
  const r = await ingest(env.host, { path: writeFile(env.dir, 'tx.csv', csv(0, 3000)) });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  await call(env.host, 'scenario.inject', {
    datasetId: 1,
    scenario: 'high_value_sudden',
    start: T0 + 1000 * 120_000,
    seed: 1,
  });
  await job(env.host, 'features.build', { datasetId: 1 });
  const iforest = await job(env.host, 'model.train', { datasetId: 1, model: 'iforest' });
  await job(env.host, 'model.score', { datasetId: 1, modelId: iforest.model.id });
  const hbos = await job(env.host, 'model.train', { datasetId: 1, model: 'hbos' });
  await job(env.host, 'model.score', { datasetId: 1, modelId: hbos.model.id });
  return { ...env, iforest, hbos };
}

const page = (host: EngineHost, view: FeedView, limit = 50) =>
  call(host, 'feed.page', { datasetId: 1, view, offset: 0, limit });

describe('feed review', () => {
  it('an event scored by only one of the feed models ranks by that model, not as if the other scored it lowest', async () => {
    const { host, dir, iforest, hbos } = await twoModelCase();
    // Later events arrive, one of them huge; only the Isolation Forest scores them again.
    const more = await ingest(host, {
      path: writeFile(
        dir,
        'more.csv',
        csv(3000, 3200, (i) => (i === 3100 ? 900_000 : 20 + ((i * 37) % 60))),
      ),
      appendTo: 1,
    });
    if (!more.ok) throw new Error(JSON.stringify(more.error));
    await job(host, 'features.build', { datasetId: 1 });
    await job(host, 'model.score', { datasetId: 1, modelId: iforest.model.id });
    const all = await page(host, 'all', 500);
    const huge = all.items.find((i) => i.amount === 900_000);
    expect(huge, 'the huge late event is near the top of the feed').toBeDefined();
    expect(huge!.modelScores[hbos.model.id]).toBeNull();
    // The Isolation Forest alone puts it at the very top of its scores.
    expect(huge!.score).toBeGreaterThan(95);
  }, 60_000);

  it('explains events of a case whose alert evidence or injection business was altered, without a crash', async () => {
    const { host, casePath } = await twoModelCase();
    const all = await page(host, 'all', 500);
    const injected = all.items.find((i) => i.scenario !== null)!;
    const organic = all.items.find((i) => i.scenario === null)!;
    await host.close();
    const db = new Database(casePath);
    db.prepare(
      `INSERT INTO rule_runs (id, dataset_id, events, alerts, seconds, resumed, created_at) VALUES (1, 1, 0, 2, 0, 0, 'x')`,
    ).run();
    const alert = db.prepare(
      `INSERT INTO alerts (run_id, dataset_id, rule, entity_kind, entity, start_ts, end_ts, observed, severity, confidence, count, evidence, details)
       VALUES (1, 1, 'cross_table', 'key', 'k', 0, 0, 1, 'HIGH', 1, 1, ?, '{}')`,
    );
    alert.run('not json [');
    alert.run(`{"a": ${organic.eventId}}`); // an object, not a list of event ids
    db.prepare('UPDATE injections SET business = ?').run('{broken');
    db.close();

    const again = new EngineHost({ shell: 'cli' });
    try {
      const opened = await again.call('case.open', { path: casePath });
      expect(opened.ok).toBe(true);
      const ex = await again.call('feed.explain', { datasetId: 1, eventId: organic.eventId });
      expect(ex.ok, JSON.stringify(ex)).toBe(true);
      // The damaged alerts name no events, as in the ranking.
      if (ex.ok) expect(ex.value.ruleAlerts).toEqual([]);
      const bad = await again.call('feed.explain', { datasetId: 1, eventId: injected.eventId });
      expect(bad.ok).toBe(false);
      if (!bad.ok) {
        expect(bad.error.code).toBe('NOT_A_CASE');
        expect(bad.error.message).toMatch(/table injections, row \d+: business/);
      }
    } finally {
      await again.close();
    }
  }, 60_000);

  it('lists the injections and explains events of a case whose stored JSON was altered, with a clear error', async () => {
    const { host, casePath } = await twoModelCase();
    const top = (await page(host, 'all', 5)).items[0];
    await host.close();
    const db = new Database(casePath);
    db.prepare('UPDATE injections SET business = ?').run('{broken');
    db.prepare('UPDATE feature_sets SET names = ?').run('[not json');
    db.close();
    const again = new EngineHost({ shell: 'cli' });
    try {
      expect((await again.call('case.open', { path: casePath })).ok).toBe(true);
      const list = await again.call('scenario.list', {});
      expect(list).toMatchObject({ ok: false, error: { code: 'NOT_A_CASE' } });
      if (!list.ok) expect(list.error.message).toMatch(/table injections, row \d+: business/);
      const ex = await again.call('feed.explain', { datasetId: 1, eventId: top.eventId });
      expect(ex.ok).toBe(false);
      if (!ex.ok) expect(ex.error.code).not.toBe('INTERNAL');
    } finally {
      await again.close();
    }
  }, 60_000);

  it('refuses a case whose stored models were altered with a clear error, not a crash', async () => {
    const { host, casePath, iforest } = await twoModelCase();
    await host.close();
    const db = new Database(casePath);
    db.prepare('UPDATE models SET feature_names = ? WHERE id = ?').run(
      '["x\\" FROM sqlite_master; --"]',
      iforest.model.id,
    );
    db.prepare('UPDATE models SET body = ? WHERE kind = ?').run(Buffer.from('{not json'), 'hbos');
    db.close();
    const again = new EngineHost({ shell: 'cli' });
    try {
      expect((await again.call('case.open', { path: casePath })).ok).toBe(true);
      const models = await again.call('model.list', {});
      expect(models).toMatchObject({ ok: false, error: { code: 'NOT_A_CASE' } });
      if (!models.ok) expect(models.error.message).toMatch(/table models is damaged: model \d+/);
      const started = await startJob(again, 'model.score', { datasetId: 1, modelId: iforest.model.id });
      if (!started.ok) throw new Error('the job did not start');
      expect(await started.value.done).toMatchObject({ ok: false, error: { code: 'NOT_A_CASE' } });
      const ex = await again.call('feed.explain', { datasetId: 1, eventId: 1 });
      expect(ex).toMatchObject({ ok: false, error: { code: 'NOT_A_CASE' } });
    } finally {
      await again.close();
    }
  }, 60_000);
});

describe('explanations by kind of dataset', () => {
  it('explain a metrics dataset without card or login scenarios, and card data with them', async () => {
    expect(domainOf(['time', 'entity', 'action', 'amount'])).toBe('metrics'); // service, metric, value
    expect(domainOf(['time', 'entity', 'src_ip', 'device', 'amount', 'status'])).toBe('transactions');
    expect(domainOf(['time', 'amount', 'label'])).toBe('transactions'); // the anonymised card set
    expect(domainOf(['time', 'entity', 'src_ip', 'status'])).toBe('logins');
    const { host, dir } = await hostWithCase();
    const lines = ['ts,service,metric,value'];
    for (let i = 0; i < 3000; i++)
      lines.push(
        `${new Date(T0 + i * 60_000).toISOString()},s${i % 5},${i % 2 ? 'latency_ms' : 'rps'},${i === 2500 ? 9000 : 50 + (i % 13)}`,
      );
    const r = await ingest(host, { path: writeFile(dir, 'metrics.csv', lines.join('\n') + '\n') });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const refreshed = await job(host, 'scores.refresh', { datasetId: 1, train: true });
    // the first day's windows are still filling: the Isolation Forest ranks those events, but
    // raises no alert on them
    const every = async (view: FeedView) => {
      const items: FeedPage['items'] = [];
      for (let offset = 0; ; offset += 500) {
        const got = await call(host, 'feed.page', { datasetId: 1, view, offset, limit: 500 });
        items.push(...got.items);
        if (got.items.length < 500) return items;
      }
    };
    const all = await every('all');
    const firstDay = all.filter((i) => i.ts! < T0 + 24 * 3_600_000);
    expect(firstDay.length).toBe(24 * 60);
    expect(firstDay.every((i) => i.warmingUp && !i.alert)).toBe(true);
    expect(all.filter((i) => !i.warmingUp).length).toBe(3000 - 24 * 60);
    const open = await every('open');
    expect(open.length).toBeGreaterThan(0);
    // the page says how many it holds back as warming up (the empty view tells the analyst why)
    const head = await call(host, 'feed.page', { datasetId: 1, view: 'open', offset: 0, limit: 1 });
    expect(head.warmingUp).toBe(24 * 60);
    // what the scoring says it found is what the feed opens
    expect(refreshed.scored[0].anomalies).toBe(open.length);
    expect(open.some((i) => i.warmingUp)).toBe(false);
    expect(open.some((i) => i.amount === 9000)).toBe(true); // the spike, on day 2
    const top = open[0];
    const e = await call(host, 'feed.explain', { datasetId: 1, eventId: top.eventId });
    expect(e.pattern.scenario).toBe('unmatched');
    expect(e.pattern.action).not.toMatch(/card/i);
    // its features in words name what the events are grouped by: a service, not an account
    expect(e.reasons.length).toBeGreaterThan(0);
    for (const reason of e.reasons) expect(reason.label).not.toMatch(/account/);
    expect(e.reasons.some((reason) => /this service/.test(reason.label))).toBe(true);
    expect([entityWord('card_id'), entityWord('api_key'), entityWord('CardId'), entityWord(null)]).toEqual([
      'card',
      'api key',
      'card',
      'account',
    ]);
  });
});
