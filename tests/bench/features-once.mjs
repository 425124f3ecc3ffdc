// Feature building over a large dataset: our streaming pass beside the same window SQL in
// SQLite and in DuckDB (2 threads), measured in this run. Prints JSON lines.
// usage: node features-once.mjs DATA.csv CASE.sentinel
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
const require = createRequire(import.meta.url);
const engine = require('../../out/main/engine.js');
const {
  EngineHost,
  runJob,
  computeFeatures,
  parseFeatureConfig,
  loadFeatureInput,
  openCaseDb,
  closeCaseDb,
  listDatasets,
} = engine;

const [file, casePath] = process.argv.slice(2);
const say = (o) => console.log(JSON.stringify(o));
const host = new EngineHost({ shell: 'cli' });
const invoke = (m, p) => host.call(m, p);
if (!(await host.call('case.create', { path: casePath })).ok) throw new Error('case');
const ingested = await runJob(invoke, 'ingest.start', { path: file, name: 'events' });
if (!ingested.ok) throw new Error(ingested.error.message);
const id = ingested.value.dataset.id;
say({ step: 'ingest', rows: ingested.value.rows, seconds: ingested.value.seconds });

// 1. Our whole build: read, 22 features, store (a compute worker and the DB worker).
let t = performance.now();
const built = await runJob(invoke, 'features.build', { datasetId: id, force: true });
if (!built.ok) throw new Error(built.error.message);
say({
  step: 'ours: full build (read + compute + store)',
  features: built.value.features.length,
  seconds: (performance.now() - t) / 1000,
});
await host.close();

// 2. Our streaming pass alone, for the same seven features as the SQL below.
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const full = readFileSync(path.join(root, 'config', 'feature_config.yaml'), 'utf8');
const config7 = parseFeatureConfig(
  full.replace(/^features:[\s\S]*$/m, 'features:\n') +
    [
      '  - { name: count_1h, kind: count, window: 1h }',
      '  - { name: count_24h, kind: count, window: 24h }',
      '  - { name: time_since_last_s, kind: time_since_last }',
      '  - { name: velocity_1h, kind: sum, column: amount, window: 1h }',
      '  - { name: amount_zscore, kind: zscore, column: amount }',
      '  - { name: amount_max_24h, kind: max, column: amount, window: 24h }',
      '  - { name: amount, kind: value, column: amount }',
    ].join('\n'),
  'bench',
);
const db = openCaseDb(casePath, { readonly: true });
const ds = listDatasets(db).find((d) => d.id === id);
t = performance.now();
const input = loadFeatureInput(db, ds, config7.failureValues);
const loadSeconds = (performance.now() - t) / 1000;
const times = [];
let out;
for (let i = 0; i < 3; i++) {
  t = performance.now();
  out = computeFeatures(config7, input);
  times.push((performance.now() - t) / 1000);
}
times.sort((a, b) => a - b);
say({
  step: 'ours: streaming pass, 7 features (median of 3)',
  seconds: times[1],
  readSeconds: loadSeconds,
  features: out.names.length,
});

// 3. The same seven features as window SQL.
const windowSql = (table, key, ts, amount) => `
  SELECT sum(c1), sum(c24), sum(since), sum(vel), sum(z), sum(mx) FROM (
    SELECT
      count(*) OVER w1 AS c1,
      count(*) OVER w24 AS c24,
      (${ts} - lag(${ts}) OVER byTime) / 1000.0 AS since,
      sum(${amount}) OVER w1 AS vel,
      (${amount} - avg(${amount}) OVER hist) / (CASE WHEN var > 0 THEN sqrt(var) END) AS z,
      max(${amount}) OVER w24 AS mx
    FROM (SELECT *, avg(${amount} * ${amount}) OVER hist - avg(${amount}) OVER hist * avg(${amount}) OVER hist AS var
          FROM ${table} WINDOW hist AS (PARTITION BY ${key} ORDER BY ${ts} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
    WINDOW byTime AS (PARTITION BY ${key} ORDER BY ${ts}),
      w1 AS (PARTITION BY ${key} ORDER BY ${ts} RANGE BETWEEN 3600000 PRECEDING AND CURRENT ROW),
      w24 AS (PARTITION BY ${key} ORDER BY ${ts} RANGE BETWEEN 86400000 PRECEDING AND CURRENT ROW),
      hist AS (PARTITION BY ${key} ORDER BY ${ts} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  ) AS f`;
t = performance.now();
db.prepare(windowSql(`ds_${id}`, '"user"', '_ts', 'amount')).get();
say({ step: 'SQLite: window SQL, 7 features', seconds: (performance.now() - t) / 1000 });
closeCaseDb(db);

try {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  await conn.run(
    `CREATE TABLE ev AS SELECT epoch_ms(ts::TIMESTAMP) AS ts_ms, "user", amount FROM read_csv('${file.replace(/'/g, "''")}', header = true)`,
  );
  t = performance.now();
  await conn.run(windowSql('ev', '"user"', 'ts_ms', 'amount'));
  say({ step: 'DuckDB (2 threads): window SQL, 7 features', seconds: (performance.now() - t) / 1000 });
} catch (e) {
  say({ step: 'DuckDB', skipped: String(e.message ?? e) });
}
