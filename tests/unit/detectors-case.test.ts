// The table detectors through a case: trained with the engine's requests, saved in the case,
// scored into the feed, explained, and fitted on the rows analysts marked normal.
import { describe, expect, it } from 'vitest';
import { DETECTOR_KINDS } from '../../src-shared/domain';
import { call, hostWithCase, ingest, job, tableWithoutTime, writeFile } from './helpers';

async function tableCase(n = 2000) {
  const env = await hostWithCase();
  const r = await ingest(env.host, {
    path: writeFile(env.dir, 'table.csv', tableWithoutTime(n)),
    name: 'table',
  });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return env;
}

describe('detectors through a case', () => {
  it('each kind trains on the columns, is kept in the case, scores into the feed and is explained', async () => {
    const { host } = await tableCase();
    for (const kind of DETECTOR_KINDS) {
      const t = await job(host, 'model.train', { datasetId: 1, model: kind, label: 'label' });
      expect(t.model.kind).toBe(kind);
      expect(t.model.featureNames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5'].map((c) => `col.${c}`));
      expect(t.model.fittedOn).toBe('all 1,400 training rows');
      expect(t.all!.rocAuc!, kind).toBeGreaterThan(0.95);
      expect(t.test!.rocAuc!, kind).toBeGreaterThan(0.95);
      const s = await job(host, 'model.score', { datasetId: 1, modelId: t.model.id });
      expect(s.rows).toBe(2000);
    }
    const listed = await call(host, 'model.list', {});
    expect(listed.map((m) => m.kind).sort()).toEqual([...DETECTOR_KINDS].sort());
    const feed = await call(host, 'feed.page', { datasetId: 1, view: 'all', offset: 0, limit: 40 });
    expect(feed.items.filter((i) => (i.eventId - 1) % 50 === 7).length).toBeGreaterThanOrEqual(36);
    const ex = await call(host, 'feed.explain', { datasetId: 1, eventId: feed.items[0].eventId });
    expect(ex.reasons.map((x) => x.label).some((l) => l === '"f2"' || l === '"f4"')).toBe(true);
  });

  it('fits on the training rows analysts marked normal once there are 50, else on all of them', async () => {
    const { host } = await tableCase(1000);
    const f0 = (i: number) => Math.sin(i * 1.3);
    // 300 ordinary rows with f0 below -0.3 marked normal (false positives): about 210 fall in training
    const marked = [...Array(1000).keys()].filter((i) => i % 50 !== 7 && f0(i) < -0.3).slice(0, 300);
    for (const i of marked.slice(0, 20))
      await call(host, 'feed.verdict', { datasetId: 1, eventId: i + 1, verdict: 'false_positive' });
    // the 20 planted anomalies confirmed: those in the training slice are not fitted as normal
    for (let i = 7; i < 1000; i += 50)
      await call(host, 'feed.verdict', { datasetId: 1, eventId: i + 1, verdict: 'confirmed' });
    const few = await job(host, 'model.train', { datasetId: 1, model: 'knn' });
    expect(few.model.fittedOn).toMatch(
      /^all 700 training rows but the \d+ confirmed as attacks \(\d+ marked normal: too few to fit on, 50 needed\)$/,
    );
    for (const i of marked.slice(20))
      await call(host, 'feed.verdict', { datasetId: 1, eventId: i + 1, verdict: 'false_positive' });
    const t = await job(host, 'model.train', { datasetId: 1, model: 'knn' });
    const n = Number(/^the (\d+) training rows analysts marked normal$/.exec(t.model.fittedOn ?? '')?.[1]);
    expect(n).toBeGreaterThanOrEqual(50);
    expect(n).toBeLessThanOrEqual(300);
    // fitted on rows with low f0 only: ordinary rows with high f0 now look further out
    await job(host, 'model.score', { datasetId: 1, modelId: t.model.id });
    const score = new Map<number, number>();
    for (const offset of [0, 500]) {
      const page = await call(host, 'feed.page', { datasetId: 1, view: 'all', offset, limit: 500 });
      for (const it of page.items) score.set(it.eventId, it.score);
    }
    const mean = (rows: number[]) => rows.reduce((a, i) => a + score.get(i + 1)!, 0) / rows.length;
    const ordinary = [...Array(1000).keys()].filter((i) => i % 50 !== 7 && score.has(i + 1));
    const high = ordinary.filter((i) => f0(i) > 0.5);
    const low = ordinary.filter((i) => f0(i) < -0.5);
    expect(Math.min(high.length, low.length)).toBeGreaterThan(50);
    expect(mean(high)).toBeGreaterThan(mean(low) + 10);
  });
});
