// The anomaly feed's reads: a dataset's ranking is made once (feed/rank.ts) and kept until the
// next write that changes scores or events; pages, the score distribution and the input of an
// explanation read from it.
import type { FeedQuery } from '../../../src-shared/domain';
import { explainInput } from '../feed/explain';
import { feedPage, scoreDistribution } from '../feed/page';
import { rankDataset, type Ranking } from '../feed/rank';
import type { CaseSession } from './case-session';
import { read } from './session-ops';

function ranked(s: CaseSession, datasetId: number): Ranking {
  s.dataset(datasetId);
  return s.cached('write', datasetId, 'ranking', () => rankDataset(s.reader, datasetId));
}

export const feedOps = {
  feed: read((s, q: FeedQuery) => {
    const started = performance.now();
    return feedPage(s.reader, s.dataset(q.datasetId), ranked(s, q.datasetId), q, started);
  }),
  distribution: read((s, datasetId: number, modelId?: number) =>
    scoreDistribution(s.reader, ranked(s, datasetId), modelId),
  ),
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
