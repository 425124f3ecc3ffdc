// Injecting an attack scenario into a dataset, and removing it again. Runs on the case's
// writer connection (DB worker), in one transaction each.
import type {
  CanonicalRole,
  CellValue,
  ColumnInfo,
  DatasetInfo,
  InjectionInfo,
} from '../../../src-shared/domain';
import { SEVERITIES } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { listDatasets, tableOf } from '../db/case-store';
import { featuresTable } from '../db/features-store';
import { clearChunks, eventChunkColumns, rebuildChunks } from '../db/column-store';
import type { DB } from '../db/open-case';
import { read, write } from '../db/session-ops';
import { loadFeatureConfig } from '../features/config';
import { loadScenarioConfig } from './config';
import { isFailure } from '../features/load';
import { rng as seeded } from '../random';
import type { ScenarioSpec } from './config';
import { GENERATORS, type InjectedEvent, type ScenarioContext } from './generators';

export interface InjectParams {
  entity?: string;
  intensity?: number;
  durationMs?: number;
  /** Epoch ms; by default a random time in the dataset's span (after its first 5%). */
  start?: number;
  factor?: number;
  seed?: number;
}

const quote = (c: ColumnInfo) => `"${c.sqlName}"`;

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A value for a column of the given type, shaped like the column's own values. */
function fit(col: ColumnInfo, v: CellValue, like: CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (col.type === 'TEXT') {
    const s = String(v);
    return typeof like === 'string' && like.startsWith('[') && !s.startsWith('[') ? JSON.stringify([s]) : s;
  }
  const n = Number(v);
  if (!Number.isFinite(n)) return null;
  return col.type === 'INTEGER' ? Math.round(n) : n;
}

export function injectScenario(
  db: DB,
  ds: DatasetInfo,
  spec: ScenarioSpec,
  p: InjectParams,
  failureValues: string[],
): InjectionInfo {
  const table = tableOf(ds.id);
  const role = new Map(ds.columns.filter((c) => c.role).map((c) => [c.role!, c]));
  const missing = spec.needs.filter((r) => !role.has(r));
  if (!ds.timeColumn) missing.unshift('time');
  if (missing.length) {
    fail(
      'BAD_REQUEST',
      `scenario ${spec.name} needs a ${missing.join(', ')} column, and dataset "${ds.name}" has none`,
    );
  }
  const previous = db
    .prepare('SELECT count(*) FROM injections WHERE dataset_id = ?')
    .pluck()
    .get(ds.id) as number;
  const rng = seeded(p.seed ?? 7919 * (previous + 1) + ds.id);
  const span = db.prepare(`SELECT min(_ts) AS lo, max(_ts) AS hi, count(*) AS n FROM ${table}`).get() as {
    lo: number | null;
    hi: number | null;
    n: number;
  };
  if (!span.n || span.lo === null || span.hi === null)
    fail('BAD_REQUEST', `dataset "${ds.name}" has no timed events to inject among`);
  const start = p.start ?? Math.round(span.lo! + (0.05 + 0.9 * rng()) * (span.hi! - span.lo!));
  const durationMs = p.durationMs ?? spec.durationMs;
  const intensity = p.intensity ?? spec.intensity;

  // The target and a real event of it to copy.
  const entityCol = role.get('entity');
  let entity: CellValue = null;
  if (entityCol && spec.needs.includes('entity')) {
    if (p.entity !== undefined) {
      const known = db.prepare(`SELECT 1 FROM ${table} WHERE ${quote(entityCol)} = ? LIMIT 1`).get(p.entity);
      if (!known)
        fail('BAD_REQUEST', `dataset "${ds.name}" has no events of "${p.entity}" (column ${entityCol.name})`);
      entity = p.entity;
    } else {
      const before = db
        .prepare(`SELECT count(*) FROM ${table} WHERE _ts <= ? AND ${quote(entityCol)} IS NOT NULL`)
        .pluck()
        .get(start) as number;
      entity = db
        .prepare(
          `SELECT ${quote(entityCol)} FROM ${table} WHERE _ts <= ? AND ${quote(entityCol)} IS NOT NULL ORDER BY _ts DESC, _id DESC LIMIT 1 OFFSET ?`,
        )
        .pluck()
        .get(start, Math.floor(rng() * Math.min(before, 500))) as CellValue;
    }
  }
  const all = ds.columns.map(quote).join(', ');
  const template = (
    entity !== null && entityCol
      ? db
          .prepare(
            `SELECT _ts, ${all} FROM ${table} WHERE ${quote(entityCol)} = ? ORDER BY (_ts <= ?) DESC, _ts DESC, _id DESC LIMIT 1`,
          )
          .raw()
          .get(entity, start)
      : db
          .prepare(`SELECT _ts, ${all} FROM ${table} ORDER BY (_ts <= ?) DESC, _ts DESC, _id DESC LIMIT 1`)
          .raw()
          .get(start)
  ) as CellValue[];

  // What the target usually looks like.
  const whereTarget = entity !== null && entityCol ? ` WHERE ${quote(entityCol)} = ?` : '';
  const targetArgs = entity !== null && entityCol ? [entity] : [];
  const amountCol = role.get('amount');
  const amounts = amountCol
    ? (
        db
          .prepare(
            `SELECT ${quote(amountCol)} FROM ${table}${whereTarget}${whereTarget ? ' AND' : ' WHERE'} ${quote(amountCol)} IS NOT NULL ORDER BY _id LIMIT 20000`,
          )
          .pluck()
          .all(...targetArgs) as number[]
      ).sort((a, b) => a - b)
    : [];
  const distinct = (col: ColumnInfo | undefined, where = '', args: CellValue[] = []) =>
    col
      ? (
          db
            .prepare(`SELECT DISTINCT ${quote(col)} FROM ${table}${where} ORDER BY 1 LIMIT 200`)
            .pluck()
            .all(...args) as CellValue[]
        ).filter((v) => v !== null)
      : [];
  const statusCol = role.get('status');
  const statuses = distinct(statusCol);
  const failures = new Set(failureValues);
  const numericStatus = statusCol && statusCol.type !== 'TEXT';
  const failure = statuses.find((s) => isFailure(s, failures)) ?? (numericStatus ? 401 : 'failure');
  const success = statuses.find((s) => !isFailure(s, failures)) ?? (numericStatus ? 200 : 'success');
  const resourceCol = role.get('resource');
  const usedResources = new Set(distinct(resourceCol, whereTarget, targetArgs).map(String));
  const unusedResources = distinct(resourceCol).filter((r) => !usedResources.has(String(r)));
  const ipCol = role.get('src_ip');
  const fresh = (make: () => string, col: ColumnInfo | undefined) => () => {
    for (;;) {
      const v = make();
      if (!col || !db.prepare(`SELECT 1 FROM ${table} WHERE ${quote(col)} = ? LIMIT 1`).get(v)) return v;
    }
  };
  const hex = () =>
    Math.floor(rng() * 0xffffff)
      .toString(16)
      .padStart(6, '0');
  const ctx: ScenarioContext = {
    rng,
    start,
    durationMs,
    intensity,
    factor: p.factor ?? spec.factor,
    amountP95: quantile(amounts, 0.95) || 100,
    amountMedian: quantile(amounts, 0.5) || 50,
    failure,
    success,
    newIp: fresh(
      () => `100.${64 + Math.floor(rng() * 60)}.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}`,
      ipCol,
    ),
    newDevice: fresh(() => `dev_${hex()}`, role.get('device')),
    entities: entityCol ? distinct(entityCol) : [],
    unusedResources,
  };
  const events: InjectedEvent[] = GENERATORS[spec.name](ctx);

  // Rows: the template, with the scenario's values in their columns.
  const timeCol = ds.columns.find((c) => c.name === ds.timeColumn)!;
  const timeIndex = ds.columns.indexOf(timeCol);
  const templateTs = template[0] as number | null;
  const templateTime = template[timeIndex + 1];
  const timeInSeconds =
    typeof templateTime === 'number' &&
    templateTs !== null &&
    Math.abs(templateTime * 1000 - templateTs) < 1000;
  const byName = new Map(ds.columns.map((c, i) => [c.name.toLowerCase(), i]));
  const insert = db.prepare(
    `INSERT INTO ${table} (_ts, ${all}) VALUES (?${', ?'.repeat(ds.columns.length)})`,
  );
  const mark = db.prepare(
    'INSERT INTO injected_events (dataset_id, event_id, injection_id) VALUES (?, ?, ?)',
  );

  return db.transaction((): InjectionInfo => {
    const injectionId = Number(
      db
        .prepare(
          'INSERT INTO injections (dataset_id, scenario, entity, params, business, events, start_ts, end_ts, created_at) VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)',
        )
        .run(
          ds.id,
          spec.name,
          entity === null ? null : String(entity),
          JSON.stringify({ intensity, durationMs, start, factor: ctx.factor, seed: p.seed ?? null }),
          '{}',
          new Date().toISOString(),
        ).lastInsertRowid,
    );
    let amountTotal = 0;
    let amountMax = 0;
    let firstId = Infinity;
    for (const e of events) {
      const row = template.slice(1);
      row[timeIndex] =
        timeCol.type === 'TEXT' ? new Date(e.t).toISOString() : timeInSeconds ? Math.round(e.t / 1000) : e.t;
      for (const [r, v] of Object.entries(e.set) as [CanonicalRole, CellValue][]) {
        const col = role.get(r);
        if (col && v !== undefined)
          row[ds.columns.indexOf(col)] = fit(col, v, template[ds.columns.indexOf(col) + 1]);
      }
      // An attack is an attack: the dataset's own label column says so too.
      const labelCol = role.get('label');
      if (labelCol) row[ds.columns.indexOf(labelCol)] = fit(labelCol, 1, 1);
      for (const [name, v] of Object.entries(e.columns ?? {})) {
        const i = byName.get(name);
        if (i !== undefined) row[i] = fit(ds.columns[i], v, template[i + 1]);
      }
      if (amountCol) {
        const a = Number(row[ds.columns.indexOf(amountCol)] ?? 0);
        amountTotal += a;
        amountMax = Math.max(amountMax, a);
      }
      const id = Number(insert.run(e.t, ...row).lastInsertRowid);
      firstId = Math.min(firstId, id);
      mark.run(ds.id, id, injectionId);
    }
    if (events.length) rebuildChunks(db, ds.id, 'events', eventChunkColumns(ds.columns), firstId);
    const ts = events.map((e) => e.t);
    const startTs = Math.min(...ts);
    const endTs = Math.max(...ts);
    const b = spec.business;
    const business = {
      risk: b.risk,
      cost: b.cost({
        events: events.length,
        amount_total: amountTotal,
        amount_max: amountMax,
        duration_minutes: (endTs - startTs) / 60_000,
      }),
      costFormula: b.costFormula,
      slaMinutes: b.slaMinutes,
      action: b.action,
      escalation: b.escalation,
    };
    db.prepare('UPDATE injections SET business = ?, events = ?, start_ts = ?, end_ts = ? WHERE id = ?').run(
      JSON.stringify(business),
      events.length,
      startTs,
      endTs,
      injectionId,
    );
    db.prepare('UPDATE datasets SET row_count = row_count + ? WHERE id = ?').run(events.length, ds.id);
    return {
      injectionId,
      datasetId: ds.id,
      scenario: spec.name,
      entity: entity === null ? null : String(entity),
      events: events.length,
      start: startTs,
      end: endTs,
      business,
    };
  })();
}

/** Removes an injection's events (and their features); the features of the rest are rebuilt next time. */
export function removeInjection(db: DB, injectionId: number): { datasetId: number; removed: number } {
  return db.transaction(() => {
    const inj = db.prepare('SELECT dataset_id AS datasetId FROM injections WHERE id = ?').get(injectionId) as
      { datasetId: number } | undefined;
    if (!inj) return fail('BAD_REQUEST', `no injection with id ${injectionId} in this case`);
    const ids = `SELECT event_id FROM injected_events WHERE injection_id = ${Number(injectionId)}`;
    const firstId = db.prepare(`SELECT min(event_id) FROM (${ids})`).pluck().get() as number | null;
    const removed = db.prepare(`DELETE FROM ${tableOf(inj.datasetId)} WHERE _id IN (${ids})`).run().changes;
    const hasFeatures = db
      .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
      .get(featuresTable(inj.datasetId));
    if (hasFeatures) db.exec(`DELETE FROM ${featuresTable(inj.datasetId)} WHERE event_id IN (${ids})`);
    // Their scores go too (event ids can be given again to events added later).
    db.prepare(`DELETE FROM scores WHERE dataset_id = ? AND event_id IN (${ids})`).run(inj.datasetId);
    // And their verdicts and notes, which would otherwise attach to a later event given the same id.
    db.prepare(`DELETE FROM labels WHERE dataset_id = ? AND event_id IN (${ids})`).run(inj.datasetId);
    db.prepare(`DELETE FROM notes WHERE dataset_id = ? AND event_id IN (${ids})`).run(inj.datasetId);
    db.prepare(`DELETE FROM verdict_log WHERE dataset_id = ? AND event_id IN (${ids})`).run(inj.datasetId);
    // Rule alerts raised on these events no longer stand (run the rules again to recount).
    db.prepare(
      `DELETE FROM alerts WHERE dataset_id = ? AND json_valid(evidence)
         AND EXISTS (SELECT 1 FROM json_each(alerts.evidence) j WHERE j.value IN (${ids}))`,
    ).run(inj.datasetId);
    db.prepare(
      `DELETE FROM incidents WHERE run_id IN (SELECT id FROM rule_runs WHERE dataset_id = ?)
         AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = incidents.id)`,
    ).run(inj.datasetId);
    // Later events' features were computed with these events in their windows: rebuild all.
    db.prepare('DELETE FROM feature_sets WHERE dataset_id = ?').run(inj.datasetId);
    db.prepare('DELETE FROM injections WHERE id = ?').run(injectionId);
    db.prepare('UPDATE datasets SET row_count = row_count - ? WHERE id = ?').run(removed, inj.datasetId);
    // the typed chunks follow the rows (the features' go with their set)
    clearChunks(db, inj.datasetId, 'features');
    if (firstId !== null)
      rebuildChunks(
        db,
        inj.datasetId,
        'events',
        eventChunkColumns(listDatasets(db).find((d) => d.id === inj.datasetId)?.columns ?? []),
        firstId,
      );
    return { datasetId: inj.datasetId, removed };
  })();
}

export function listInjections(db: DB): InjectionInfo[] {
  const rows = db
    .prepare(
      'SELECT id, dataset_id, scenario, entity, business, events, start_ts, end_ts FROM injections ORDER BY id',
    )
    .all() as {
    id: number;
    dataset_id: number;
    scenario: string;
    entity: string | null;
    business: string;
    events: number;
    start_ts: number;
    end_ts: number;
  }[];
  return rows.map((r) => ({
    injectionId: r.id,
    datasetId: r.dataset_id,
    scenario: r.scenario,
    entity: r.entity,
    events: r.events,
    start: r.start_ts,
    end: r.end_ts,
    business: storedBusiness(r.id, r.business),
  }));
}

/** An injection's business rule as the engine wrote it; anything else means the case was altered. */
export function storedBusiness(id: number, text: string): InjectionInfo['business'] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  const b = v as Partial<InjectionInfo['business']> | undefined;
  const ok =
    b !== null &&
    typeof b === 'object' &&
    !Array.isArray(b) &&
    (SEVERITIES as readonly unknown[]).includes(b.risk) &&
    typeof b.cost === 'number' &&
    typeof b.costFormula === 'string' &&
    typeof b.slaMinutes === 'number' &&
    typeof b.action === 'string' &&
    Array.isArray(b.escalation) &&
    b.escalation.every((x) => typeof x === 'string');
  if (!ok)
    fail(
      'NOT_A_CASE',
      `table injections, row ${id}: business is not what the engine wrote; this case file was altered`,
    );
  const { risk, cost, costFormula, slaMinutes, action, escalation } = b as InjectionInfo['business'];
  return { risk, cost, costFormula, slaMinutes, action, escalation }; // nothing else is spread into the pattern
}

export const scenarioOps = {
  /** Injects an attack scenario's events into a dataset (one transaction). */
  inject: write((s, datasetId: number, scenario: string, params: InjectParams) => {
    const specs = loadScenarioConfig();
    const spec =
      specs.get(scenario as ScenarioSpec['name']) ??
      fail('BAD_REQUEST', `no scenario "${scenario}" (scenarios: ${[...specs.keys()].join(', ')})`);
    const info = injectScenario(
      s.writer,
      s.dataset(datasetId),
      spec,
      params,
      loadFeatureConfig().failureValues,
    );
    s.changed(datasetId);
    return info;
  }),
  uninject: write((s, injectionId: number) => {
    const r = removeInjection(s.writer, injectionId);
    s.changed(r.datasetId);
    return r;
  }),
  injections: read((s) => listInjections(s.reader)),
};
