// The review journal (`verdict_log`, schema 11): every verdict given or cleared, every note and
// every rule review, in order. It is an item's history, and what a rule's confidence is replayed
// from, so that a verdict on a rule alert can be changed or undone like any other.
import type { ReviewEntry, ReviewTarget, Verdict } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { tableOf } from './case-store';
import type { DB } from './open-case';
import { read, write } from './session-ops';

const now = () => new Date().toISOString();

type Logged =
  | { action: 'verdict'; verdict: Verdict | null; note?: string | null }
  | { action: 'note'; note: string }
  | { action: 'review' };

/** Appends one step to the journal of an event, an alert (of a rule) or a rule. */
export function logReview(
  db: DB,
  target: { datasetId?: number | null; eventId?: number; alertId?: number; rule?: string },
  step: Logged,
): ReviewEntry {
  const at = now();
  const verdict = step.action === 'verdict' ? step.verdict : null;
  const note = step.action === 'note' ? step.note : step.action === 'verdict' ? (step.note ?? null) : null;
  const id = db
    .prepare(
      `INSERT INTO verdict_log (at, dataset_id, event_id, alert_id, rule, action, verdict, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      at,
      target.datasetId ?? null,
      target.eventId ?? null,
      target.alertId ?? null,
      target.rule ?? null,
      step.action,
      verdict,
      note,
    ).lastInsertRowid;
  return { id: Number(id), at, action: step.action, verdict, note };
}

/** The journal of one event or alert, oldest first. */
export function reviewHistory(db: DB, target: ReviewTarget): ReviewEntry[] {
  const rows =
    'alertId' in target
      ? db
          .prepare('SELECT id, at, action, verdict, note FROM verdict_log WHERE alert_id = ? ORDER BY id')
          .all(target.alertId)
      : db
          .prepare(
            'SELECT id, at, action, verdict, note FROM verdict_log WHERE dataset_id = ? AND event_id = ? AND alert_id IS NULL ORDER BY id',
          )
          .all(target.datasetId, target.eventId);
  return rows as ReviewEntry[];
}

/** The journals of many events of a dataset at once (for a report), by event id. */
export function reviewHistories(db: DB, datasetId: number, eventIds: number[]): Map<number, ReviewEntry[]> {
  const out = new Map<number, ReviewEntry[]>();
  const rows = db
    .prepare(
      `SELECT event_id, id, at, action, verdict, note FROM verdict_log
       WHERE dataset_id = ? AND alert_id IS NULL AND event_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    )
    .all(datasetId, JSON.stringify(eventIds)) as (ReviewEntry & { event_id: number })[];
  for (const { event_id, ...e } of rows) {
    let list = out.get(event_id);
    if (!list) out.set(event_id, (list = []));
    list.push(e);
  }
  return out;
}

function addNote(db: DB, target: ReviewTarget & { note: string }): ReviewEntry {
  if ('alertId' in target) {
    const row = db.prepare('SELECT dataset_id, rule FROM alerts WHERE id = ?').get(target.alertId) as
      { dataset_id: number; rule: string } | undefined;
    if (!row) return fail('BAD_REQUEST', `no alert with id ${target.alertId} in this case`);
    return logReview(
      db,
      { datasetId: row.dataset_id, alertId: target.alertId, rule: row.rule },
      { action: 'note', note: target.note },
    );
  }
  const ds = db.prepare('SELECT name FROM datasets WHERE id = ?').get(target.datasetId) as
    { name: string } | undefined;
  if (!ds) return fail('BAD_REQUEST', `no dataset with id ${target.datasetId} in this case`);
  if (!db.prepare(`SELECT 1 FROM ${tableOf(target.datasetId)} WHERE _id = ?`).get(target.eventId))
    return fail('BAD_REQUEST', `dataset "${ds.name}" has no event ${target.eventId}`);
  return logReview(
    db,
    { datasetId: target.datasetId, eventId: target.eventId },
    { action: 'note', note: target.note },
  );
}

export const reviewOps = {
  /** A note on an event or a rule alert. */
  reviewNote: write((s, target: ReviewTarget & { note: string }) => addNote(s.writer, target), {
    keepsRankings: true,
  }),
  /** An event's or an alert's verdicts and notes, oldest first. */
  reviewHistory: read((s, target: ReviewTarget) => reviewHistory(s.reader, target)),
};
