// The anomaly feed's reads: a dataset's ranking is made once (feed/rank.ts) and kept until the
// next write that changes scores or events; pages, the score distribution and the input of an
// explanation read from it.
import type { FeedQuery, FeedView } from '../../../src-shared/domain';
import { explainInput, featureSample } from '../feed/explain';
import { entityStory } from '../feed/story';
import type { FoldFacts } from '../feed/fold';
import { feedGroup, feedPage, scoreDistribution } from '../feed/page';
import { rankDataset, type Ranking } from '../feed/rank';
import type { CaseSession } from './case-session';
import { read } from './session-ops';

/** What folding read of the dataset's events, kept as long as its ranking. */
function foldCache(s: CaseSession, datasetId: number): Map<number, FoldFacts> {
  return s.cached('write', datasetId, 'fold-facts', () => new Map<number, FoldFacts>());
}

function ranked(s: CaseSession, datasetId: number): Ranking {
  s.dataset(datasetId);
  return s.cached('write', datasetId, 'ranking', () => rankDataset(s.reader, datasetId));
}

export const feedOps = {
  feed: read((s, q: FeedQuery) => {
    const started = performance.now();
    return feedPage(
      s.reader,
      s.dataset(q.datasetId),
      ranked(s, q.datasetId),
      q,
      started,
      foldCache(s, q.datasetId),
    );
  }),
  feedGroup: read((s, datasetId: number, view: FeedView, eventId: number) =>
    feedGroup(s.reader, s.dataset(datasetId), ranked(s, datasetId), view, eventId, foldCache(s, datasetId)),
  ),
  distribution: read((s, datasetId: number) => scoreDistribution(s.reader, ranked(s, datasetId))),
  entityStory: read((s, datasetId: number, value: string | { eventId: number }, column?: string) => {
    const ds = s.dataset(datasetId);
    const col = column ?? ds.columns.find((c) => c.role === 'entity')?.sqlName;
    if (col && ds.columns.some((c) => c.sqlName === col)) s.ensureIndex(ds, col);
    return entityStory(s.reader, ds, ranked(s, datasetId), value, column, (refs) =>
      s.cached('write', datasetId, `story-sample:${refs.map((r) => r.name).join('|')}`, () =>
        featureSample(s.reader, ds, refs),
      ),
    );
  }),
  explainInput: read((s, datasetId: number, eventId: number) => {
    const ds = s.dataset(datasetId);
    // the entity's own history is read by the entity (made once, as the events table does)
    const entity = ds.columns.find((c) => c.role === 'entity');
    if (entity) s.ensureIndex(ds, entity.sqlName);
    return explainInput(s.reader, ds, ranked(s, datasetId), eventId, (key, make) =>
      s.cached('write', datasetId, key, make),
    );
  }),
};
