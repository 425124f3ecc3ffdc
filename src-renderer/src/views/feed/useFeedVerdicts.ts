// Verdicts from the feed: C confirms, F marks a false positive, U undoes the last verdict given
// here (even after its item left the view). One verdict at a time: a key pressed again before
// the list has moved on would judge the item just judged, so keys wait for the next page.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FeedItem, Verdict } from '../../../../src-shared/domain';
import { appBridge, bumpData, showError, showNotice } from '../../store';

const VERDICT_TEXT: Record<Verdict, string> = {
  confirmed: 'confirmed attack',
  false_positive: 'false positive',
  unsure: 'unsure',
};

/** `page` and `error`: the feed's last answer (a new one lets the next key through). */
export function useFeedVerdicts(datasetId: number, item: FeedItem | null, page: unknown, error: unknown) {
  /** The last verdict given here, so Undo works even after the item left the view. */
  const [last, setLast] = useState<{ eventId: number; previous: Verdict | null } | null>(null);
  const saving = useRef(false);
  useEffect(() => {
    saving.current = false;
  }, [page, error]);

  const save = useCallback(
    async (eventId: number, v: Verdict | null, previous: Verdict | null, undo: boolean): Promise<boolean> => {
      if (saving.current) return false;
      saving.current = true;
      const r = await appBridge().invoke('feed.verdict', { datasetId, eventId, verdict: v });
      if (!r.ok) {
        saving.current = false;
        showError(r.error, 'Could not save the verdict');
        return false;
      }
      setLast(undo ? null : { eventId, previous });
      showNotice(
        undo
          ? `Undone: event ${eventId} is ${v ? VERDICT_TEXT[v] : 'open'} again`
          : v === 'unsure'
            ? `Event ${eventId} marked unsure (U undoes): it stays open`
            : v
              ? `Event ${eventId} marked ${VERDICT_TEXT[v]} (U undoes): the next training learns from it`
              : `Verdict on event ${eventId} removed`,
      );
      // In "open alerts" a judged item leaves the list; the same index is then the next one.
      bumpData();
      return true;
    },
    [datasetId],
  );

  /**
   * A verdict on the selected item; null undoes (the last verdict here, else the item's own).
   * True when a verdict was given (the caller moves the selection on when the item stays listed).
   */
  const judge = useCallback(
    async (v: Verdict | null): Promise<boolean> => {
      if (v === null) {
        if (last) await save(last.eventId, last.previous, null, true);
        else if (item?.verdict) await save(item.eventId, null, item.verdict, false);
        return false;
      }
      if (item && item.verdict !== v) return save(item.eventId, v, item.verdict, false);
      return false;
    },
    [item, last, save],
  );

  return { judge, canUndo: Boolean(item?.verdict) || last !== null };
}
