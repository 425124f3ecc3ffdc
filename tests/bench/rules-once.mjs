// The rule engine's figures: all nine rules over 1,000,000 simulated events in one thread,
// the same through a case (read + rules + store), memory with 100,000 keys, and per-event
// latency in live mode. Prints JSON lines.
// usage: node rules-once.mjs WORKDIR
import { createRequire } from 'node:module';
import path from 'node:path';
import { rmSync } from 'node:fs';
const require = createRequire(import.meta.url);
const {
  RuleEngine,
  ColumnsBuilder,
  loadRulesConfig,
  simulate,
  writeApilog,
  EngineHost,
  runJob,
} = require('../../out/main/engine.js');

const [work] = process.argv.slice(2);
const say = (o) => console.log(JSON.stringify(o));
const cfg = loadRulesConfig();

function columns(opts) {
  const engine = new RuleEngine(cfg);
  const b = new ColumnsBuilder(engine.dict, 1 << 20);
  let id = 0;
  simulate(opts, {
    api: (ts, key, ip, op, cx, f, t, rows, bytes, status, denied, lat) =>
      b.api(++id, ts, key, ip, op, cx, f, t, rows, bytes, status, denied, lat),
    login: (ts, user, ip, fail) => b.login(++id, ts, user, ip, fail),
  });
  return { engine, cols: b.cols };
}

// 1. Throughput: the engine alone over typed columns (best of 3 fresh engines).
{
  const opts = { keys: 100, events: 1_000_000, days: 14, seed: 42 };
  const runs = [];
  let alerts = 0;
  let n = 0;
  for (let i = 0; i < 3; i++) {
    const { engine, cols } = columns(opts);
    const t = performance.now();
    engine.process(cols);
    runs.push((performance.now() - t) / 1000);
    alerts = engine.finish().alerts.length;
    n = cols.n;
  }
  say({ step: 'throughput', events: n, seconds: runs, alerts });
}

// 2. The same events through a case: simulate to JSON Lines, ingest, `rules` job (read + rules + store).
{
  const file = path.join(work, 'apilog-1m.jsonl');
  const casePath = path.join(work, 'rules.sentinel');
  for (const f of [casePath, `${casePath}-wal`, `${casePath}-shm`]) rmSync(f, { force: true });
  let t = performance.now();
  const sim = writeApilog({ keys: 100, events: 1_000_000, days: 14, seed: 42 }, file);
  const simSeconds = (performance.now() - t) / 1000;
  const host = new EngineHost({ shell: 'cli' });
  const invoke = (m, p) => host.call(m, p);
  await host.call('case.create', { path: casePath });
  t = performance.now();
  const ing = await runJob(invoke, 'ingest.start', { path: file, name: 'api' });
  const ingestSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const r = await runJob(invoke, 'rules.run', { datasetId: ing.value.dataset.id });
  const rulesSeconds = (performance.now() - t) / 1000;
  await host.close();
  for (const f of [casePath, `${casePath}-wal`, `${casePath}-shm`]) rmSync(f, { force: true });
  say({
    step: 'case',
    events: sim.events,
    simSeconds,
    ingestSeconds,
    rulesSeconds,
    alerts: r.ok ? r.value.alerts : r.error.message,
  });
}

// 3. Memory with 100,000 keys: every key calls ten times over 14 days (keys interleaved).
{
  globalThis.gc?.();
  const before = process.memoryUsage();
  const engine = new RuleEngine(cfg);
  const b = new ColumnsBuilder(engine.dict, 1 << 20);
  const t0 = Date.UTC(2026, 0, 5);
  const step = (14 * 86_400_000) / 1_000_000;
  const names = Array.from({ length: 100_000 }, (_, k) => `key-${k}`);
  const ips = Array.from({ length: 100_000 }, (_, k) => `34.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`);
  const fields = [['User.id', 'User.name'], ['Order.id', 'Order.total'], ['Product.id']];
  const tables = [['User'], ['Order'], ['Product']];
  for (let i = 0; i < 1_000_000; i++) {
    const k = (i * 7919) % 100_000;
    b.api(
      i + 1,
      t0 + i * step,
      names[k],
      ips[k],
      'op' + (k % 3),
      20,
      fields[k % 3],
      tables[k % 3],
      1,
      200,
      200,
      false,
      10,
    );
  }
  const t = performance.now();
  engine.process(b.cols);
  const seconds = (performance.now() - t) / 1000;
  globalThis.gc?.();
  const after = process.memoryUsage();
  const mb = (m) => (m.heapUsed + m.arrayBuffers) / 1e6;
  say({
    step: 'memory',
    keys: engine.dict.keys.size,
    events: b.cols.n,
    seconds,
    stateMb: engine.stateBytes / 1e6,
    heapMb: mb(after) - mb(before),
    rssMb: after.rss / 1e6,
    columnsMb: Object.values(b.cols).reduce((a, v) => a + (v.byteLength ?? 0), 0) / 1e6,
  });
}

// 4. Live mode: warm on 13 days as columns, then push the last day one object at a time.
{
  const engine = new RuleEngine(cfg);
  const b = new ColumnsBuilder(engine.dict, 1 << 20);
  const live = [];
  const cut = Date.UTC(2026, 0, 5) + 13 * 86_400_000;
  let id = 0;
  simulate(
    { keys: 100, events: 1_000_000, days: 14, seed: 42, scenarios: ['brute_force', 'exfiltration'] },
    {
      api: (ts, key, ip, op, complexity, fields, tables, rows, bytes, status, denied, latency_ms) => {
        if (ts < cut)
          b.api(++id, ts, key, ip, op, complexity, fields, tables, rows, bytes, status, denied, latency_ms);
        else
          live.push({
            ts,
            api_key: key,
            ip,
            operation: op,
            complexity,
            fields: [...fields],
            tables: [...tables],
            rows,
            bytes,
            status,
            auth: denied ? 'denied' : 'ok',
            latency_ms,
          });
      },
      login: (ts, user, ip, failure) => {
        if (ts < cut) b.login(++id, ts, user, ip, failure);
        else live.push({ ts, user, ip, result: failure ? 'failure' : 'success' });
      },
    },
  );
  engine.process(b.cols);
  const lat = new Float64Array(live.length);
  let alerts = 0;
  for (let i = 0; i < live.length; i++) {
    const t = performance.now();
    alerts += engine.push(live[i], ++id).length;
    lat[i] = performance.now() - t;
  }
  lat.sort();
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] * 1000;
  say({
    step: 'live',
    events: live.length,
    alerts,
    p50us: q(0.5),
    p99us: q(0.99),
    p999us: q(0.999),
    maxUs: q(1),
  });
}
