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

// A saved detector comes from a case, which may come from anyone: its shape is checked when it
// is restored (a child pointing back up its tree would loop forever when scoring).

/** Refuses a saved detector (the caller names the model whose detector this is). */
export function invalid(what: string): never {
  throw new Error(`its saved detector is malformed: ${what}`);
}

/** A tree's nodes: one length for all arrays, children after their parent, leaves sized. */
export function checkTree(t: { left: Int32Array; right: Int32Array; size: Int32Array }, tree: number): void {
  const n = t.size.length;
  if (n === 0 || t.left.length !== n || t.right.length !== n)
    invalid(`tree ${tree} has arrays of different lengths`);
  for (let node = 0; node < n; node++) {
    if (t.size[node] >= 0) continue;
    const [l, r] = [t.left[node], t.right[node]];
    if (!(l > node && l < n && r > node && r < n))
      invalid(`tree ${tree}, node ${node} has children out of place`);
  }
}

/** Scaling of `features` features, with finite centres and positive spreads. */
export function checkScaling(s: { center: number[]; scale: number[] } | undefined, features: number): void {
  if (!s || !Array.isArray(s.center) || !Array.isArray(s.scale)) return invalid('no scaling');
  if (s.center.length !== features || s.scale.length !== features) invalid('a scaling of another width');
  if (!s.center.every(Number.isFinite) || !s.scale.every((v) => Number.isFinite(v) && v > 0))
    invalid('a scaling that is not finite');
}
