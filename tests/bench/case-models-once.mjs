// Models through the product's own path: each file is imported into a case, its features are
// built, and models are trained with the engine's own requests (as `sentinel train` does), so
// that what a user gets is what is measured. Prints JSON lines.
// usage: node case-models-once.mjs CC.csv ADBENCH_DIR WORKDIR   (either input may be '-')
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
const { EngineHost, runJob } = createRequire(import.meta.url)('../../out/main/engine.js');

const [ccFile, adDir, work] = process.argv.slice(2);
const say = (o) => console.log(JSON.stringify(o));
const must = (r) => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

async function withCase(name, file, work) {
  const casePath = path.join(work, `${name}.sentinel`);
  for (const f of [casePath, `${casePath}-wal`, `${casePath}-shm`]) rmSync(f, { force: true });
  const host = new EngineHost({ shell: 'cli' });
  const invoke = (m, p) => host.call(m, p);
  must(await host.call('case.create', { path: casePath }));
  const ing = must(await runJob(invoke, 'ingest.start', { path: file, name }));
  const t = performance.now();
  const feats = must(await runJob(invoke, 'features.build', { datasetId: ing.dataset.id }));
  const featureSeconds = (performance.now() - t) / 1000;
  return {
    host,
    datasetId: ing.dataset.id,
    ingestSeconds: ing.seconds,
    featureSeconds,
    features: feats.features.length,
    train: (params) => runJob(invoke, 'model.train', { datasetId: ing.dataset.id, ...params }).then(must),
    close: async () => {
      await host.close();
      for (const f of [casePath, `${casePath}-wal`, `${casePath}-shm`]) rmSync(f, { force: true });
    },
  };
}

if (ccFile !== '-') {
  const c = await withCase('cc', ccFile, work);
  // XGBoost's parameters (no class weights, no early stopping), then the product's defaults
  for (const [variant, params] of [
    ['xgboost parameters', { classWeight: 'none', earlyStopping: 0 }],
    ['defaults', {}],
    ['balanced classes', { classWeight: 'balanced' }],
  ]) {
    const t = performance.now();
    const r = await c.train({ model: 'gbdt', label: 'Class', trees: 100, maxDepth: 6, eta: 0.1, ...params });
    say({
      step: 'case-gbdt',
      variant,
      ingestSeconds: c.ingestSeconds,
      featureSeconds: c.featureSeconds,
      jobSeconds: (performance.now() - t) / 1000,
      trainSeconds: r.seconds,
      readSeconds: r.readSeconds,
      features: r.model.featureNames.length,
      columns: r.columns.filter((u) => u.use !== 'skipped').length,
      split: r.split,
      prAuc: r.test.prAuc,
      rocAuc: r.test.rocAuc,
    });
  }
  await c.close();
}

const seeds = adDir === '-' || adDir === undefined ? 0 : Number(process.env.CASE_SEEDS ?? 10);
for (const name of seeds ? ['shuttle', 'thyroid', 'mammography', 'cardio'] : []) {
  const c = await withCase(name, `${adDir}/${name}.csv`, work);
  // each detector kind, over the same seeds, fitted and scored on every row (as ADBench does)
  for (const model of (process.env.CASE_DETECTORS ?? 'iforest,eif,knn').split(',')) {
    const aucs = [];
    const t = performance.now();
    let split = '';
    for (let seed = 0; seed < seeds; seed++) {
      const r = await c.train({ model, label: 'label', seed });
      aucs.push(r.all.rocAuc);
      split = r.split;
    }
    say({
      step: 'case-detector',
      model,
      set: name,
      seeds,
      aucs,
      split,
      features: c.features,
      seconds: (performance.now() - t) / 1000 / seeds,
    });
  }
  await c.close();
}
