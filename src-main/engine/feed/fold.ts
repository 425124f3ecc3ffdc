// Folding the feed into incidents: one attack is one row, not fifty. Items of a view join when
// they are evidence of the same rule alert, belong to the same injected scenario, or are events of
// the same entity less than FOLD_GAP_MS apart (so a rule incident and the model alerts on its
// entity become one). A group is ranked where its top-ranked event is, and headed by it.
import type { DatasetInfo, FeedGroup } from '../../../src-shared/domain';
import { tableOf } from '../db/case-store';
import type { DB } from '../db/open-case';
import type { Ranking } from './rank';

/** Events of one entity further apart than this are separate incidents. */
export const FOLD_GAP_MS = 3_600_000;

/** What folding needs of an event: its time, entity and injection. */
export interface FoldFacts {
  ts: number | null;
  entity: string | null;
  injection: number | null;
}

/**
 * The facts of the given events, read once and kept in `cache` (facts of an event do not change
 * while the ranking stands).
 */
export function foldFacts(db: DB, ds: DatasetInfo, ids: number[], cache: Map<number, FoldFacts>): void {
  const missing = ids.filter((id) => !cache.has(id));
  if (!missing.length) return;
  const entity = ds.columns.find((c) => c.role === 'entity');
  const rows = db
    .prepare(
      `SELECT d._id, d._ts, ${entity ? `d."${entity.sqlName}"` : 'NULL'}, ie.injection_id
       FROM ${tableOf(ds.id)} d
       LEFT JOIN injected_events ie ON ie.dataset_id = ? AND ie.event_id = d._id
       WHERE d._id IN (SELECT value FROM json_each(?))`,
    )
    .raw()
    .all(ds.id, JSON.stringify(missing)) as [number, number | null, unknown, number | null][];
  for (const [id, ts, e, injection] of rows)
    cache.set(id, { ts, entity: e === null || e === undefined ? null : String(e), injection });
  for (const id of missing) if (!cache.has(id)) cache.set(id, { ts: null, entity: null, injection: null });
}

/** Union-find over 0..n-1, the smaller index (the higher rank) as each set's root. */
class Sets {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]];
      i = this.parent[i];
    }
    return i;
  }
  join(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
  }
}

/**
 * The incidents among `positions` (ranking positions of a view's items, in rank order): each a
 * list of indices into `positions`, top-ranked first; the incidents in the order of their top item.
 */
export function foldItems(ranking: Ranking, positions: number[], facts: Map<number, FoldFacts>): number[][] {
  const n = positions.length;
  const sets = new Sets(n);
  const firstOf = new Map<string, number>();
  const byEntity = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const r = positions[i];
    const f = facts.get(ranking.order[r]);
    const same = (key: string) => {
      const at = firstOf.get(key);
      if (at === undefined) firstOf.set(key, i);
      else sets.join(at, i);
    };
    for (const a of ranking.alertIds[r] ?? []) same(`alert:${a}`);
    if (f?.injection != null) same(`injection:${f.injection}`);
    if (f?.entity != null && f.ts != null) {
      let list = byEntity.get(f.entity);
      if (!list) byEntity.set(f.entity, (list = []));
      list.push(i);
    }
  }
  // an entity's events close in time
  for (const list of byEntity.values()) {
    if (list.length < 2) continue;
    const ts = (i: number) => facts.get(ranking.order[positions[i]])!.ts!;
    list.sort((a, b) => ts(a) - ts(b));
    for (let k = 1; k < list.length; k++)
      if (ts(list[k]) - ts(list[k - 1]) <= FOLD_GAP_MS) sets.join(list[k - 1], list[k]);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = sets.find(i);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = []));
    g.push(i);
  }
  // roots are each group's smallest index: Map order by first insertion is rank order
  return [...groups.values()];
}

/** What a folded row says of its incident. */
export function groupSummary(
  ranking: Ranking,
  positions: number[],
  members: number[],
  facts: Map<number, FoldFacts>,
  scenarioOf: (injection: number) => string | null,
  decided: (eventId: number) => boolean,
): FeedGroup {
  let start = Infinity;
  let end = -Infinity;
  const entities = new Set<string>();
  const scenarios = new Set<string>();
  const rules = new Set<string>();
  let judged = 0;
  for (const i of members) {
    const r = positions[i];
    const id = ranking.order[r];
    const f = facts.get(id);
    if (f?.ts != null) {
      start = Math.min(start, f.ts);
      end = Math.max(end, f.ts);
    }
    if (f?.entity != null) entities.add(f.entity);
    if (f?.injection != null) {
      const s = scenarioOf(f.injection);
      if (s) scenarios.add(s);
    }
    for (const rule of ranking.rules[r] ?? []) rules.add(rule);
    if (decided(id)) judged++;
  }
  return {
    size: members.length,
    start: start === Infinity ? null : start,
    end: end === -Infinity ? null : end,
    entities: entities.size,
    scenarios: [...scenarios],
    rules: [...rules],
    judged,
  };
}
