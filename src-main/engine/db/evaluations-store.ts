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
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const numOrNull = (v: unknown) => v === null || num(v);
  const str = (v: unknown) => typeof v === 'string' && v.length <= 10_000;
  const split = e.split as unknown as Record<string, unknown> | null;
  const metrics = (m: unknown) => {
    if (m === null) return true;
    const x = m as Record<string, unknown>;
    return (
      typeof x === 'object' &&
      ['rocAuc', 'prAuc'].every((k) => numOrNull(x[k])) &&
      ['threshold', 'precision', 'recall', 'f1', 'positives', 'rows'].every((k) => num(x[k]))
    );
  };
  const ok =
    str(e.labels) &&
    str(e.appVersion) &&
    str(e.createdAt) &&
    num(e.datasetRows) &&
    typeof split === 'object' &&
    split !== null &&
    (split.by === 'time' || split.by === 'shuffle') &&
    ['train', 'validation', 'test'].every((k) => num(split[k])) &&
    e.entries.every(
      (x) =>
        kinds.includes(x.kind) &&
        isPoints(x.roc) &&
        isPoints(x.pr) &&
        metrics(x.test) &&
        numOrNull(x.alertsPerDay) &&
        num(x.seconds) &&
        (x.why === null || str(x.why)),
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
