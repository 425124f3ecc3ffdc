// Analysts' verdicts on events (table `labels`): confirmed attack, false positive or unsure. The
// first two rank above every other label source when a model is trained next; each is journalled.
import type { DatasetInfo, Verdict } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { tableOf } from './case-store';
import type { DB } from './open-case';
import { logReview } from './review-store';
import { write } from './session-ops';

/** Sets (or clears) an event's verdict and writes it, with its note, into the review journal. */
export function setVerdict(
  db: DB,
  ds: DatasetInfo,
  eventId: number,
  verdict: Verdict | null,
  note: string | null = null,
): void {
  const exists = db.prepare(`SELECT 1 FROM ${tableOf(ds.id)} WHERE _id = ?`).get(eventId);
  if (!exists) fail('BAD_REQUEST', `dataset "${ds.name}" has no event ${eventId}`);
  db.transaction(() => {
    if (verdict === null)
      db.prepare('DELETE FROM labels WHERE dataset_id = ? AND event_id = ?').run(ds.id, eventId);
    else
      db.prepare(
        `INSERT INTO labels (dataset_id, event_id, verdict, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (dataset_id, event_id) DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at`,
      ).run(ds.id, eventId, verdict, new Date().toISOString());
    logReview(db, { datasetId: ds.id, eventId }, { action: 'verdict', verdict, note });
  })();
}

export const labelOps = {
  /** An analyst's verdict on an event (null clears it). The ranking stays: verdicts are read per page. */
  eventVerdict: write(
    (s, datasetId: number, eventId: number, verdict: Verdict | null, note?: string) => {
      setVerdict(s.writer, s.dataset(datasetId), eventId, verdict, note ?? null);
      s.scheduleCheckpoint();
      return verdict;
    },
    { keepsRankings: true },
  ),
  /** Verdicts on many events at once (an incident, or undoing one): all of them or none. */
  eventVerdicts: write(
    (s, datasetId: number, items: { eventId: number; verdict: Verdict | null }[], note?: string) => {
      const ds = s.dataset(datasetId);
      s.writer.transaction(() => {
        for (const { eventId, verdict } of items) setVerdict(s.writer, ds, eventId, verdict, note ?? null);
      })();
      s.scheduleCheckpoint();
      return items.length;
    },
    { keepsRankings: true },
  ),
};
