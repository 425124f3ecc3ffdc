// Triage over 1,000,000 scored events, through the host as the UI calls it: a change of view
// (incidents folded, all events, confirmed, events unfolded), opening an item with its TreeSHAP
// contributions, and a verdict made durable. Ingest → 24 injected attacks → features →
// gradient-boosted trees → score first.
// usage: node triage-once.mjs DATA.csv CASE.sentinel  → JSON lines
import { createRequire } from 'node:module';
const { EngineHost, runJob } = createRequire(import.meta.url)('../../out/main/engine.js');

const [file, casePath] = process.argv.slice(2);
const host = new EngineHost({ shell: 'cli' });
const call = async (m, p) => {
  const r = await host.call(m, p);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value;
};
const job = async (m, p) => {
  const r = await runJob((mm, pp) => host.call(mm, pp), m, p);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value;
};
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] };
};
const timed = async (f) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

await call('case.create', { path: casePath });
const ing = await job('ingest.start', { path: file, name: 'events' });
const datasetId = ing.dataset.id;
const t0 = Date.parse('2026-01-01T00:00:00Z');
for (let k = 0; k < 24; k++)
  await call('scenario.inject', {
    datasetId,
    scenario: ['velocity_spike', 'high_value_sudden', 'card_testing'][k % 3],
    start: t0 + (k + 1) * 36_000_000,
    seed: k,
  });
await job('features.build', { datasetId });
const gbdt = await job('model.train', { datasetId, model: 'gbdt' });
const scored = await job('model.score', { datasetId, modelId: gbdt.model.id });
console.log(JSON.stringify({ name: 'setup', rows: scored.rows, open: scored.openAlerts }));

// a change of view: each is a first page of another view (the ranking stays cached)
const views = [
  { view: 'open', fold: true },
  { view: 'all' },
  { view: 'open', fold: false },
  { view: 'confirmed', fold: true },
];
const page = (v) => call('feed.page', { datasetId, offset: 0, limit: 100, ...v });
const coldPage = await timed(() => page(views[0]));
const changes = [];
for (let i = 0; i < 40; i++) changes.push(await timed(() => page(views[i % views.length])));
console.log(JSON.stringify({ name: 'view change, first page', ...stats(changes), coldMs: coldPage }));

// opening an item: its explanation with exact contributions
const open = await page({ view: 'open', fold: false, limit: 100 });
const items = open.items.map((i) => i.eventId);
const coldExplain = await timed(() => call('feed.explain', { datasetId, eventId: items[0] }));
const opens = [];
let exact = 0;
for (let i = 1; i < Math.min(items.length, 41); i++)
  opens.push(
    await timed(async () => {
      const ex = await call('feed.explain', { datasetId, eventId: items[i] });
      if (ex.contributions) exact++;
    }),
  );
console.log(
  JSON.stringify({
    name: 'open an item (TreeSHAP)',
    ...stats(opens),
    coldMs: coldExplain,
    exact,
    of: opens.length,
  }),
);

// a verdict, durable (committed to the case's WAL) when the call returns
const verdicts = [];
for (let i = 0; i < 40; i++) {
  const eventId = items[i % items.length];
  verdicts.push(
    await timed(() => call('feed.verdict', { datasetId, eventId, verdict: i % 2 ? null : 'confirmed' })),
  );
}
console.log(JSON.stringify({ name: 'verdict, durable', ...stats(verdicts) }));
await host.close();
