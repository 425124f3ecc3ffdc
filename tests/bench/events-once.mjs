// Events-table queries over a large dataset: p50/p95 of a page for sorts and filters.
// usage: node events-once.mjs DATA.csv CASE.sentinel ROWS  → JSON lines per query kind
import { createRequire } from 'node:module';
const { EngineHost, runJob } = createRequire(import.meta.url)('../../out/main/engine.js');

const [file, casePath, rowsArg] = process.argv.slice(2);
const total = Number(rowsArg);
const host = new EngineHost({ shell: 'cli' });
const created = await host.call('case.create', { path: casePath });
if (!created.ok) throw new Error(created.error.message);
const ing = await runJob((m, p) => host.call(m, p), 'ingest.start', { path: file, name: 'events' });
if (!ing.ok) throw new Error(ing.error.message);
const id = ing.value.dataset.id;

let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const queries = {
  'page, id order, random offset': () => ({ offset: Math.floor(rand() * (total - 200)) }),
  'sort amount asc, random offset': () => ({
    offset: Math.floor(rand() * (total - 200)),
    sort: { column: 'amount', desc: false },
  }),
  'sort ts desc, random offset': () => ({
    offset: Math.floor(rand() * (total - 200)),
    sort: { column: 'ts', desc: true },
  }),
  'sort user, first page': () => ({ offset: 0, sort: { column: 'user', desc: rand() < 0.5 } }),
  'filter user contains (20,000 distinct)': () => ({
    offset: 0,
    filters: [{ column: 'user', op: 'contains', value: `_${Math.floor(rand() * 2000)}` }],
  }),
  'filter user = one entity': () => ({
    offset: 0,
    filters: [{ column: 'user', op: 'eq', value: `user_${Math.floor(rand() * 20000)}` }],
  }),
  'filter amount range + sort amount': () => {
    const lo = Math.floor(rand() * 900);
    return {
      offset: 0,
      sort: { column: 'amount', desc: true },
      filters: [
        { column: 'amount', op: 'gte', value: lo },
        { column: 'amount', op: 'lt', value: lo + 5 },
      ],
    };
  },
  'filter status = declined, deep page': () => ({
    offset: Math.floor(rand() * 20000),
    filters: [{ column: 'status', op: 'eq', value: 'declined' }],
  }),
  'filter merchant contains': () => ({
    offset: 0,
    filters: [
      { column: 'merchant', op: 'contains', value: ['afe', 'uel', 'ook', 'ame'][Math.floor(rand() * 4)] },
    ],
  }),
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
for (const [name, make] of Object.entries(queries)) {
  const cold = performance.now();
  const first = await host.call('events.page', { datasetId: id, limit: 200, ...make() });
  const coldMs = performance.now() - cold;
  if (!first.ok) throw new Error(`${name}: ${first.error.message}`);
  const times = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    const r = await host.call('events.page', { datasetId: id, limit: 200, ...make() });
    times.push(performance.now() - t);
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  }
  console.log(JSON.stringify({ name, coldMs, p50: pct(times, 50), p95: pct(times, 95) }));
}
await host.close();
