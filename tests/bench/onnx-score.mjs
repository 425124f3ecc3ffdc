// Where the time of ONNX batch scoring goes, and what changes it: the model of the models bench
// (100 trees, depth 6, 30 features) on the latest 20% of the generated credit-card file, scored
// through onnxruntime-node in this thread. Variants run interleaved; medians are printed, with
// XGBoost's own `predict` of the same size measured in the same run.
// The order of the variants rotates every round: whatever runs right after XGBoost's predict
// shares the cores with its OpenMP threads still spinning, which biased the first variant.
// XGBoost is timed twice: as the reference (its default start, base_score 0.5) and with
// base_score set to the training prior, the start our trainer uses; from the prior, XGBoost
// grows trees of about our size and branch pattern, and they are slower to walk.
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
  // what the app does (transpose, tensor, run, copy out; sessions without intra-op spinning)
  'openOnnx.score': async () => scorer.score(test),
  transpose: async () => rowMajor(test, 0, n),
  'run only (1 batch, both outputs)': async () =>
    sessions.default.run({ features: new ort.Tensor('float32', rowsAll, [n, F]) }),
  'run only (1 batch, probability)': async () =>
    sessions.default.run({ features: new ort.Tensor('float32', rowsAll, [n, F]) }, ['probability']),
  'run only, no spinning (the app)': async () =>
    sessions.noSpin.run({ features: new ort.Tensor('float32', rowsAll, [n, F]) }, ['probability']),
  'run only, intraOpNumThreads 1': async () =>
    sessions.intra1.run({ features: new ort.Tensor('float32', rowsAll, [n, F]) }, ['probability']),
  // (two runs at once gain nothing: onnxruntime-node's run is synchronous on this thread)
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
p = xgb.train(dict(tree_method='hist', max_depth=6, eta=0.1, nthread=2, objective='binary:logistic',
                   base_score=float(y[:cut].mean())),
              xgb.DMatrix(X[:cut], label=y[:cut], nthread=2), num_boost_round=100)
b.predict(dt); p.predict(dt)
print('ready', flush=True)
for line in sys.stdin:
    out = []
    for m in (b, p):
        dt = xgb.DMatrix(X[cut:], nthread=2)  # a new one each time: predict caches by DMatrix
        t = time.perf_counter(); m.predict(dt); out.append(str(time.perf_counter() - t))
    print(' '.join(out), flush=True)
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
const xgbPriorTimes = [];

for (const v of Object.values(variants)) await v(); // warm up
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < rounds; i++) {
  const all = Object.entries(variants);
  for (const [k, v] of [...all.slice(i % all.length), ...all.slice(0, i % all.length)]) {
    const t = performance.now();
    await v();
    times[k].push(performance.now() - t);
  }
  py.stdin.write('go\n');
  const [a, b] = (await pyLine()).split(' ').map((x) => Number(x) * 1000);
  xgbTimes.push(a);
  xgbPriorTimes.push(b);
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
const priorRate = (n / median(xgbPriorTimes)) * 1000;
console.log(
  `XGBoost predict, trees grown from the prior (base_score ${(labels.subarray(0, cut).reduce((a, b) => a + b, 0) / cut).toFixed(5)}, as ours): ` +
    `${median(xgbPriorTimes).toFixed(1)} ms, ${priorRate.toLocaleString('en-US', { maximumFractionDigits: 0 })} rows/s; ` +
    `openOnnx.score / this ${(((n / median(times['openOnnx.score'])) * 1000) / priorRate).toFixed(2)}`,
);
console.log(
  `load average ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
await scorer.release();
for (const s of Object.values(sessions)) await s.release();
