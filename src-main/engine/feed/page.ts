// A page of the anomaly feed: events of one view (open alerts, all, confirmed, dismissed) in
// combined-score order, with what an investigator reads at a glance (time, entity, amount,
// injected scenario, verdict).
import type {
  CellValue,
  DatasetInfo,
  FeedGroup,
  FeedItem,
  FeedPage,
  FeedQuery,
  FeedView,
  ScoreDistribution,
  Verdict,
} from '../../../src-shared/domain';
import { tableOf } from '../db/case-store';
import type { DB } from '../db/open-case';
import { foldFacts, foldItems, groupSummary, type FoldFacts } from './fold';
import type { Ranking } from './rank';

export function readVerdicts(db: DB, datasetId: number): Map<number, Verdict> {
  const rows = db
    .prepare(
      "SELECT event_id, verdict FROM labels WHERE dataset_id = ? AND verdict IN ('confirmed', 'false_positive', 'unsure')",
    )
    .raw()
    .all(datasetId) as [number, Verdict][];
  return new Map(rows);
}

/** A verdict that decides an item; "unsure" leaves it open, marked. */
const decided = (v: Verdict | undefined): v is 'confirmed' | 'false_positive' =>
  v === 'confirmed' || v === 'false_positive';

function inView(view: FeedView, alert: number, verdict: Verdict | undefined): boolean {
  switch (view) {
    case 'open':
      return alert === 1 && !decided(verdict);
    case 'all':
      return true;
    default:
      return verdict === view;
  }
}

/** The ranking positions of a view's items, in rank order, and the counts of every view. */
function viewPositions(
  ranking: Ranking,
  verdicts: Map<number, Verdict>,
  view: FeedView,
): { positions: number[]; counts: Record<FeedView, number>; warmingUp: number } {
  const counts: Record<FeedView, number> = { open: 0, all: 0, confirmed: 0, false_positive: 0 };
  let warmingUp = 0;
  const positions: number[] = [];
  const { order, alert } = ranking;
  for (let r = 0; r < order.length; r++) {
    const verdict = verdicts.get(order[r]);
    counts.all++;
    if (decided(verdict)) counts[verdict]++;
    else if (alert[r]) counts.open++;
    else if (ranking.warmUp[r]) warmingUp++;
    if (inView(view, alert[r], verdict)) positions.push(r);
  }
  return { positions, counts, warmingUp };
}

/** The feed's items at ranking positions `picked` (with their incidents when folded). */
function itemsAt(
  db: DB,
  ds: DatasetInfo,
  ranking: Ranking,
  verdicts: Map<number, Verdict>,
  picked: number[],
  groups: Map<number, FeedGroup> = new Map(),
): FeedItem[] {
  const { order, alert } = ranking;
  const details = eventDetails(
    db,
    ds,
    picked.map((r) => order[r]),
  );
  return picked.map((r) => {
    const id = order[r];
    const d = details.get(id);
    const modelScores: Record<number, number | null> = {};
    ranking.models.forEach((m, k) => {
      const v = ranking.raw[k][r];
      modelScores[m.id] = Number.isNaN(v) ? null : v;
    });
    return {
      eventId: id,
      ts: d?.ts ?? null,
      entity: d?.entity ?? null,
      amount: d?.amount ?? null,
      score: Math.round(ranking.combined[r] * 100) / 100,
      rank: r + 1,
      alert: alert[r] === 1,
      modelScores,
      scenario: d?.scenario ?? null,
      rules: ranking.rules[r] ?? [],
      verdict: verdicts.get(id) ?? null,
      warmingUp: ranking.warmUp[r] === 1,
      group: groups.get(r) ?? null,
    };
  });
}

/** The incidents of a view: groups of indices into `positions`, in rank order. */
function foldView(
  db: DB,
  ds: DatasetInfo,
  ranking: Ranking,
  positions: number[],
  cache: Map<number, FoldFacts>,
): number[][] {
  foldFacts(
    db,
    ds,
    positions.map((r) => ranking.order[r]),
    cache,
  );
  return foldItems(ranking, positions, cache);
}

export function feedPage(
  db: DB,
  ds: DatasetInfo,
  ranking: Ranking,
  q: FeedQuery,
  started: number,
  foldCache: Map<number, FoldFacts> = new Map(),
): FeedPage {
  const verdicts = readVerdicts(db, ds.id);
  const { positions, counts, warmingUp } = viewPositions(ranking, verdicts, q.view);
  let total = positions.length;
  let picked = positions.slice(q.offset, q.offset + q.limit);
  const groups = new Map<number, FeedGroup>();
  if (q.fold) {
    const incidents = foldView(db, ds, ranking, positions, foldCache);
    total = incidents.length;
    const shown = incidents.slice(q.offset, q.offset + q.limit);
    picked = shown.map((g) => positions[g[0]]);
    const scenarios = injectionScenarios(db, ds.id);
    for (const g of shown)
      if (g.length > 1)
        groups.set(
          positions[g[0]],
          groupSummary(
            ranking,
            positions,
            g,
            foldCache,
            (i) => scenarios.get(i) ?? null,
            (id) => decided(verdicts.get(id)),
          ),
        );
  }
  return {
    datasetId: ds.id,
    view: q.view,
    models: ranking.models,
    ruleAlerts: ranking.ruleAlerts,
    total,
    folded: q.fold === true,
    events: positions.length,
    counts,
    warmingUp,
    offset: q.offset,
    items: itemsAt(db, ds, ranking, verdicts, picked, groups),
    elapsedMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** The events of the incident that `eventId` is part of in a folded view, top-ranked first. */
export function feedGroup(
  db: DB,
  ds: DatasetInfo,
  ranking: Ranking,
  view: FeedView,
  eventId: number,
  foldCache: Map<number, FoldFacts> = new Map(),
  most = 5000,
): FeedItem[] {
  const verdicts = readVerdicts(db, ds.id);
  const { positions } = viewPositions(ranking, verdicts, view);
  const r = ranking.position.get(eventId);
  const at = r === undefined ? -1 : positions.indexOf(r);
  if (at < 0) return [];
  const group = foldView(db, ds, ranking, positions, foldCache).find((g) => g.includes(at)) ?? [at];
  return itemsAt(
    db,
    ds,
    ranking,
    verdicts,
    group.slice(0, most).map((i) => positions[i]),
  );
}

/** Injection id → its scenario, for the dataset. */
function injectionScenarios(db: DB, datasetId: number): Map<number, string> {
  return new Map(
    db.prepare('SELECT id, scenario FROM injections WHERE dataset_id = ?').raw().all(datasetId) as [
      number,
      string,
    ][],
  );
}

interface Detail {
  ts: number | null;
  entity: string | null;
  amount: number | null;
  scenario: string | null;
}

function eventDetails(db: DB, ds: DatasetInfo, ids: number[]): Map<number, Detail> {
  const out = new Map<number, Detail>();
  if (!ids.length) return out;
  const entity = ds.columns.find((c) => c.role === 'entity');
  const amount = ds.columns.find((c) => c.role === 'amount');
  const rows = db
    .prepare(
      `SELECT d._id, d._ts, ${entity ? `d."${entity.sqlName}"` : 'NULL'}, ${amount ? `d."${amount.sqlName}"` : 'NULL'}, i.scenario
       FROM ${tableOf(ds.id)} d
       LEFT JOIN injected_events ie ON ie.dataset_id = ? AND ie.event_id = d._id
       LEFT JOIN injections i ON i.id = ie.injection_id
       WHERE d._id IN (${ids.map(() => '?').join(',')})`,
    )
    .raw()
    .all(ds.id, ...ids) as [number, number | null, CellValue, CellValue, string | null][];
  for (const [id, ts, e, a, scenario] of rows) {
    out.set(id, {
      ts,
      entity: e === null ? null : String(e),
      amount: typeof a === 'number' ? a : a === null ? null : Number(a),
      scenario,
    });
  }
  return out;
}

/**
 * Histogram of the feed's combined score, 0–100 (the one scale of the feed, its severity and its
 * counts), with where alerts start: the lowest combined score of an event that is an alert.
 */
export function scoreDistribution(db: DB, ranking: Ranking, bins = 50): ScoreDistribution {
  const n = ranking.order.length;
  if (!n) return { datasetId: ranking.datasetId, model: null, bins: [], threshold: null, alerts: 0 };
  const width = 100 / bins;
  const verdicts = readVerdicts(db, ranking.datasetId);
  const injected = new Set(
    db
      .prepare('SELECT event_id FROM injected_events WHERE dataset_id = ?')
      .pluck()
      .all(ranking.datasetId) as number[],
  );
  const out = Array.from({ length: bins }, (_, i) => ({
    lo: i * width,
    hi: (i + 1) * width,
    count: 0,
    positives: 0,
  }));
  let alerts = 0;
  let lowest = Infinity;
  for (let r = 0; r < n; r++) {
    const v = ranking.combined[r];
    const b = Math.max(0, Math.min(bins - 1, Math.floor(v / width)));
    out[b].count++;
    if (ranking.alert[r]) {
      alerts++;
      lowest = Math.min(lowest, v);
    }
    const id = ranking.order[r];
    const verdict = verdicts.get(id);
    if (verdict === 'confirmed' || (verdict === undefined && injected.has(id))) out[b].positives++;
  }
  return {
    datasetId: ranking.datasetId,
    model: ranking.models[0] ?? null,
    bins: out,
    threshold: alerts ? Math.round(lowest * 100) / 100 : null,
    alerts,
  };
}
