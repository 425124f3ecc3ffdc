// Verdicts from the feed: C confirms, F marks a false positive, S unsure, U undoes the last
// verdict given here (even after its item left the view). On a folded incident's row a verdict
// judges every event of the incident, and U gives each back its verdict from before. One verdict
// at a time: a key pressed again before the list has moved on would judge the item just judged,
// so keys wait for the next page.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FeedItem, FeedView, Verdict } from '../../../../src-shared/domain';
import { formatInt } from '../../format';
import { appBridge, bumpData, showError, showNotice } from '../../store';

const VERDICT_TEXT: Record<Verdict, string> = {
  confirmed: 'confirmed attack',
  false_positive: 'false positive',
  unsure: 'unsure',
};

/** Events and the verdicts they had before the last verdict given here. */
type Before = { eventId: number; verdict: Verdict | null }[];

/** `page` and `error`: the feed's last answer (a new one lets the next key through). */
export function useFeedVerdicts(
  datasetId: number,
  view: FeedView,
  /** The selected row: an event, or the head of a folded incident (`group` set). */
  item: FeedItem | null,
  page: unknown,
  error: unknown,
) {
  /** The last verdict given here, so Undo works even after the item left the view. */
  const [last, setLast] = useState<Before | null>(null);
  const saving = useRef(false);
  useEffect(() => {
    saving.current = false;
  }, [page, error]);

  /** Sets each event's verdict; true when saved. */
  const save = useCallback(
    async (items: Before, undo: boolean, before: Before): Promise<boolean> => {
      if (saving.current || !items.length) return false;
      saving.current = true;
      const r =
        items.length === 1
          ? await appBridge().invoke('feed.verdict', { datasetId, ...items[0] })
          : await appBridge().invoke('feed.verdicts', { datasetId, items });
      if (!r.ok) {
        saving.current = false;
        showError(r.error, 'Could not save the verdict');
        return false;
      }
      setLast(undo ? null : before);
      const v = items[0].verdict;
      const what = items.length === 1 ? `Event ${items[0].eventId}` : `${formatInt(items.length)} events`;
      showNotice(
        undo
          ? items.length === 1
            ? `Undone: event ${items[0].eventId} is ${v ? VERDICT_TEXT[v] : 'open'} again`
            : `Undone: ${what} are back as they were`
          : v === 'unsure'
            ? `${what} marked unsure (U undoes): open, marked`
            : v
              ? `${what} marked ${VERDICT_TEXT[v]} (U undoes): the next training learns from ${items.length === 1 ? 'it' : 'them'}`
              : `Verdict on ${what.toLowerCase()} removed`,
      );
      // In "open alerts" a judged item leaves the list; the same index is then the next one.
      bumpData();
      return true;
    },
    [datasetId],
  );

  /** The events a verdict on the selected row is for: the incident's, or the one event. */
  const targets = useCallback(async (): Promise<Before | null> => {
    if (!item) return null;
    if (!item.group) return [{ eventId: item.eventId, verdict: item.verdict }];
    const r = await appBridge().invoke('feed.group', { datasetId, view, eventId: item.eventId });
    if (!r.ok) {
      showError(r.error, 'Could not read the incident');
      return null;
    }
    return r.value.map((m) => ({ eventId: m.eventId, verdict: m.verdict }));
  }, [item, datasetId, view]);

  /**
   * A verdict on the selected row; null undoes (the last verdict here, else the row's own).
   * True when a verdict was given (the caller moves the selection on when the row stays listed).
   */
  const judge = useCallback(
    async (v: Verdict | null): Promise<boolean> => {
      if (v === null) {
        if (last) await save(last, true, []);
        else if (item?.verdict) {
          // nothing given here to take back: the row's own verdicts are cleared (an incident's all)
          const before = (await targets())?.filter((b) => b.verdict !== null) ?? [];
          await save(
            before.map((b) => ({ eventId: b.eventId, verdict: null })),
            false,
            before,
          );
        }
        return false;
      }
      if (!item || (!item.group && item.verdict === v)) return false;
      const before = await targets();
      if (!before) return false;
      const changed = before.filter((b) => b.verdict !== v);
      return save(
        changed.map((b) => ({ eventId: b.eventId, verdict: v })),
        false,
        changed,
      );
    },
    [item, last, save, targets],
  );

  return { judge, canUndo: Boolean(item?.verdict) || last !== null };
}
