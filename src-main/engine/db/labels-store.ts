// Analysts' verdicts on events (table `labels`): confirmed attack or false positive. They rank
// above every other label source when a model is trained next.
import type { DatasetInfo, Verdict } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { tableOf } from './case-store';
import type { DB } from './open-case';
import { write } from './session-ops';

export function setVerdict(db: DB, ds: DatasetInfo, eventId: number, verdict: Verdict | null): void {
  const exists = db.prepare(`SELECT 1 FROM ${tableOf(ds.id)} WHERE _id = ?`).get(eventId);
  if (!exists) fail('BAD_REQUEST', `dataset "${ds.name}" has no event ${eventId}`);
  if (verdict === null) {
    db.prepare('DELETE FROM labels WHERE dataset_id = ? AND event_id = ?').run(ds.id, eventId);
    return;
  }
  db.prepare(
    `INSERT INTO labels (dataset_id, event_id, verdict, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (dataset_id, event_id) DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at`,
  ).run(ds.id, eventId, verdict, new Date().toISOString());
}

export const labelOps = {
  /** An analyst's verdict on an event (null clears it). The ranking stays: verdicts are read per page. */
  eventVerdict: write(
    (s, datasetId: number, eventId: number, verdict: Verdict | null) => {
      setVerdict(s.writer, s.dataset(datasetId), eventId, verdict);
      s.scheduleCheckpoint();
      return verdict;
    },
    { keepsRankings: true },
  ),
};
