// The engine's public face, for shells and benchmarks: `out/main/engine.js` once built.
export { EngineHost, detectFormat } from './host';
export type { HostOptions, IngestParams } from './host';
export { computeFeatures } from './features/compute';
export { loadFeatureConfig, parseFeatureConfig } from './features/config';
export { loadFeatureInput } from './features/load';
export { openCaseDb, closeCaseDb } from './db/open-case';
export { listDatasets } from './db/case-store';
