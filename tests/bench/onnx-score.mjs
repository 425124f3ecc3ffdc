// Where the time of ONNX batch scoring goes, and what changes it: the model of the models bench
// (100 trees, depth 6, 30 features) on the latest 20% of the generated credit-card file, scored
// through onnxruntime-node in this thread. Variants run interleaved; medians are printed, with
// XGBoost's own `predict` of the same size measured in the same run.
// usage: node tests/bench/onnx-score.mjs CC.csv [ROUNDS]   (npm run build first; CONVERTED_ONNX=FILE
// adds an onnxmltools-converted XGBoost model of the same size, input "features")
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { trainGbdt, exportOnnx, openOnnx } = require('../../out/main/engine.js');
const ort = require('onnxruntime-node');

const [ccFile, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText ?? 7);

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
  {
    trees: 100,
    maxDepth: 6,
    eta: 0.1,
  },
);
const test = columns.map((c) => c.subarray(cut));
const n = test[0].length;
const bytes = exportOnnx(model);

function rowMajor(cols, start, m) {
  const data = new Float32Array(m * F);
  for (let f = 0; f < F; f++) {
    const col = cols[f];
    for (let r = 0; r < m; r++) data[r * F + f] = col[start + r];
  }
  return data;
}

const sessions = {
  default: await ort.InferenceSession.create(bytes),
  intra1: await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 }),
  noSpin: await ort.InferenceSession.create(bytes, {
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  }),
};
// optional: XGBoost's own model of the same size converted with onnxmltools (input "features")
const converted = process.env.CONVERTED_ONNX;
if (converted) {
  sessions.converted = await ort.InferenceSession.create(converted);
  sessions.convertedIntra1 = await ort.InferenceSession.create(converted, { intraOpNumThreads: 1 });
}
const scorer = await openOnnx(bytes);
const rowsAll = rowMajor(test, 0, n);

const variants = {
  // what the app does (transpose, tensor, run, copy out)
  'openOnnx.score': async () => scorer.score(test),
  transpose: async () => rowMajor(test, 0, n),
  'run only (1 batch, both outputs)': async () =>
    sessions.default.run({ features: new ort.Tensor('float32', rowsAll, [n, F]) }),
  'run only (1 batch, probability)': async () =>
    sessions.default.run({ features: new ort.Tensor('float32', rowsAll, [n, F]) }, ['probability']),
  'run only, no spinning': async () =>
    sessions.noSpin.run({ features: new ort.Tensor('float32', rowsAll, [n, F]) }, ['probability']),
  'run only, intraOpNumThreads 1': async () =>
    sessions.intra1.run({ features: new ort.Tensor('float32', rowsAll, [n, F]) }, ['probability']),
  'run only, 2 concurrent halves': async () => {
    const h = n >> 1;
    return Promise.all([
      sessions.default.run({ features: new ort.Tensor('float32', rowsAll.subarray(0, h * F), [h, F]) }, [
        'probability',
      ]),
      sessions.default.run({ features: new ort.Tensor('float32', rowsAll.subarray(h * F), [n - h, F]) }, [
        'probability',
      ]),
    ]);
  },
  'run only, 2 concurrent halves, intra 1': async () => {
    const h = n >> 1;
    return Promise.all([
      sessions.intra1.run({ features: new ort.Tensor('float32', rowsAll.subarray(0, h * F), [h, F]) }, [
        'probability',
      ]),
      sessions.intra1.run({ features: new ort.Tensor('float32', rowsAll.subarray(h * F), [n - h, F]) }, [
        'probability',
      ]),
    ]);
  },
  ...(converted
    ? {
        'onnxmltools-converted XGBoost, run only': async () =>
          sessions.converted.run({ features: new ort.Tensor('float32', rowsAll, [n, F]) }),
        'onnxmltools-converted XGBoost, intra 1': async () =>
          sessions.convertedIntra1.run({ features: new ort.Tensor('float32', rowsAll, [n, F]) }),
      }
    : {}),
  'run only, batches of 8192': async () => {
    for (let s = 0; s < n; s += 8192) {
      const m = Math.min(8192, n - s);
      await sessions.default.run(
        { features: new ort.Tensor('float32', rowsAll.subarray(s * F, (s + m) * F), [m, F]) },
        ['probability'],
      );
    }
  },
};

// XGBoost's predict, same size, in a Python process asked once per round (interleaved)
const PY = `
import sys, time, numpy as np, xgboost as xgb
d = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1, dtype=np.float32)
X, y = d[:, :30], d[:, 30]
cut = int(len(y) * 0.8)
b = xgb.train(dict(tree_method='hist', max_depth=6, eta=0.1, nthread=2, objective='binary:logistic'),
              xgb.DMatrix(X[:cut], label=y[:cut], nthread=2), num_boost_round=100)
dt = xgb.DMatrix(X[cut:], nthread=2)
b.predict(dt)
print('ready', flush=True)
for line in sys.stdin:
    dt = xgb.DMatrix(X[cut:], nthread=2)  # a new one each time: predict caches by DMatrix
    t = time.perf_counter(); b.predict(dt); print(time.perf_counter() - t, flush=True)
`;
const { spawn } = await import('node:child_process');
const py = spawn('/usr/bin/python3', ['-c', PY, ccFile], { stdio: ['pipe', 'pipe', 'inherit'] });
const pyLines = [];
let pyWait = null;
let pyBuf = '';
py.stdout.on('data', (d) => {
  pyBuf += d;
  let i;
  while ((i = pyBuf.indexOf('\n')) >= 0) {
    pyLines.push(pyBuf.slice(0, i));
    pyBuf = pyBuf.slice(i + 1);
    pyWait?.();
  }
});
const pyLine = async () => {
  while (!pyLines.length) await new Promise((r) => (pyWait = r));
  return pyLines.shift();
};
await pyLine(); // ready
const xgbTimes = [];

for (const v of Object.values(variants)) await v(); // warm up
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < rounds; i++) {
  for (const [k, v] of Object.entries(variants)) {
    const t = performance.now();
    await v();
    times[k].push(performance.now() - t);
  }
  py.stdin.write('go\n');
  xgbTimes.push(Number(await pyLine()) * 1000);
}
py.stdin.end();
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

const xgbRate = (n / median(xgbTimes)) * 1000;
const xgb = true;
console.log(
  `${n.toLocaleString('en-US')} rows × ${F} features, ${model.trees.length} trees; medians of ${rounds} interleaved rounds`,
);
for (const [k, a] of Object.entries(times)) {
  const ms = median(a);
  console.log(
    `${k.padEnd(42)} ${ms.toFixed(1).padStart(7)} ms  ${((n / ms) * 1000).toLocaleString('en-US', { maximumFractionDigits: 0 }).padStart(11)} rows/s` +
      (xgb ? `  ratio to XGBoost ${(((n / ms) * 1000) / xgbRate).toFixed(2)}` : ''),
  );
}
console.log(
  `XGBoost predict, interleaved: ${median(xgbTimes).toFixed(1)} ms, ${xgbRate.toLocaleString('en-US', { maximumFractionDigits: 0 })} rows/s`,
);
await scorer.release();
for (const s of Object.values(sessions)) await s.release();
