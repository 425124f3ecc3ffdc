// Scoring a dataset's events with a stored model (or an ONNX file), in a compute worker.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { isDetectorKind, type DatasetInfo, type StoredModelKind } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { storedFeatureNames, storedMetadata } from '../db/models-store';
import type { DB } from '../db/open-case';
import { readColumnFeatures, type ColumnFeature } from './column-features';
import type { FeatureInput } from './feature-input';
import { readFeatures, resolveFeatures } from './feature-source';
import { checkFeatureCount, checkTreeModel } from './onnx/check-import';
import { onnxMetadata, parseFeatureNames } from './onnx/metadata';
import { checkFeaturesCurrent, type ModelMetadata } from './train-dataset';
import { restoreDetector, type SavedDetector } from './detectors';

export interface StoredModel {
  id: number | null;
  name: string;
  kind: StoredModelKind;
  featureNames: string[];
  threshold: number;
  metadata: Partial<ModelMetadata>;
  body: Uint8Array;
}

export function readStoredModel(db: DB, id: number): StoredModel {
  const row = db
    .prepare('SELECT id, name, kind, feature_names, metadata, threshold, body FROM models WHERE id = ?')
    .get(id) as
    | {
        id: number;
        name: string;
        kind: StoredModel['kind'];
        feature_names: string;
        metadata: string;
        threshold: number | null;
        body: Uint8Array;
      }
    | undefined;
  if (!row) return fail('BAD_REQUEST', `no model with id ${id} in this case`);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    featureNames: storedFeatureNames(row.feature_names, row.id),
    threshold: row.threshold ?? 0.5,
    metadata: storedMetadata(row.metadata, row.id) as Partial<ModelMetadata>,
    body: new Uint8Array(row.body),
  };
}

/** The newest model trained on a dataset. */
export function latestModelId(db: DB, datasetId: number): number {
  const id = db
    .prepare('SELECT id FROM models WHERE dataset_id = ? ORDER BY id DESC LIMIT 1')
    .pluck()
    .get(datasetId) as number | undefined;
  return (
    id ??
    fail(
      'BAD_REQUEST',
      'this dataset has no model yet: train one (sentinel train) or give a model file (--model FILE.onnx)',
    )
  );
}

/**
 * An ONNX model from a file: a tree ensemble trained here or elsewhere (XGBoost or LightGBM
 * converted with onnxmltools, scikit-learn with skl2onnx). Its inputs are matched by feature
 * names, from its metadata (`feature_names`: a JSON array or names separated by commas) or from
 * a sidecar `FILE.json` with `featureNames`. Whatever is wrong with the file fails here, before
 * anything is written to the case.
 */
export function readModelFile(file: string, shownAs?: string): StoredModel {
  const name = shownAs ?? path.basename(file);
  let body: Uint8Array;
  try {
    body = new Uint8Array(readFileSync(file));
  } catch (e) {
    return fail('IO', `cannot read the model (${(e as NodeJS.ErrnoException).code})`, { file: name });
  }
  const shape = checkTreeModel(body, name);
  const meta = onnxMetadata(body);
  let ours: Partial<ModelMetadata> = {};
  try {
    if (meta.sentinelrisk) ours = JSON.parse(meta.sentinelrisk) as Partial<ModelMetadata>;
  } catch {
    ours = {};
  }
  const sidecarFile = file.replace(/\.onnx$/i, '') + '.json';
  const sidecarName = path.basename(sidecarFile);
  let sidecar: Partial<ModelMetadata> & { feature_names?: unknown } = {};
  if (existsSync(sidecarFile)) {
    try {
      sidecar = JSON.parse(readFileSync(sidecarFile, 'utf8')) as typeof sidecar;
    } catch (e) {
      fail('BAD_REQUEST', `the model's metadata is not valid JSON (${(e as Error).message})`, {
        file: sidecarName,
      });
    }
  }
  let fromMeta: string[] | null = null;
  if (meta.feature_names !== undefined) {
    try {
      fromMeta = parseFeatureNames(meta.feature_names);
    } catch (e) {
      fail('BAD_REQUEST', (e as Error).message, { file: name });
    }
  }
  const sideNames: unknown = sidecar.featureNames ?? sidecar.feature_names;
  let fromSidecar: string[] | null = null;
  if (sideNames !== undefined) {
    if (!Array.isArray(sideNames) || !sideNames.every((f) => typeof f === 'string')) {
      fail('BAD_REQUEST', '"featureNames" must be an array of feature names', { file: sidecarName });
    }
    fromSidecar = sideNames as string[];
  }
  const featureNames = ours.featureNames ?? fromSidecar ?? fromMeta;
  if (!featureNames) {
    return fail(
      'BAD_REQUEST',
      `the model does not say which features it takes: give it "feature_names" metadata or a sidecar ${sidecarName} with "featureNames"`,
      { file: name },
    );
  }
  if (fromSidecar && fromMeta && fromSidecar.join() !== fromMeta.join()) {
    fail(
      'BAD_REQUEST',
      `its "feature_names" metadata and ${sidecarName} name different features: give one list, or the same in both`,
      { file: name },
    );
  }
  checkFeatureCount(body, name, featureNames, shape);
  const metadata = { ...sidecar, ...ours };
  delete (metadata as { feature_names?: unknown }).feature_names;
  return {
    id: null,
    name,
    kind: ours.kind === 'gbdt' ? 'gbdt' : 'onnx',
    featureNames,
    threshold: metadata.threshold ?? 0.5,
    metadata,
    body,
  };
}

export interface ScoreOutcome {
  ids: Float64Array;
  scores: Float64Array;
  threshold: number;
  anomalies: number;
}

export interface ScoringInput {
  ids: Float64Array;
  /**
   * Features in the model's order: rows for an ONNX model (its input as it is), columns for a
   * detector.
   */
  features: FeatureInput;
}

/** A stored model's column features, checked (its metadata comes from a case or a file). */
export const modelColumnFeatures = (model: StoredModel): ColumnFeature[] =>
  readColumnFeatures(model.metadata.columnFeatures, `model "${model.name}"`);

/** Every event's features, in the model's feature order. */
export function loadScoringInput(db: DB, ds: DatasetInfo, model: StoredModel): ScoringInput {
  const refs = resolveFeatures(db, ds, { ...model, columnFeatures: modelColumnFeatures(model) });
  if (refs.some((r) => r.from === 'stored')) checkFeaturesCurrent(db, ds);
  const { ids, columns } = readFeatures(db, ds, refs);
  if (scoresInProcess(model)) return { ids, features: columns };
  // an ONNX model takes rows
  const n = ids.length;
  const F = columns.length;
  const data = new Float32Array(n * F);
  for (let f = 0; f < F; f++) {
    const col = columns[f];
    for (let i = 0, at = f; i < n; i++, at += F) data[at] = col[i];
  }
  return { ids, features: { data, features: F } };
}

/** Models scored in JavaScript (the unsupervised detectors); ONNX models go to the ONNX worker. */
export const scoresInProcess = (model: StoredModel) => isDetectorKind(model.kind);

export function scoreWithDetector(model: StoredModel, columns: Float32Array[]): Float64Array {
  let detector;
  try {
    detector = restoreDetector(JSON.parse(new TextDecoder().decode(model.body)) as SavedDetector);
  } catch (e) {
    return fail(
      'NOT_A_CASE',
      `this case's table models is damaged: model ${model.id ?? model.name} cannot be read (${(e as Error).message})`,
    );
  }
  return detector.score(columns);
}

/**
 * The scores and how many are at or above the threshold; `quiet` ids (a dataset's first day,
 * for a model trained without labels: see feed/rank.ts) raise no alert, so they are not counted,
 * as the feed does not count them.
 */
export function outcome(
  ids: Float64Array,
  scores: Float64Array,
  threshold: number,
  quiet: ReadonlySet<number> = new Set(),
): ScoreOutcome {
  let anomalies = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] >= threshold && !quiet.has(ids[i])) anomalies++;
  return { ids, scores, threshold, anomalies };
}
