// Which page of the feed is shown (view, offset, the selected row) and its data: the page and the
// score distribution, fetched again when results change. Judging the last items of the last
// page empties it: the page before is shown instead. Moving past a page's last row (J) turns to
// the next page's first, before its first row (K) to the previous page's last.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FeedView } from '../../../../src-shared/domain';
import { useRequest } from '../../hooks/useRequest';

export const FEED_PAGE = 100;

export function useFeedPage(datasetId: number) {
  const [view, setView] = useState<FeedView>('open');
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState(0);
  const { data: page, error } = useRequest('feed.page', { datasetId, view, offset, limit: FEED_PAGE });
  const dist = useRequest('feed.distribution', { datasetId }).data;

  const items = useMemo(() => (page?.datasetId === datasetId ? page.items : []), [page, datasetId]);
  useEffect(() => {
    if (page && page.items.length === 0 && page.offset > 0 && page.total > 0)
      setOffset(Math.max(0, Math.floor((page.total - 1) / FEED_PAGE) * FEED_PAGE));
  }, [page]);
  const index = Math.min(selected, Math.max(0, items.length - 1));
  const total = page?.datasetId === datasetId ? page.total : 0;
  const move = useCallback(
    (by: 1 | -1) => {
      if (by === 1 && index === items.length - 1 && offset + items.length < total) {
        setOffset(offset + FEED_PAGE);
        setSelected(0);
      } else if (by === -1 && index === 0 && offset > 0) {
        setOffset(Math.max(0, offset - FEED_PAGE));
        setSelected(FEED_PAGE - 1);
      } else setSelected(Math.max(0, Math.min(items.length - 1, index + by)));
    },
    [items.length, index, offset, total],
  );

  return {
    view,
    page,
    error,
    dist,
    items,
    index,
    item: items[index] ?? null,
    select: setSelected,
    move,
    chooseView(v: FeedView) {
      setView(v);
      setOffset(0);
      setSelected(0);
    },
    turn(by: 1 | -1) {
      setOffset(Math.max(0, offset + by * FEED_PAGE));
      setSelected(0);
    },
  };
}
