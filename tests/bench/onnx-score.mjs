// Where the time of ONNX batch scoring goes, and what changes it: the model of the models bench
// (100 trees, depth 6, 30 features) on the latest 20% of the generated credit-card file, scored
// through onnxruntime-node in this thread, in different graph layouts and session options.
// Variants run interleaved, their order rotating every round, each after a pause that lets the
// threads of the one before stop spinning; XGBoost's own predict of a model of the same size
// (tests/bench/xgb_predict.py) is asked once per round. Medians are printed.
// usage: node tests/bench/onnx-score.mjs CC.csv [ROUNDS]   (npm run build first)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { xgbPredictor } from './xgb-predict.mjs';
const require = createRequire(import.meta.url);
const { trainGbdt, exportOnnx, openOnnx, sessionOptions } = require('../../out/main/engine.js');
const ort = require('onnxruntime-node');

const [ccFile, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText ?? 9);

const lines = readFileSync(ccFile, 'utf8').trim().split('\n');
const F = lines[0].split(',').length - 1;
const rows = lines.slice(1).map((l) => l.split(',').map(Number));
const columns = Array.from({ length: F }, (_, f) => Float32Array.from(rows, (r) => r[f]));
const labels = Uint8Array.from(rows, (r) => (r[F] ? 1 : 0));
const cut = Math.floor(labels.length * 0.8);
const names = lines[0].split(',').slice(0, F);
const model = trainGbdt(
  names,
  { columns: columns.map((c) => c.subarray(0, cut)), labels: labels.subarray(0, cut) },
  { trees: 100, maxDepth: 6, eta: 0.1 },
);
const test = columns.map((c) => c.subarray(cut));
const n = test[0].length;

const rowsAll = new Float32Array(n * F);
for (let f = 0; f < F; f++) for (let r = 0; r < n; r++) rowsAll[r * F + f] = test[f][r];
const input = { features: new ort.Tensor('float32', rowsAll, [n, F]) };

const session = (partTrees, options) =>
  ort.InferenceSession.create(exportOnnx(model, {}, partTrees), options);
const sessions = {
  app: await session(10, sessionOptions(10)),
  parts10defaults: await session(10, {}),
  parts50defaults: await session(50, {}),
  oneDefaults: await session(100, {}),
  oneWide: await session(100, sessionOptions(100)),
  parts10intra1: await session(10, { intraOpNumThreads: 1 }),
};
const scorer = await openOnnx(exportOnnx(model));
const run = (s) => async () => s.run(input, ['probability']);
const variants = {
  'openOnnx.score, rows (the app: as read from the case)': async () =>
    scorer.score({ data: rowsAll, features: F }),
  'openOnnx.score, columns (transposed first)': async () => scorer.score(test),
  'transpose alone': async () => {
    const data = new Float32Array(n * F);
    for (let f = 0; f < F; f++) for (let r = 0; r < n; r++) data[r * F + f] = test[f][r];
  },
  'run: parts of 10, 10+ threads, no spinning (app)': run(sessions.app),
  'run: parts of 10, onnxruntime defaults': run(sessions.parts10defaults),
  'run: 2 parts of 50, defaults (before)': run(sessions.parts50defaults),
  'run: one ensemble of 100, defaults': run(sessions.oneDefaults),
  'run: one ensemble of 100, 100 threads, no spin': run(sessions.oneWide),
  'run: parts of 10, intraOpNumThreads 1': run(sessions.parts10intra1),
};

const xgb = await xgbPredictor(ccFile);
const settle = () => new Promise((r) => setTimeout(r, 30));
for (const v of Object.values(variants)) await v(); // warm up
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const xgbTimes = [];
for (let i = 0; i < rounds; i++) {
  const all = Object.entries(variants);
  for (const [k, v] of [...all.slice(i % all.length), ...all.slice(0, i % all.length)]) {
    await settle();
    const t = performance.now();
    await v();
    times[k].push(performance.now() - t);
  }
  if (xgb) {
    await settle();
    xgbTimes.push((await xgb.predict()).seconds * 1000);
  }
}
xgb?.close();
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const xgbRate = xgbTimes.length ? (n / median(xgbTimes)) * 1000 : null;
console.log(
  `${n.toLocaleString('en-US')} rows × ${F} features, ${model.trees.length} trees; medians of ${rounds} interleaved rounds`,
);
for (const [k, a] of Object.entries(times)) {
  const ms = median(a);
  const rate = (n / ms) * 1000;
  console.log(
    `${k.padEnd(50)} ${ms.toFixed(1).padStart(7)} ms  ${rate.toLocaleString('en-US', { maximumFractionDigits: 0 }).padStart(11)} rows/s` +
      (xgbRate ? `  ratio to XGBoost ${(rate / xgbRate).toFixed(2)}` : ''),
  );
}
if (xgbRate)
  console.log(
    `XGBoost predict (1.7, 2 threads), interleaved: ${median(xgbTimes).toFixed(1)} ms, ${xgbRate.toLocaleString('en-US', { maximumFractionDigits: 0 })} rows/s`,
  );
console.log(
  `load average ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
await scorer.release();
for (const s of Object.values(sessions)) await s.release();
