// One ingest into a new case, in its own process so its peak RSS is its own.
// usage: node ingest-once.mjs DATA.csv CASE.sentinel  → JSON {seconds, rows, bytes, maxRssMb}
import { createRequire } from 'node:module';
const { EngineHost, runJob } = createRequire(import.meta.url)('../../out/main/engine.js');

const [file, casePath] = process.argv.slice(2);
const host = new EngineHost({ shell: 'cli' });
const created = await host.call('case.create', { path: casePath });
if (!created.ok) throw new Error(created.error.message);
// A running workstation has its workers started before the user imports anything.
await new Promise((r) => setTimeout(r, 400));
const t0 = performance.now();
const r = await runJob((m, p) => host.call(m, p), 'ingest.start', { path: file });
const seconds = (performance.now() - t0) / 1000;
if (!r.ok) throw new Error(r.error.message);
await host.close();
console.log(
  JSON.stringify({
    seconds,
    rows: r.value.rows,
    bytes: r.value.bytes,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
