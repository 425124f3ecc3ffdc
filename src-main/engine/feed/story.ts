// An entity's story, read on the DB worker: its events on the feed's 0–100 scale with their
// verdicts and rule alerts, its features against its own history and its peers', the judged or
// alerted items of other entities nearest it in feature space, and the notes on its events.
import type {
  CellValue,
  DatasetInfo,
  EntityStory,
  ReviewEntry,
  StoryEvent,
  Verdict,
} from '../../../src-shared/domain';
import { domainOf } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { tableOf } from '../db/case-store';
import type { DB } from '../db/open-case';
import { loadFeatureConfig } from '../features/config';
import { readFeatures, resolveFeatures, type FeatureRef } from '../models/feature-source';
import { modelColumnFeatures, readStoredModel } from '../models/score-dataset';
import { columnLabel } from './explain';
import { readVerdicts } from './page';
import type { Ranking } from './rank';
import { currencyOf, formatFeature } from './sentence';
import { entityWord, featureLabel } from './words';

/** Events of the entity on its timeline, at most. */
const SHOWN = 500;
/** Candidates for "similar" read at most (the highest-ranked judged or alerted items). */
const CANDIDATES = 2000;

const median = (xs: number[]): number | null => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : null;
};

export function entityStory(
  db: DB,
  ds: DatasetInfo,
  ranking: Ranking,
  /** The entity's value, or an event whose entity it is. */
  given: string | { eventId: number },
  columnName: string | undefined,
  sample: (refs: FeatureRef[]) => Float32Array[],
): EntityStory {
  const column = columnName
    ? ds.columns.find((c) => c.sqlName === columnName)
    : ds.columns.find((c) => c.role === 'entity');
  if (!column)
    return fail(
      'BAD_REQUEST',
      columnName
        ? `dataset "${ds.name}" has no column "${columnName}"`
        : `dataset "${ds.name}" has no entity column: name the column to look in`,
    );
  const table = tableOf(ds.id);
  let value: string;
  if (typeof given === 'string') value = given;
  else {
    const v = db.prepare(`SELECT "${column.sqlName}" FROM ${table} WHERE _id = ?`).pluck().get(given.eventId);
    if (v === undefined) return fail('BAD_REQUEST', `dataset "${ds.name}" has no event ${given.eventId}`);
    if (v === null) return fail('BAD_REQUEST', `event ${given.eventId} has no ${column.name}`);
    value = String(v);
  }
  const total = db
    .prepare(`SELECT count(*) FROM ${table} WHERE "${column.sqlName}" = ?`)
    .pluck()
    .get(value) as number;
  if (!total)
    return fail(
      'BAD_REQUEST',
      `no event of dataset "${ds.name}" has ${column.name} = ${JSON.stringify(value)}`,
    );
  const rows = db
    .prepare(
      `SELECT _id, _ts FROM ${table} WHERE "${column.sqlName}" = ? ORDER BY _ts DESC, _id DESC LIMIT ${SHOWN}`,
    )
    .raw()
    .all(value) as [number, number | null][];
  const verdicts = readVerdicts(db, ds.id);
  const counts = { confirmed: 0, falsePositive: 0, unsure: 0 };
  let alerts = 0;
  const events: StoryEvent[] = rows.map(([id, ts]) => {
    const r = ranking.position.get(id);
    const verdict = verdicts.get(id) ?? null;
    if (verdict === 'confirmed') counts.confirmed++;
    else if (verdict === 'false_positive') counts.falsePositive++;
    else if (verdict === 'unsure') counts.unsure++;
    const alert = r !== undefined && ranking.alert[r] === 1;
    if (alert) alerts++;
    return {
      eventId: id,
      ts,
      score: r === undefined ? null : Math.round(ranking.combined[r] * 100) / 100,
      alert,
      verdict,
      rules: r === undefined ? [] : (ranking.rules[r] ?? []),
    };
  });

  // the features the feed's models read: the latest event against its own median and its peers'
  const refs: FeatureRef[] = [];
  const seen = new Set<string>();
  for (const m of ranking.models) {
    const model = readStoredModel(db, m.id);
    for (const ref of resolveFeatures(db, ds, { ...model, columnFeatures: modelColumnFeatures(model) }))
      if (!seen.has(ref.name)) {
        seen.add(ref.name);
        refs.push(ref);
      }
  }
  const ids = rows.map(([id]) => id);
  const ownRead = refs.length ? readFeatures(db, ds, refs, { ids }) : null;
  const own = ownRead?.columns ?? [];
  const latestAt = ownRead ? Array.from(ownRead.ids).indexOf(ids[0]) : -1;
  const peers = refs.length ? sample(refs) : [];
  const specs = new Map(loadFeatureConfig().features.map((s) => [s.name, s]));
  const word = entityWord(ds.columns.find((c) => c.role === 'entity')?.name ?? null);
  const domain = domainOf(ds.columns.map((c) => c.role));
  // values as their meaning asks: durations, yes/no, hours; amounts in the events' currency
  const latestRow = (db.prepare(`SELECT * FROM ${table} WHERE _id = ?`).get(ids[0]) ?? {}) as Record<
    string,
    CellValue
  >;
  const currency = currencyOf(
    Object.fromEntries(ds.columns.map((c) => [c.name, latestRow[c.sqlName] ?? null])),
  );
  const shown = (f: number, v: number | null) => formatFeature(specs.get(refs[f].name), v, currency);
  const features = refs.map((ref, f) => ({
    feature: ref.name,
    label:
      ref.from === 'column'
        ? columnLabel(ref.feature)
        : featureLabel(specs.get(ref.name), ref.name, word, domain),
    latest: shown(f, latestAt >= 0 && Number.isFinite(own[f][latestAt]) ? own[f][latestAt] : null),
    own: shown(f, median(Array.from(own[f] ?? []))),
    peers: shown(f, median(Array.from(peers[f] ?? []))),
  }));

  return {
    datasetId: ds.id,
    column: column.sqlName,
    value,
    events,
    total,
    alerts,
    verdicts: counts,
    features,
    similar: similarItems(
      db,
      ds,
      ranking,
      refs,
      peers,
      latestAt >= 0 ? own.map((c) => c[latestAt]) : null,
      value,
      column.sqlName,
      verdicts,
    ),
    notes: entityNotes(db, ds.id, ids),
  };
}

/**
 * The judged (or else alerted) items of other entities nearest to `x` in feature space, each
 * feature scaled by its spread over the dataset's sample.
 */
function similarItems(
  db: DB,
  ds: DatasetInfo,
  ranking: Ranking,
  refs: FeatureRef[],
  sample: Float32Array[],
  x: number[] | null,
  value: string,
  column: string,
  verdicts: Map<number, Verdict>,
): EntityStory['similar'] {
  if (!x || !refs.length) return [];
  const candidates: number[] = [];
  for (let r = 0; r < ranking.order.length && candidates.length < CANDIDATES; r++) {
    const id = ranking.order[r];
    if (verdicts.has(id) || ranking.alert[r]) candidates.push(id);
  }
  if (!candidates.length) return [];
  const spread = sample.map((col) => {
    const v = Array.from(col).filter((a) => Number.isFinite(a));
    if (v.length < 2) return 1;
    const m = v.reduce((s, a) => s + a, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, a) => s + (a - m) ** 2, 0) / v.length);
    return sd > 0 ? sd : 1;
  });
  const { ids, columns } = readFeatures(db, ds, refs, { ids: candidates });
  const entities = new Map(
    db
      .prepare(`SELECT _id, "${column}" FROM ${tableOf(ds.id)} WHERE _id IN (SELECT value FROM json_each(?))`)
      .raw()
      .all(JSON.stringify(Array.from(ids))) as [number, unknown][],
  );
  const out: EntityStory['similar'] = [];
  for (let i = 0; i < ids.length; i++) {
    const entity = entities.get(ids[i]);
    if (entity !== undefined && entity !== null && String(entity) === value) continue;
    let d = 0;
    let n = 0;
    for (let f = 0; f < refs.length; f++) {
      const a = x[f];
      const b = columns[f][i];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      d += ((a - b) / spread[f]) ** 2;
      n++;
    }
    if (!n) continue;
    const r = ranking.position.get(ids[i])!;
    out.push({
      eventId: ids[i],
      entity: entity === undefined || entity === null ? null : String(entity),
      score: Math.round(ranking.combined[r] * 100) / 100,
      verdict: verdicts.get(ids[i]) ?? null,
      distance: Math.round(Math.sqrt(d / n) * 1000) / 1000,
    });
  }
  out.sort((a, b) => a.distance - b.distance);
  return out.slice(0, 5);
}

function entityNotes(db: DB, datasetId: number, ids: number[]): EntityStory['notes'] {
  if (!ids.length) return [];
  return db
    .prepare(
      `SELECT id, at, action, verdict, note, event_id AS eventId FROM verdict_log
         WHERE dataset_id = ? AND alert_id IS NULL AND event_id IN (SELECT value FROM json_each(?))
         ORDER BY id DESC LIMIT 200`,
    )
    .all(datasetId, JSON.stringify(ids)) as (ReviewEntry & { eventId: number })[];
}
