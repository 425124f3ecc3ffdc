// Our models: GBDT training and ONNX scoring on the generated credit-card file, and Isolation
// Forest on the ADBench sets. Prints JSON lines; the references run in Python beside it.
// usage: node models-once.mjs CC.csv ADBENCH_DIR   (either may be '-' to skip that part;
// scripts/bench.mjs runs the GBDT part in rounds interleaved with XGBoost's)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { xgbPredictor } from './xgb-predict.mjs';
const { trainGbdt, predictProba, exportOnnx, openOnnx, fitIsolationForest, rocAuc, prAuc } = createRequire(
  import.meta.url,
)('../../out/main/engine.js');

const [ccFile, adDir] = process.argv.slice(2);
const say = (o) => console.log(JSON.stringify(o));

function load(file, labelLast = true) {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const F = header.length - 1;
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return {
    names: header.slice(0, F),
    columns: Array.from({ length: F }, (_, f) => Float32Array.from(rows, (r) => r[f])),
    y: Uint8Array.from(rows, (r) => (r[labelLast ? F : 0] ? 1 : 0)),
  };
}

let t = 0;
if (ccFile !== '-') {
  const cc = load(ccFile);
  const cut = Math.floor(cc.y.length * 0.8);
  const train = { columns: cc.columns.map((c) => c.subarray(0, cut)), labels: cc.y.subarray(0, cut) };
  const test = cc.columns.map((c) => c.subarray(cut));
  t = performance.now();
  const model = trainGbdt(cc.names, train, { trees: 100, maxDepth: 6, eta: 0.1 });
  const trainSeconds = (performance.now() - t) / 1000;
  const p = predictProba(model, test);
  const scorer = await openOnnx(exportOnnx(model));
  // The rows as the app reads them from a case for an ONNX model: row by row (as XGBoost's
  // DMatrix, made before its timer starts).
  const rows = { data: new Float32Array(test[0].length * test.length), features: test.length };
  for (let f = 0; f < test.length; f++)
    for (let r = 0; r < test[f].length; r++) rows.data[r * test.length + f] = test[f][r];
  await scorer.score(test.map((c) => c.subarray(0, 1000))); // warm up
  // Scoring, run by run interleaved with XGBoost's predict of a model of the same size on the
  // same rows (started now, after our training), so that both meet the same load; who goes
  // first alternates, and each waits a moment for the other's threads to stop spinning.
  const xgb = process.env.XGB_PREDICT === '0' ? null : await xgbPredictor(ccFile);
  const settle = () => new Promise((r) => setTimeout(r, 30));
  const ours = [];
  const theirs = [];
  let q;
  let xgbRows = 0;
  const runOurs = async () => {
    await settle();
    t = performance.now();
    q = await scorer.score(rows);
    ours.push((performance.now() - t) / 1000);
  };
  const runTheirs = async () => {
    if (!xgb) return;
    await settle();
    const r = await xgb.predict();
    theirs.push(r.seconds);
    xgbRows = r.rows;
  };
  for (let k = 0; k < 9; k++) {
    const [first, second] = k % 2 ? [runOurs, runTheirs] : [runTheirs, runOurs];
    await first();
    await second();
  }
  xgb?.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  say({
    step: 'gbdt',
    trainSeconds,
    prAuc: prAuc(p, cc.y.subarray(cut)),
    rocAuc: rocAuc(p, cc.y.subarray(cut)),
    onnxSeconds: median(ours),
    onnxRows: q.length,
    ...(theirs.length ? { xgbPredictSeconds: median(theirs), xgbPredictRows: xgbRows } : {}),
  });
  await scorer.release();
}

// Seeds 0..IF_SEEDS-1 (default 5, as scripts/bench.mjs labels it; the seed-to-seed spread of
// ROC AUC, about 0.01 on cardio, needs 20 or more to compare means with if_ref.py's).
const seeds = adDir === '-' || adDir === undefined ? 0 : Number(process.env.IF_SEEDS ?? 5);
for (const name of seeds ? ['shuttle', 'thyroid', 'mammography', 'cardio'] : []) {
  const d = load(`${adDir}/${name}.csv`);
  const aucs = [];
  t = performance.now();
  for (let seed = 0; seed < seeds; seed++)
    aucs.push(rocAuc(fitIsolationForest(d.names, d.columns, { seed }).score(d.columns), d.y));
  const mean = aucs.reduce((a, b) => a + b, 0) / seeds;
  const sd = Math.sqrt(aucs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, seeds - 1));
  say({
    step: 'iforest',
    set: name,
    seeds,
    mean,
    sd,
    aucs,
    seconds: (performance.now() - t) / (1000 * seeds),
  });
}
