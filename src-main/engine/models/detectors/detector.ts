// One interface for the unsupervised detectors: fit on columns (no labels), score rows with a
// number in [0, 1] where higher is more anomalous, and save as plain data that restores the same
// detector. Each detector is a module of this folder; index.ts is their registry.
import type { DetectorKind } from '../../../../src-shared/domain';
import type { SavedDetector } from './index';

export interface Detector {
  kind: DetectorKind;
  featureNames: string[];
  score(columns: Float32Array[]): Float64Array;
  /** Plain data (JSON) that restoreDetector() turns back into this detector. */
  serialize(): SavedDetector;
}

/** What a user may set: the seed, and the number of trees of the forests. */
export interface FitOptions {
  seed: number;
  trees?: number;
}

export interface DetectorSpec<K extends DetectorKind, S extends { kind: K }> {
  kind: K;
  /** The parameters a fit with these options uses, as the model's metadata states them. */
  params(o: FitOptions): Record<string, unknown>;
  fit(featureNames: string[], columns: Float32Array[], o: FitOptions): Detector;
  restore(saved: S): Detector;
}

/** ψ of n rows drawn without replacement (a partial Fisher–Yates shuffle), in draw order. */
export function drawRows(n: number, psi: number, rand: () => number): Uint32Array {
  const pool = new Uint32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < psi; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const tmp = pool[i];
    pool[i] = pool[j];
    pool[j] = tmp;
  }
  return pool.slice(0, psi);
}

/** Rows a detector was given, as the number of rows of its first column. */
export const rowCount = (columns: Float32Array[]): number => (columns.length ? columns[0].length : 0);

/** Float32 arrays in saved detectors: base64 of their bytes (a tenth of their JSON numbers). */
export const packFloats = (xs: Float32Array): string =>
  Buffer.from(xs.buffer, xs.byteOffset, xs.byteLength).toString('base64');

export function unpackFloats(text: string, length: number, what: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== length * 4)
    throw new Error(`${what}: ${bytes.length / 4} values where ${length} belong`);
  const out = new Float32Array(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
