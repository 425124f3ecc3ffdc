// An open case inside the DB worker: the one writer connection, a reader connection for
// queries (WAL lets it read while an ingest is writing), and a queue that serialises writes.
import type { MessagePort } from 'node:worker_threads';
import type {
  CaseInfo,
  DatasetInfo,
  EventsPage,
  EventsQuery,
  InjectionInfo,
  ModelInfo,
  IncidentInfo,
  RuleConfidenceInfo,
  StoredAlert,
  VerdictResult,
} from '../../../src-shared/domain';
import { AppFailure, fail } from '../../../src-shared/result';
import { isCancelled } from '../ingest/protocol';
import { caseInfo, listDatasets, tableOf } from './case-store';
import { buildPageSql, type ValueResolver } from './events-query';
import { matchValues, readValueCounts, type ValueCounts } from './value-counts';
import { writeFeatures, type FeatureWrite } from './features-store';
import { listModels, saveModel, saveScores, type ModelToSave } from './models-store';
import { loadFeatureConfig } from '../features/config';
import { loadScenarioConfig } from '../scenarios/config';
import type { ScenarioName } from '../scenarios/generators';
import { injectScenario, listInjections, removeInjection, type InjectParams } from '../scenarios/inject';
import { receiveIngest, type IngestDone, type IngestMeta } from './ingest-writer';
import { closeCaseDb, openCaseDb, type DB } from './open-case';
import type Database from 'better-sqlite3';
import type { FeedPage, FeedQuery, ScoreDistribution, Verdict } from '../../../src-shared/domain';
import { rankDataset, type Ranking } from '../feed/rank';
import { feedPage, scoreDistribution } from '../feed/page';
import { explainInput, featureMedians, type ExplainInput } from '../feed/explain';
import { setVerdict } from './labels-store';
import {
  listAlerts,
  listIncidents,
  recordVerdict,
  reviewRule,
  ruleConfidence,
  saveRulesRun,
  type RulesRun,
} from './rules-store';
import { loadRulesConfig, type RuleName } from '../rules/config';

const COUNT_CACHE_MAX = 256;

export class CaseSession {
  private readonly writer: DB;
  private readonly reader: DB;
  private writeChain: Promise<unknown> = Promise.resolve();
  private writing = 0;
  private datasets: DatasetInfo[] = [];
  private readonly counts = new Map<string, number>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly indexed = new Set<string>();

  constructor(
    readonly path: string,
    create: boolean,
  ) {
    this.writer = openCaseDb(path, { create });
    try {
      this.reader = openCaseDb(path, { readonly: true });
    } catch (e) {
      closeCaseDb(this.writer);
      throw e;
    }
    try {
      this.refresh(); // also checks the case's own description of its datasets
    } catch (e) {
      this.close();
      throw e;
    }
  }

  info(): CaseInfo {
    return caseInfo(this.reader, this.path);
  }

  private refresh(): void {
    this.datasets = listDatasets(this.reader);
  }

  dataset(id: number): DatasetInfo {
    const ds = this.datasets.find((d) => d.id === id);
    if (!ds) return fail('BAD_REQUEST', `no dataset with id ${id} in this case`);
    return ds;
  }

  /** Runs write work one at a time, in arrival order. Rankings of the feed are redone after it. */
  private exclusive<T>(work: () => Promise<T>, keepsRankings = false): Promise<T> {
    const run = this.writeChain.then(async () => {
      this.writing++;
      try {
        return await work();
      } finally {
        this.writing--;
        if (!keepsRankings) this.feedCache.clear();
      }
    });
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  ingest(
    port: MessagePort,
    meta: IngestMeta,
    cancel: Int32Array,
    onProgress: (rows: number, bytes: number, phase: string) => void,
  ): Promise<IngestDone & { dataset: DatasetInfo }> {
    let started = false;
    const turn = this.exclusive(async () => {
      started = true;
      if (isCancelled(cancel)) return fail('CANCELLED', 'import cancelled');
      const done = await receiveIngest(this.writer, port, meta, cancel, onProgress);
      this.refresh();
      this.scheduleCheckpoint();
      return { ...done, dataset: this.dataset(done.datasetId) };
    });
    // An import queued behind another answers a cancel at once, not when its turn comes.
    return new Promise((resolve, reject) => {
      const poll = setInterval(() => {
        if (started || !isCancelled(cancel)) return;
        clearInterval(poll);
        port.close(); // its parser stops
        reject(new AppFailure({ code: 'CANCELLED', message: 'import cancelled' }));
      }, 50);
      turn.then(
        (v) => {
          clearInterval(poll);
          resolve(v);
        },
        (e: unknown) => {
          clearInterval(poll);
          reject(e);
        },
      );
    });
  }

  /** Stores computed features (one transaction, after any write ahead of it). */
  writeFeatures(w: FeatureWrite, cancel: Int32Array, onProgress: (rows: number) => void): Promise<void> {
    return this.exclusive(async () => {
      if (isCancelled(cancel)) return fail('CANCELLED', 'feature build cancelled');
      await writeFeatures(this.writer, w, cancel, onProgress);
      this.scheduleCheckpoint();
    });
  }

  /** Injects an attack scenario's events into a dataset (see scenarios/inject.ts). */
  inject(datasetId: number, scenario: string, params: InjectParams): Promise<InjectionInfo> {
    return this.exclusive(async () => {
      const specs = loadScenarioConfig();
      const spec =
        specs.get(scenario as ScenarioName) ??
        fail('BAD_REQUEST', `no scenario "${scenario}" (scenarios: ${[...specs.keys()].join(', ')})`);
      const info = injectScenario(
        this.writer,
        this.dataset(datasetId),
        spec,
        params,
        loadFeatureConfig().failureValues,
      );
      this.afterChange(datasetId);
      return info;
    });
  }

  uninject(injectionId: number): Promise<{ datasetId: number; removed: number }> {
    return this.exclusive(async () => {
      const r = removeInjection(this.writer, injectionId);
      this.afterChange(r.datasetId);
      return r;
    });
  }

  injections(): InjectionInfo[] {
    return listInjections(this.reader);
  }

  saveModel(model: ModelToSave): Promise<ModelInfo> {
    return this.exclusive(async () => {
      const id = saveModel(this.writer, model);
      return listModels(this.writer).find((m) => m.id === id)!;
    });
  }

  saveScores(
    model: number | ModelToSave,
    datasetId: number,
    ids: Float64Array,
    scores: Float64Array,
    cancel: Int32Array,
  ): Promise<number> {
    return this.exclusive(async () => {
      const id = await saveScores(this.writer, model, datasetId, ids, scores, cancel);
      this.scheduleCheckpoint();
      return id;
    });
  }

  models(): ModelInfo[] {
    return listModels(this.reader);
  }

  /** Sets a key of the case's own description (case_meta). */
  setMeta(key: string, value: string): Promise<null> {
    return this.exclusive(async () => {
      this.writer.prepare('INSERT OR REPLACE INTO case_meta (key, value) VALUES (?, ?)').run(key, value);
      return null;
    }, true);
  }

  // ---- the anomaly feed ----------------------------------------------------------------

  private readonly feedCache = new Map<number, { ranking: Ranking; medians?: (number | null)[] }>();

  private ranked(datasetId: number): { ranking: Ranking; medians?: (number | null)[] } {
    this.dataset(datasetId);
    let entry = this.feedCache.get(datasetId);
    if (!entry) {
      entry = { ranking: rankDataset(this.reader, datasetId) };
      this.feedCache.set(datasetId, entry);
    }
    return entry;
  }

  feed(q: FeedQuery): FeedPage {
    const started = performance.now();
    return feedPage(this.reader, this.dataset(q.datasetId), this.ranked(q.datasetId).ranking, q, started);
  }

  distribution(datasetId: number, modelId?: number): ScoreDistribution {
    return scoreDistribution(this.reader, this.ranked(datasetId).ranking, modelId);
  }

  explainInput(datasetId: number, eventId: number): ExplainInput {
    const entry = this.ranked(datasetId);
    return explainInput(this.reader, this.dataset(datasetId), entry.ranking, eventId, (names) => {
      entry.medians ??= featureMedians(this.reader, datasetId, names);
      return entry.medians;
    });
  }

  /** An analyst's verdict on an event (null clears it). The ranking stays: verdicts are read per page. */
  eventVerdict(datasetId: number, eventId: number, verdict: Verdict | null): Promise<Verdict | null> {
    return this.exclusive(async () => {
      setVerdict(this.writer, this.dataset(datasetId), eventId, verdict);
      this.scheduleCheckpoint();
      return verdict;
    }, true);
  }

  /** Stores a rules run (alerts, incidents, baselines) in one transaction, after any write ahead of it. */
  saveRules(run: RulesRun, cancel: Int32Array): Promise<number> {
    return this.exclusive(async () => {
      if (isCancelled(cancel)) return fail('CANCELLED', 'rules run cancelled');
      const id = saveRulesRun(this.writer, run, cancel);
      this.scheduleCheckpoint();
      return id;
    });
  }

  alerts(datasetId?: number, limit?: number): StoredAlert[] {
    return listAlerts(this.reader, { datasetId, limit });
  }

  incidents(datasetId?: number): IncidentInfo[] {
    return listIncidents(this.reader, { datasetId });
  }

  verdict(
    alertId: number,
    verdict: 'confirmed' | 'false_positive',
    configPath?: string,
  ): Promise<VerdictResult> {
    return this.exclusive(async () =>
      recordVerdict(this.writer, loadRulesConfig(configPath), alertId, verdict),
    );
  }

  ruleConfidence(configPath?: string): RuleConfidenceInfo[] {
    return ruleConfidence(this.reader, loadRulesConfig(configPath));
  }

  reviewRule(rule: RuleName, configPath?: string): Promise<RuleConfidenceInfo> {
    return this.exclusive(async () => reviewRule(this.writer, loadRulesConfig(configPath), rule));
  }

  /** A dataset's rows changed: cached counts and value lists of it are stale. */
  private afterChange(datasetId: number): void {
    this.refresh();
    for (const key of [...this.counts.keys()]) if (key.startsWith(`${datasetId}|`)) this.counts.delete(key);
    for (const key of [...this.valueCountCache.keys()])
      if (key.startsWith(`${datasetId}:`)) this.valueCountCache.delete(key);
    this.scheduleCheckpoint();
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.reader.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  page(q: EventsQuery): EventsPage {
    const started = performance.now();
    const ds = this.dataset(q.datasetId);
    const resolve: ValueResolver = (column, op, value) => {
      const vc = this.valueCounts(ds, column);
      return vc ? matchValues(vc, op, value) : null;
    };
    const sql = buildPageSql(ds, q, resolve);
    for (const col of sql.indexColumns.slice(0, 2)) this.ensureIndex(ds, col);
    let total = sql.knownTotal ?? ds.rows;
    if (sql.count) {
      const key = `${ds.id}|${JSON.stringify(q.filters)}`;
      const cached = this.counts.get(key);
      if (cached !== undefined) total = cached;
      else {
        total = this.statement(sql.count.sql)
          .pluck()
          .get(...sql.count.params) as number;
        if (this.counts.size >= COUNT_CACHE_MAX) this.counts.clear();
        this.counts.set(key, total);
      }
    }
    const rows = this.statement(sql.rows.sql)
      .raw()
      .all(...sql.rows.params) as EventsPage['rows'];
    return {
      datasetId: ds.id,
      total,
      offset: q.offset,
      columns: sql.columns,
      rows,
      elapsedMs: performance.now() - started,
    };
  }

  private checkpointTimer: NodeJS.Timeout | null = null;

  /** Copies the WAL into the case file shortly after a write, when nothing else is writing. */
  private scheduleCheckpoint(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      if (this.writing > 0) return this.scheduleCheckpoint();
      this.writer.pragma('wal_checkpoint(TRUNCATE)');
    }, 250);
    this.checkpointTimer.unref();
  }

  private readonly valueCountCache = new Map<string, ValueCounts | null>();

  /** Distinct values and counts of a text column (null: too many, or not now), read once. */
  private valueCounts(ds: DatasetInfo, column: string): ValueCounts | null {
    const key = `${ds.id}:${column}`;
    const cached = this.valueCountCache.get(key);
    if (cached !== undefined) return cached;
    if (this.writing > 0) return null; // without its index the scan would hold up the page
    this.ensureIndex(ds, column);
    const vc = readValueCounts(this.reader, tableOf(ds.id), column);
    this.valueCountCache.set(key, vc);
    return vc;
  }

  /** Creates an index for a sorted or filtered column, unless a write is under way. */
  private ensureIndex(ds: DatasetInfo, column: string): void {
    if (column === 'id') return;
    const sqlColumn = column === 'ts' ? '_ts' : `"${column}"`;
    const name = `${tableOf(ds.id)}_${column}`;
    if (this.indexed.has(name) || this.writing > 0) return;
    this.writer.exec(`CREATE INDEX IF NOT EXISTS "${name}" ON ${tableOf(ds.id)}(${sqlColumn})`);
    this.indexed.add(name);
  }

  close(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.statements.clear();
    closeCaseDb(this.reader);
    closeCaseDb(this.writer);
  }
}
