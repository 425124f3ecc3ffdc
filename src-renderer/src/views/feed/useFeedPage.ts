// Which page of the feed is shown (view, offset, the selected row, the incident opened) and its
// data: the page and the score distribution, fetched again when results change. Alerts are
// folded into incidents (one row an attack) except in "All events"; an opened incident lists its
// events under its row. Judging the last items of the last page empties it: the page before is
// shown instead. Moving past a page's last row (J) turns to the next page's first, before its
// first row (K) to the previous page's last.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FeedItem, FeedView } from '../../../../src-shared/domain';
import { useRequest } from '../../hooks/useRequest';

export const FEED_PAGE = 100;
/** Events of an opened incident listed under its row, at most. */
const SHOWN_MEMBERS = 500;

/** A row of the feed's table: an event, an incident's row (depth 0), or one of its events (depth 1). */
export type FeedRow = FeedItem & {
  depth: 0 | 1;
  /** An incident's row: whether its events are listed under it; null for other rows. */
  open: boolean | null;
};

export function useFeedPage(datasetId: number) {
  const [view, setView] = useState<FeedView>('open');
  const [foldWanted, setFold] = useState(true);
  const fold = foldWanted && view !== 'all';
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState(0);
  /** The head event of the incident whose events are listed. */
  const [opened, setOpened] = useState<number | null>(null);
  const { data: page, error } = useRequest('feed.page', {
    datasetId,
    view,
    offset,
    limit: FEED_PAGE,
    fold,
  });
  const dist = useRequest('feed.distribution', { datasetId }).data;
  const members = useRequest(
    'feed.group',
    opened === null ? null : { datasetId, view, eventId: opened },
  ).data;

  // The rows shown are those of the query asked: while another view loads, the last page's rows
  // (another order, or folded differently) must not be clicked or judged as if they were its.
  const current =
    page &&
    page.datasetId === datasetId &&
    page.view === view &&
    page.folded === fold &&
    page.offset === offset
      ? page
      : null;
  const items = useMemo((): FeedRow[] => {
    if (!current) return [];
    const rows: FeedRow[] = [];
    for (const item of current.items) {
      const isOpen = item.group ? item.eventId === opened : null;
      rows.push({ ...item, depth: 0, open: isOpen });
      // an incident's events under its row: the first SHOWN_MEMBERS (a verdict on the row judges all)
      if (isOpen && members)
        for (const m of members.slice(0, SHOWN_MEMBERS))
          rows.push({ ...m, group: null, depth: 1, open: null });
    }
    return rows;
  }, [current, opened, members]);

  useEffect(() => {
    if (current && current.items.length === 0 && current.offset > 0 && current.total > 0)
      setOffset(Math.max(0, Math.floor((current.total - 1) / FEED_PAGE) * FEED_PAGE));
  }, [current]);
  const index = Math.min(selected, Math.max(0, items.length - 1));
  const total = current ? current.total : 0;
  /** Rows of the page that are pages' rows (not an opened incident's events). */
  const pageRows = current ? current.items.length : 0;
  const move = useCallback(
    (by: 1 | -1) => {
      if (by === 1 && index === items.length - 1 && offset + pageRows < total) {
        setOffset(offset + FEED_PAGE);
        setOpened(null);
        setSelected(0);
      } else if (by === -1 && index === 0 && offset > 0) {
        setOffset(Math.max(0, offset - FEED_PAGE));
        setOpened(null);
        setSelected(FEED_PAGE - 1);
      } else setSelected(Math.max(0, Math.min(items.length - 1, index + by)));
    },
    [items.length, index, offset, total, pageRows],
  );

  /** Opens (true), closes (false) or toggles the selected row's incident (or the one it is in). */
  const expand = useCallback(
    (open?: boolean) => {
      const row = items[index];
      if (!row) return;
      // an incident's event: back to its row
      const head =
        row.depth === 1
          ? items
              .slice(0, index)
              .reverse()
              .find((r) => r.depth === 0)
          : row;
      if (!head?.group) return;
      const isOpen = opened === head.eventId;
      const want = open ?? !isOpen;
      if (want === isOpen) return;
      setOpened(want ? head.eventId : null);
      setSelected(items.indexOf(head));
    },
    [items, index, opened],
  );

  return {
    view,
    fold,
    page,
    /** The page shown is of an earlier query: the one asked is on its way. */
    loading: page !== null && current === null,
    error,
    dist,
    items,
    index,
    item: items[index] ?? null,
    select: setSelected,
    move,
    expand,
    toggleRow(eventId: number) {
      setOpened((o) => (o === eventId ? null : eventId));
    },
    setFold(on: boolean) {
      setFold(on);
      setOffset(0);
      setSelected(0);
      setOpened(null);
    },
    chooseView(v: FeedView) {
      setView(v);
      setOffset(0);
      setSelected(0);
      setOpened(null);
    },
    turn(by: 1 | -1) {
      setOffset(Math.max(0, offset + by * FEED_PAGE));
      setSelected(0);
      setOpened(null);
    },
  };
}
