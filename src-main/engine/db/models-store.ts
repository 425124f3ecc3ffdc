// Models and scores in the case.
import type { ColumnUseInfo, ModelInfo, StoredModelKind } from '../../../src-shared/domain';
import { AppFailure, fail } from '../../../src-shared/result';
import { isCancelled } from '../ingest/protocol';
import type { DB } from './open-case';
import { read, write, type JobTicket } from './session-ops';

export interface ModelToSave {
  name: string;
  kind: StoredModelKind;
  datasetId: number | null;
  featureNames: string[];
  metadata: object;
  threshold: number | null;
  body: Uint8Array;
}

export function saveModel(db: DB, m: ModelToSave): number {
  return Number(
    db
      .prepare(
        'INSERT INTO models (name, kind, dataset_id, feature_names, metadata, threshold, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        m.name,
        m.kind,
        m.datasetId,
        JSON.stringify(m.featureNames),
        JSON.stringify(m.metadata),
        m.threshold,
        Buffer.from(m.body),
        new Date().toISOString(),
      ).lastInsertRowid,
  );
}

const CHUNK = 16_384;

/** Models that judge the same way: our trees and imported trees are one family. */
export const modelFamily = (kind: string): string => (kind === 'gbdt' || kind === 'onnx' ? 'trees' : kind);
export const feedChoiceKey = (datasetId: number, family: string) => `feed_model:${datasetId}:${family}`;

/**
 * Replaces a model's scores of a dataset, in one transaction, yielding between chunks. `model`
 * is an id, or a model to keep with them (one with the same bytes already kept is reused):
 * either way model and scores land together.
 */
export async function saveScores(
  db: DB,
  model: number | ModelToSave,
  datasetId: number,
  ids: Float64Array,
  scores: Float64Array,
  cancel: Int32Array,
): Promise<number> {
  db.exec('BEGIN IMMEDIATE');
  try {
    const modelId =
      typeof model === 'number'
        ? model
        : ((db
            .prepare('SELECT id FROM models WHERE body = ? ORDER BY id LIMIT 1')
            .pluck()
            .get(Buffer.from(model.body)) as number | undefined) ?? saveModel(db, model));
    db.prepare('DELETE FROM scores WHERE model_id = ? AND dataset_id = ?').run(modelId, datasetId);
    const insert = db.prepare(
      'INSERT INTO scores (model_id, dataset_id, event_id, score) VALUES (?, ?, ?, ?)',
    );
    for (let start = 0; start < ids.length; start += CHUNK) {
      if (isCancelled(cancel)) throw new AppFailure({ code: 'CANCELLED', message: 'scoring cancelled' });
      const end = Math.min(ids.length, start + CHUNK);
      for (let i = start; i < end; i++)
        insert.run(modelId, datasetId, ids[i], Number.isFinite(scores[i]) ? scores[i] : 0);
      await new Promise<void>((r) => setImmediate(r));
    }
    // The feed ranks a dataset by the model of each family that scored it last.
    const kind = db.prepare('SELECT kind FROM models WHERE id = ?').pluck().get(modelId) as string;
    db.prepare('INSERT OR REPLACE INTO case_meta (key, value) VALUES (?, ?)').run(
      feedChoiceKey(datasetId, modelFamily(kind)),
      String(modelId),
    );
    db.exec('COMMIT');
    return modelId;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

const FEATURE_NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,127}$/;

/** A model row's feature list, checked: case files from others are untrusted. */
export function storedFeatureNames(text: string, id: number): string[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || !v.every((f) => typeof f === 'string' && FEATURE_NAME.test(f)))
    fail('NOT_A_CASE', `this case's table models is damaged: model ${id} has no valid feature list`);
  return v as string[];
}

/** A model row's metadata (an object), checked. */
export function storedMetadata(text: string, id: number): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    fail('NOT_A_CASE', `this case's table models is damaged: model ${id} has no valid metadata`);
  return v as Record<string, unknown>;
}

const USES = new Set(['number', 'flag', 'category', 'text', 'skipped']);

/** What a model's metadata says its columns became (only well-formed entries: case files are untrusted). */
function columnUses(v: unknown): ColumnUseInfo[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((u: unknown) => {
    const o = u as Record<string, unknown> | null;
    if (!o || typeof o.column !== 'string' || typeof o.use !== 'string' || !USES.has(o.use)) return [];
    return [
      {
        column: o.column,
        use: o.use as ColumnUseInfo['use'],
        ...(typeof o.why === 'string' ? { why: o.why } : {}),
      },
    ];
  });
}

export function listModels(db: DB): ModelInfo[] {
  const rows = db
    .prepare(
      'SELECT id, name, kind, dataset_id, feature_names, metadata, threshold, created_at FROM models ORDER BY id',
    )
    .all() as {
    id: number;
    name: string;
    kind: ModelInfo['kind'];
    dataset_id: number | null;
    feature_names: string;
    metadata: string;
    threshold: number | null;
    created_at: string;
  }[];
  return rows.map((r) => {
    const meta = storedMetadata(r.metadata, r.id) as {
      metrics?: { test?: ModelInfo['metrics'] };
      columns?: unknown;
      split?: { by?: unknown };
      fittedOn?: unknown;
    };
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      datasetId: r.dataset_id,
      featureNames: storedFeatureNames(r.feature_names, r.id),
      threshold: r.threshold,
      metrics: meta.metrics?.test ?? null,
      columns: columnUses(meta.columns),
      split: meta.split?.by === 'shuffle' ? 'shuffle' : meta.split?.by === 'time' ? 'time' : null,
      fittedOn: typeof meta.fittedOn === 'string' ? meta.fittedOn.slice(0, 200) : null,
      createdAt: r.created_at,
    };
  });
}

export const modelOps = {
  models: read((s) => listModels(s.reader)),
  saveModel: write((s, model: ModelToSave) => {
    const id = saveModel(s.writer, model);
    return listModels(s.writer).find((m) => m.id === id)!;
  }),
  /** A model's scores of a dataset; `model` an id, or a model from a file to keep with them. */
  saveScores: write(
    async (
      s,
      ticket: JobTicket,
      model: number | ModelToSave,
      datasetId: number,
      ids: Float64Array,
      scores: Float64Array,
    ) => {
      const id = await saveScores(s.writer, model, datasetId, ids, scores, s.job(ticket).cancel);
      s.scheduleCheckpoint();
      return id;
    },
  ),
};
