// Evaluations kept in the case (schema 10). What is read back is checked: a case may come from
// anyone, and an evaluation is shown as figures and curves.
import type { EvaluationResult } from '../../../src-shared/domain';
import { MODEL_KINDS } from '../../../src-shared/domain';
import type { DB } from './open-case';
import { read, write } from './session-ops';

export function saveEvaluation(db: DB, e: Omit<EvaluationResult, 'id'>): number {
  return Number(
    db
      .prepare('INSERT INTO evaluations (dataset_id, created_at, app_version, result) VALUES (?, ?, ?, ?)')
      .run(e.datasetId, e.createdAt, e.appVersion, JSON.stringify(e)).lastInsertRowid,
  );
}

const isPoints = (xs: unknown) =>
  Array.isArray(xs) &&
  xs.length <= 10_000 &&
  xs.every(
    (p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v)),
  );

/** An evaluation as stored, or null when it is not one (an altered case). */
function parseEvaluation(id: number, text: string): EvaluationResult | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const e = v as EvaluationResult;
  if (typeof e !== 'object' || e === null || !Array.isArray(e.entries) || typeof e.dataset !== 'string')
    return null;
  const kinds: readonly string[] = MODEL_KINDS;
  const ok = e.entries.every(
    (x) =>
      kinds.includes(x.kind) &&
      isPoints(x.roc) &&
      isPoints(x.pr) &&
      (x.test === null || typeof x.test === 'object'),
  );
  return ok ? { ...e, id } : null;
}

export function listEvaluations(db: DB, datasetId: number): EvaluationResult[] {
  const rows = db
    .prepare('SELECT id, result FROM evaluations WHERE dataset_id = ? ORDER BY id DESC')
    .all(datasetId) as { id: number; result: string }[];
  return rows.map((r) => parseEvaluation(r.id, r.result)).filter((e): e is EvaluationResult => e !== null);
}

export const evaluationOps = {
  saveEvaluation: write((s, e: Omit<EvaluationResult, 'id'>) => saveEvaluation(s.writer, e)),
  evaluations: read((s, datasetId: number) => listEvaluations(s.reader, datasetId)),
};
