// The registry of unsupervised detectors: a kind's module gives its fit, its saved form and its
// restore. A new detector is a module here and a line in DETECTORS.
import type { DetectorKind } from '../../../../src-shared/domain';
import type { Detector, DetectorSpec, FitOptions } from './detector';
import { eif, type SavedEif } from './eif';
import { hbos, type SavedHbos } from './hbos';
import { iforest, type SavedIForest } from './iforest';
import { knn, type SavedKnn } from './knn';

export type { Detector } from './detector';
export type SavedDetector = SavedIForest | SavedEif | SavedKnn | SavedHbos;

type Specs = { [K in DetectorKind]: DetectorSpec<K, Extract<SavedDetector, { kind: K }>> };

export const DETECTORS: Specs = { iforest, eif, knn, hbos };

export const fitDetector = (
  kind: DetectorKind,
  names: string[],
  columns: Float32Array[],
  o: FitOptions,
): Detector => DETECTORS[kind].fit(names, columns, o);

export function restoreDetector(saved: SavedDetector): Detector {
  const spec = DETECTORS[saved.kind] as DetectorSpec<DetectorKind, SavedDetector> | undefined;
  if (!spec) throw new Error(`unknown detector kind ${JSON.stringify((saved as { kind: unknown }).kind)}`);
  return spec.restore(saved);
}
