// The engine's public face, for shells and benchmarks: `out/main/engine.js` once built.
export { EngineHost, detectFormat } from './host';
export type { HostOptions, IngestParams } from './host';
