// The engine's public face, for shells and benchmarks: `out/main/engine.js` once built.
export { EngineHost, detectFormat } from './host';
export type { HostOptions, IngestParams } from './host';
export { computeFeatures } from './features/compute';
export { loadFeatureConfig, parseFeatureConfig } from './features/config';
export { loadFeatureInput } from './features/load';
export { openCaseDb, closeCaseDb } from './db/open-case';
export { listDatasets } from './db/case-store';
export { trainGbdt, predictProba } from './models/gbdt/train';
export { exportOnnx } from './models/onnx/export';
export { openOnnx, sessionOptions } from './models/onnx/score';
export { fitIsolationForest, fitHbos } from './models/unsupervised';
export { rocAuc, prAuc } from './models/metrics';
export { RuleEngine } from './rules/engine';
export { ColumnsBuilder } from './rules/events';
export { loadRulesConfig } from './rules/config';
export { simulate, writeApilog } from './simulate/apilog';
