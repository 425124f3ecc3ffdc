// The anomaly feed: combined 0–100 ranking across models, views by verdict, explanations that
// measure each reason, and verdicts that the next training takes as labels.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { percentileOf, RULE_POINTS } from '../../src-main/engine/feed/rank';
import { DEMO_INJECTIONS, demoInjectionStart, writeDemoFiles } from '../../src-main/engine/demo/demo-data';
import { writeApilog } from '../../src-main/engine/simulate/apilog';
import { call, hostWithCase, ingest, job, writeFile } from './helpers';

const T0 = Date.UTC(2026, 9, 5);

function csv(): string {
  const lines = ['ts,user,ip,device,merchant,amount,status'];
  for (let i = 0; i < 6000; i++) {
    const u = i % 60;
    lines.push(
      `${new Date(T0 + i * 120_000).toISOString()},u${u},10.0.${u}.1,d${u},m${u % 7},${20 + ((i * 37) % 60)},${i % 31 === 0 ? 'declined' : 'approved'}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function scoredCase() {
  const env = await hostWithCase();
  const r = await ingest(env.host, { path: writeFile(env.dir, 'tx.csv', csv()) });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  for (let k = 0; k < 16; k++) {
    await call(env.host, 'scenario.inject', {
      datasetId: 1,
      scenario: ['high_value_sudden', 'velocity_spike'][k % 2],
      start: T0 + (k + 0.5) * 40_000_000,
      seed: k,
    });
  }
  await job(env.host, 'features.build', { datasetId: 1 });
  const gbdt = await job(env.host, 'model.train', { datasetId: 1, model: 'gbdt', trees: 30 });
  await job(env.host, 'model.score', { datasetId: 1, modelId: gbdt.model.id });
  const iforest = await job(env.host, 'model.train', { datasetId: 1, model: 'iforest' });
  const scored = await job(env.host, 'model.score', { datasetId: 1, modelId: iforest.model.id });
  return { ...env, gbdt, iforest, scored };
}

describe('anomaly feed', () => {
  it('percentileOf ranks a score among the scores, ties counted half', () => {
    const sorted = Float64Array.from([1, 2, 2, 3]);
    expect(percentileOf(sorted, 0)).toBe(0);
    expect(percentileOf(sorted, 1)).toBe(12.5);
    expect(percentileOf(sorted, 2)).toBe(50);
    expect(percentileOf(sorted, 2.5)).toBe(75);
    expect(percentileOf(sorted, 3)).toBe(87.5);
    expect(percentileOf(sorted, 9)).toBe(100);
  });

  it('ranks on one 0–100 axis across models, explains in business terms, and learns from verdicts', async () => {
    const { host, gbdt, iforest, scored } = await scoredCase();
    try {
      const all = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'all',
        offset: 0,
        limit: 50,
      });
      expect(all.models.map((m) => m.kind).sort()).toEqual(['gbdt', 'iforest']);
      // the score job's count is the feed's: its open alerts, every model combined
      expect(scored.openAlerts).toBe(all.counts.open);
      expect(all.counts.all).toBeGreaterThan(6000);
      // One axis, descending, within 0–100; the mean of two percentile ranks.
      const scores = all.items.map((i) => i.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(scores[0]).toBeLessThanOrEqual(100);
      expect(scores[0]).toBeGreaterThan(90);
      expect(all.items[0].rank).toBe(1);
      expect(Object.keys(all.items[0].modelScores).map(Number).sort()).toEqual(
        [gbdt.model.id, iforest.model.id].sort(),
      );
      // The top of the feed is mostly the injected attacks.
      const injectedTop = all.items.slice(0, 20).filter((i) => i.scenario !== null).length;
      expect(injectedTop).toBeGreaterThanOrEqual(15);

      const open = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'open',
        offset: 0,
        limit: 500,
      });
      expect(open.total).toBe(all.counts.open);
      expect(open.items.every((i) => i.alert && i.verdict === null)).toBe(true);
      expect(open.total).toBeGreaterThan(0);

      // Explanation: measured reasons, a pattern and its business rule.
      const top = open.items.find((i) => i.scenario === 'high_value_sudden') ?? open.items[0];
      const ex = await call(host, 'feed.explain', { datasetId: 1, eventId: top.eventId });
      expect(ex.eventId).toBe(top.eventId);
      expect(ex.score).toBeCloseTo(top.score, 1);
      expect(ex.reasons.length).toBeGreaterThan(0);
      expect(ex.reasons[0].impact).toBeGreaterThan(0);
      expect(ex.reasons.map((r) => r.impact)).toEqual(
        [...ex.reasons.map((r) => r.impact)].sort((a, b) => b - a),
      );
      expect(ex.reasons[0].label).not.toMatch(/_/);
      expect(ex.pattern.matched).toBe(top.scenario ? 'injected' : 'signals');
      expect(ex.pattern.slaMinutes).toBeGreaterThan(0);
      expect(ex.pattern.action.length).toBeGreaterThan(3);
      expect(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(ex.severity);
      expect(ex.summary).toMatch(/^Why: .*How bad: .*Cost: about .*Do: .*within \d+ (min|h)/);
      expect(ex.event.user).toBeDefined();

      // The gradient-boosted trees' exact contributions (TreeSHAP) add up to the event's margin,
      // and only what pushes the score up is a reason, strongest first.
      const c = ex.contributions!;
      expect(c.model).toMatchObject({ id: gbdt.model.id, kind: 'gbdt' });
      expect(c.scale).toBe('log-odds');
      expect(c.items.length).toBe(gbdt.model.featureNames.length);
      const total = c.items.reduce((sum, x) => sum + x.contribution, 0);
      expect(c.expected + total).toBeCloseTo(c.margin, 4);
      expect(ex.reasons.every((r) => r.impact > 0)).toBe(true);
      const positive = c.items
        .filter((x) => x.contribution > 0)
        .sort((a, b) => b.contribution - a.contribution);
      expect(ex.reasons[0].feature).toBe(positive[0].feature);
      expect(ex.reasons[0].impact).toBeCloseTo(positive[0].contribution, 2);
      // the entity's own baseline beside the population's
      expect(c.items.some((x) => x.entityTypical !== null)).toBe(true);
      // One headline: the pattern, the user, the risk, by when and what to do, with no formula.
      expect(ex.sentence).toContain(`on user ${String(ex.event.user)}`);
      expect(ex.sentence).toMatch(/Risk (LOW|MEDIUM|HIGH|CRITICAL)/);
      expect(ex.sentence).toMatch(/act within \d+ (min|h)/);
      expect(ex.sentence).not.toMatch(/[*_]/);
      expect(ex.business).toMatchObject({ risk: ex.severity, slaMinutes: ex.pattern.slaMinutes });

      // A real event that ranks high but was not injected is matched to a pattern by its reasons.
      const organic = all.items.find((i) => i.scenario === null);
      if (organic) {
        const e2 = await call(host, 'feed.explain', { datasetId: 1, eventId: organic.eventId });
        expect(['signals', 'default']).toContain(e2.pattern.matched);
      }

      // Verdicts move items between views at once, and can be undone.
      const first = open.items[0];
      await call(host, 'feed.verdict', { datasetId: 1, eventId: first.eventId, verdict: 'false_positive' });
      const open2 = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'open',
        offset: 0,
        limit: 5,
      });
      expect(open2.total).toBe(open.total - 1);
      expect(open2.items[0].eventId).not.toBe(first.eventId);
      const fps = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'false_positive',
        offset: 0,
        limit: 5,
      });
      expect(fps.items.map((i) => i.eventId)).toEqual([first.eventId]);
      await call(host, 'feed.verdict', { datasetId: 1, eventId: first.eventId, verdict: null });
      const open3 = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'open',
        offset: 0,
        limit: 5,
      });
      expect(open3.total).toBe(open.total);

      // "Unsure" keeps an item open, marked; a note goes with a verdict or alone; all of it is
      // the item's history, in order.
      await call(host, 'feed.verdict', {
        datasetId: 1,
        eventId: first.eventId,
        verdict: 'unsure',
        note: 'card holder not reachable yet',
      });
      await call(host, 'review.note', { datasetId: 1, eventId: first.eventId, note: 'called twice' });
      const open4 = await call(host, 'feed.page', { datasetId: 1, view: 'open', offset: 0, limit: 5 });
      expect(open4.total).toBe(open.total);
      expect(open4.items.find((i) => i.eventId === first.eventId)?.verdict).toBe('unsure');
      const history = await call(host, 'review.history', { datasetId: 1, eventId: first.eventId });
      expect(history.map((h) => [h.action, h.verdict, h.note])).toEqual([
        ['verdict', 'false_positive', null],
        ['verdict', null, null],
        ['verdict', 'unsure', 'card holder not reachable yet'],
        ['note', null, 'called twice'],
      ]);
      expect((await host.call('review.note', { datasetId: 1, eventId: 99_999_999, note: 'x' })).ok).toBe(
        false,
      );
      await call(host, 'feed.verdict', { datasetId: 1, eventId: first.eventId, verdict: null });

      // The next training takes verdicts as labels: a confirmed normal event becomes a positive.
      const normal = all.items.filter((i) => i.scenario === null).at(-1)!;
      await call(host, 'feed.verdict', { datasetId: 1, eventId: normal.eventId, verdict: 'confirmed' });
      const retrained = await job(host, 'model.train', {
        datasetId: 1,
        model: 'gbdt',
        trees: 10,
      });
      const models = await call(host, 'model.list', {});
      expect(models.some((m) => m.id === retrained.model.id)).toBe(true);
      const positives = (retrained.test?.positives ?? 0) + (retrained.validation?.positives ?? 0);
      expect(positives).toBeGreaterThan(0);

      // the histogram speaks the feed's 0–100 scale: where alerts start is the lowest alert's score
      const dist = await call(host, 'feed.distribution', { datasetId: 1 });
      expect(dist.bins.length).toBe(50);
      expect(dist.bins[0].lo).toBe(0);
      expect(dist.bins.at(-1)!.hi).toBe(100);
      expect(dist.bins.reduce((s, b) => s + b.count, 0)).toBe(all.counts.all);
      expect(dist.bins.reduce((s, b) => s + b.positives, 0)).toBeGreaterThan(0);
      const alerted: number[] = [];
      for (let offset = 0; offset < all.counts.all; offset += 500) {
        const p = await call(host, 'feed.page', { datasetId: 1, view: 'all', offset, limit: 500 });
        for (const i of p.items) if (i.alert) alerted.push(i.score);
      }
      expect(alerted.length).toBe(dist.alerts);
      expect(dist.threshold).toBeCloseTo(Math.min(...alerted), 1);
      expect(dist.alerts).toBeGreaterThanOrEqual(all.counts.open);
    } finally {
      await host.close();
    }
  }, 60_000);

  it('refuses bad requests clearly and leaves verdicts alone', async () => {
    const { host, casePath } = await scoredCase();
    try {
      const bad = await host.call('feed.verdict', {
        datasetId: 1,
        eventId: 99_999_999,
        verdict: 'confirmed',
      });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error.message).toMatch(/no event 99999999/);
      const wrong = await host.handle('feed.verdict', { datasetId: 1, eventId: 5, verdict: 'maybe' });
      expect(wrong.ok).toBe(false);
      if (!wrong.ok) expect(wrong.error.message).toMatch(/verdict/);
      const noDs = await host.call('feed.page', { datasetId: 7, view: 'open', offset: 0, limit: 5 });
      expect(noDs.ok).toBe(false);
      if (!noDs.ok) expect(noDs.error.message).toMatch(/no dataset with id 7/);
      const page = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'confirmed',
        offset: 0,
        limit: 5,
      });
      expect(page.total).toBe(0);

      // A verdict on an injected event goes with its injection (ids can be given again later).
      const all = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'all',
        offset: 0,
        limit: 50,
      });
      const injected = all.items.find((i) => i.scenario !== null)!;
      await call(host, 'feed.verdict', { datasetId: 1, eventId: injected.eventId, verdict: 'confirmed' });
      const confirmed = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'confirmed',
        offset: 0,
        limit: 5,
      });
      expect(confirmed.items.map((i) => i.eventId)).toEqual([injected.eventId]);
      const injections = await call(host, 'scenario.list', {});
      const owner = injections.find(
        (i) => i.scenario === injected.scenario && injected.ts! >= i.start && injected.ts! <= i.end,
      )!;
      await call(host, 'scenario.remove', { injectionId: owner.injectionId });
      const after = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'confirmed',
        offset: 0,
        limit: 5,
      });
      expect(after.total).toBe(0);
      expect(after.counts.all).toBe(all.counts.all - owner.events);
      const db = new Database(casePath, { readonly: true });
      const left = db.prepare('SELECT count(*) FROM labels WHERE event_id = ?').pluck().get(injected.eventId);
      db.close();
      expect(left).toBe(0);
    } finally {
      await host.close();
    }
  }, 60_000);
});

describe('anomaly feed with rule alerts', () => {
  it('explains an injected login burst by a login count, exactly, in a sentence naming the user and the count; folds incidents into one row each', async () => {
    const { host, dir } = await hostWithCase();
    try {
      // the demo's two weeks of sign-ins with its attacks (bursts, brute force, impossible
      // travel), injected as the demo injects them
      const files = await writeDemoFiles(dir);
      const r = await ingest(host, { path: files.find((f) => f.name === 'logins')!.file });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      let salt = 0;
      for (const { dataset, scenario, count } of DEMO_INJECTIONS)
        for (let k = 0; k < count; k++) {
          salt++;
          if (dataset !== 'logins') continue;
          const start = demoInjectionStart(k, count, salt);
          await call(host, 'scenario.inject', { datasetId: 1, scenario, start, seed: 1000 + salt });
        }
      await job(host, 'features.build', { datasetId: 1 });
      const gbdt = await job(host, 'model.train', { datasetId: 1, model: 'gbdt' });
      await job(host, 'model.score', { datasetId: 1, modelId: gbdt.model.id });
      const open = await call(host, 'feed.page', { datasetId: 1, view: 'open', offset: 0, limit: 200 });
      // the burst at its height: the last of its sign-ins in the feed
      const bursts = open.items.filter((i) => i.scenario === 'login_burst');
      expect(bursts.length).toBeGreaterThan(5);
      const burst = bursts
        .filter((i) => i.entity === bursts[0].entity)
        .reduce((a, b) => ((b.ts ?? 0) > (a.ts ?? 0) ? b : a));
      const ex = await call(host, 'feed.explain', { datasetId: 1, eventId: burst.eventId });
      const top = ex.contributions!.items[0];
      // a count of logins (of the user, or from its address) in a window
      expect(top.feature).toMatch(/count_(1h|24h|5m|10m|1m)$/);
      expect(top.contribution).toBeGreaterThan(0);
      expect(top.label).toMatch(/^logins (of this user|from this IP address) in the last/);
      expect(ex.reasons[0].feature).toBe(top.feature);
      expect(ex.sentence).toMatch(/^Login burst on user_\d+: logins/);
      expect(ex.sentence).toContain(` on ${String(ex.event.user)}: `);
      expect(ex.sentence).toContain(`is ${top.shown.value} (usually`);
      expect(ex.sentence).toMatch(/act within 15 min: lock the account/);
      const sum = ex.contributions!.items.reduce((a, x) => a + x.contribution, 0);
      expect(ex.contributions!.expected + sum).toBeCloseTo(ex.contributions!.margin, 4);

      // Folded into incidents: one row a burst, one row a brute force (its failures come from
      // one address for many users), each headed by its top-ranked event.
      await job(host, 'rules.run', { datasetId: 1 });
      const openNow = await call(host, 'feed.page', { datasetId: 1, view: 'open', offset: 0, limit: 500 });
      const folded = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'open',
        offset: 0,
        limit: 500,
        fold: true,
      });
      expect(folded.folded).toBe(true);
      expect(folded.events).toBe(openNow.total);
      expect(folded.total).toBeLessThan(openNow.total / 4);
      const rowOf = async (eventId: number) => {
        for (const row of folded.items) {
          const members = await call(host, 'feed.group', {
            datasetId: 1,
            view: 'open',
            eventId: row.eventId,
          });
          if (members.some((m) => m.eventId === eventId)) return { row, members };
        }
        throw new Error(`event ${eventId} in no row`);
      };
      const { row: burstRow, members } = await rowOf(burst.eventId);
      expect(burstRow.group!.scenarios).toContain('login_burst');
      // every open event of that burst's user in the hour is in its row
      const sameBurst = openNow.items.filter(
        (i) => i.entity === burst.entity && Math.abs((i.ts ?? 0) - (burst.ts ?? 0)) < 3_600_000,
      );
      expect(members.map((m) => m.eventId)).toEqual(expect.arrayContaining(sameBurst.map((i) => i.eventId)));
      expect(burstRow.group!.size).toBe(members.length);
      expect(members[0].eventId).toBe(burstRow.eventId);
      expect(members.map((m) => m.rank)).toEqual([...members.map((m) => m.rank)].sort((a, b) => a - b));
      const bruteRow = folded.items.find((r) => r.group?.rules.includes('brute_force'));
      expect(bruteRow!.group!.size).toBeGreaterThanOrEqual(10);
      expect(bruteRow!.group!.entities).toBeGreaterThan(1);
      const rows = folded.items.map((r) => r.rank);
      expect(rows).toEqual([...rows].sort((a, b) => a - b));

      // One verdict judges the whole incident; undone, every event is open again.
      await call(host, 'feed.verdicts', {
        datasetId: 1,
        items: members.map((m) => ({ eventId: m.eventId, verdict: 'confirmed' as const })),
        note: 'account takeover, user called',
      });
      const after = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'open',
        offset: 0,
        limit: 500,
        fold: true,
      });
      expect(after.total).toBe(folded.total - 1);
      expect(after.events).toBe(folded.events - members.length);
      expect(after.counts.confirmed).toBe(members.length);
      await call(host, 'feed.verdicts', {
        datasetId: 1,
        items: members.map((m) => ({ eventId: m.eventId, verdict: null })),
      });
      const back = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'open',
        offset: 0,
        limit: 500,
        fold: true,
      });
      expect(back.total).toBe(folded.total);
      // The burst user's story: its events on the 0–100 scale with its alerts, its features
      // against its own history and its peers, look-alikes elsewhere, the notes on its events.
      await call(host, 'review.note', {
        datasetId: 1,
        eventId: burst.eventId,
        note: 'user says it was not them',
      });
      const story = await call(host, 'entity.story', { datasetId: 1, value: burst.entity! });
      expect(story.value).toBe(burst.entity);
      expect(story.total).toBeGreaterThanOrEqual(members.length);
      expect(story.events.map((e) => e.eventId)).toEqual(
        expect.arrayContaining(members.map((m) => m.eventId)),
      );
      expect(story.events.filter((e) => e.alert).length).toBeGreaterThanOrEqual(members.length);
      const times = story.events.map((e) => e.ts ?? 0);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(story.features.length).toBe(gbdt.model.featureNames.length);
      // in words, as the panel says them (a dataset column's encoding too, never col.x.freq)
      expect(story.features.every((f) => f.own !== '' && f.peers !== '' && !/^col\./.test(f.label))).toBe(
        true,
      );
      expect(story.features.filter((f) => /_/.test(f.label) && !/"/.test(f.label))).toEqual([]);
      expect(story.similar.length).toBeGreaterThan(0);
      expect(story.similar.every((x) => x.entity !== burst.entity)).toBe(true);
      expect(story.notes.map((n) => n.note)).toContain('user says it was not them');
      // found from one of its events (an evidence id), the same story
      const byEvent = await call(host, 'entity.story', { datasetId: 1, eventId: burst.eventId });
      expect(byEvent.value).toBe(burst.entity);
      expect(byEvent.total).toBe(story.total);
      expect((await host.call('entity.story', { datasetId: 1, value: 'x', eventId: 1 })).ok).toBe(false);
      // an address's story: the brute force's failures, many users
      const ipColumn = (await call(host, 'case.info', {})).datasets[0].columns.find(
        (c) => c.role === 'src_ip',
      )!;
      const bruteMembers = await call(host, 'feed.group', {
        datasetId: 1,
        view: 'open',
        eventId: bruteRow!.eventId,
      });
      const ipOf = await call(host, 'feed.explain', { datasetId: 1, eventId: bruteRow!.eventId });
      const address = String(ipOf.event[ipColumn.name]);
      const ipStory = await call(host, 'entity.story', {
        datasetId: 1,
        value: address,
        column: ipColumn.sqlName,
      });
      expect(ipStory.events.filter((e) => e.rules.includes('brute_force')).length).toBe(bruteMembers.length);
      const nobody = await host.call('entity.story', { datasetId: 1, value: 'user_nobody' });
      expect(!nobody.ok && nobody.error.message).toMatch(/no event .* user = "user_nobody"/);

      // a batch naming an event that is not there changes nothing
      const bad = await host.call('feed.verdicts', {
        datasetId: 1,
        items: [
          { eventId: members[0].eventId, verdict: 'confirmed' },
          { eventId: 99_999_999, verdict: 'confirmed' },
        ],
      });
      expect(bad.ok).toBe(false);
      const unchanged = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'open',
        offset: 0,
        limit: 1,
        fold: true,
      });
      expect(unchanged.counts.confirmed).toBe(0);
    } finally {
      await host.close();
    }
  }, 60_000);

  it('ranks the events behind rule alerts on the same axis and explains them by their rules', async () => {
    const { host, dir } = await hostWithCase();
    try {
      const file = path.join(dir, 'api.jsonl');
      writeApilog({ keys: 8, events: 60_000, days: 15, seed: 11, scenarios: ['lateral_movement'] }, file);
      const r = await ingest(host, { path: file, name: 'api' });
      if (!r.ok) throw new Error(r.error.message);
      const datasetId = r.value.dataset.id;
      // Before any rules run or model: nothing to rank.
      const before = await call(host, 'feed.page', { datasetId, view: 'all', offset: 0, limit: 5 });
      expect(before.counts.all).toBe(0);
      await job(host, 'rules.run', { datasetId });
      const alerts = await call(host, 'alerts.list', { datasetId });
      const crossTable = alerts.filter((a) => a.rule === 'cross_table');
      expect(crossTable.length).toBe(3);

      const open = await call(host, 'feed.page', {
        datasetId,
        view: 'open',
        offset: 0,
        limit: 100,
      });
      expect(open.models).toEqual([]);
      expect(open.ruleAlerts).toBe(alerts.length);
      const evidence = new Set(alerts.flatMap((a) => a.evidence));
      expect(open.total).toBe(evidence.size);
      expect(open.items.every((i) => i.alert && i.rules.length > 0 && evidence.has(i.eventId))).toBe(true);
      // HIGH at full confidence: 97 points.
      const top = open.items.find((i) => i.rules.includes('cross_table'))!;
      expect(top.score).toBeCloseTo(RULE_POINTS.HIGH * crossTable[0].confidence, 5);

      const ex = await call(host, 'feed.explain', { datasetId, eventId: top.eventId });
      expect(ex.ruleAlerts.map((a) => a.rule)).toContain('cross_table');
      expect(ex.pattern).toMatchObject({ scenario: 'lateral_movement' });
      expect(['rule', 'injected']).toContain(ex.pattern.matched);
      expect(ex.severity).toBe('HIGH');
      expect(ex.summary).toMatch(/read table \w+ for the first time/);

      // A rule alert judged a false positive leaves the ranking.
      await call(host, 'alert.verdict', { alertId: crossTable[0].id, verdict: 'false_positive' });
      const after = await call(host, 'feed.page', {
        datasetId,
        view: 'open',
        offset: 0,
        limit: 100,
      });
      expect(after.ruleAlerts).toBe(alerts.length - 1);
    } finally {
      await host.close();
    }
  }, 60_000);
});
