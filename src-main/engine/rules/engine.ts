// The streaming rule engine: nine rules over API-gateway calls and logins, with baselines per
// key, day of week and hour learned as events arrive. Events come as typed columns (a replay of
// a stored dataset) or one object at a time (live); the hot loop works on interned ids and typed
// arrays and allocates nothing per event unless an alert fires.
import { AlertBook, type AlertRecord, type RuleState } from './alerts';
import { checkAuthFailures } from './auth-failures';
import { BruteForce } from './brute-force';
import { checkComplexity } from './complexity';
import type { RuleName, RulesConfig, Severity } from './config';
import { RULE_NAMES, ipv4ToInt, normaliseFieldName } from './config';
import { SlidingMinute } from './sliding-minute';
import type { RuleContext } from './context';
import { correlate, type IncidentRecord } from './correlate';
import { checkCrossTable } from './cross-table';
import { checkDataVolume } from './data-volume';
import { checkErrorRate } from './error-rate';
import { ColumnsBuilder, Dictionaries, KIND_LOGIN, type EventColumns } from './events';
import { checkNewField } from './new-field';
import { QueryLatency } from './query-latency';
import { checkRateSpike } from './rate-spike';
import { GlobalBaselines, HOUR, KeyTable, METRICS, MINUTE, WEEK, slotOf, weekOf } from './state';

/** Baselines as they are kept in a case: per key, plus the global ones. */
export interface SavedBaselines {
  start: number;
  asOf: number;
  global: { hist: Uint32Array; histWeek: Int32Array };
  ops: { name: string; baseline: number; learned: number }[];
  knownFields: string[];
  knownTables: string[];
  keys: SavedKey[];
}

export interface SavedKey {
  name: string;
  firstSeen: number;
  lastSeen: number;
  learningUntil: number;
  /** The largest single call learned (rows, bytes). */
  maxRows: number;
  maxBytes: number;
  /**
   * Format 2 (slot-baselines.ts): per slot (168), the log codes of the hourly calls, rows, bytes
   * of its latest and previous week (168 × 6), and the latest week + 1 (0: never).
   */
  slots: Uint16Array | null;
  weeks: Uint16Array | null;
  fields: string[];
  tables: string[];
}

export interface EngineOptions {
  /** Rule confidence and verdict counts (from the case); rules not listed start from the config. */
  states?: Map<RuleName, RuleState>;
  saved?: SavedBaselines | null;
}

export function defaultStates(cfg: RulesConfig, known?: Map<RuleName, RuleState>): Map<RuleName, RuleState> {
  const out = new Map<RuleName, RuleState>();
  for (const r of RULE_NAMES)
    out.set(
      r,
      known?.get(r) ?? {
        confidence: cfg.rules[r].confidence,
        falsePositives: 0,
        confirmed: 0,
        disabled: false,
      },
    );
  return out;
}

export class RuleEngine {
  readonly dict = new Dictionaries();
  readonly ctx: RuleContext;
  readonly events = { api: 0, login: 0 };
  private readonly brute: BruteForce;
  /** Denied calls per key within a sliding minute (authorization failures). */
  private readonly denied = new SlidingMinute();
  private readonly latency: QueryLatency;
  private readonly on: Record<RuleName, boolean>;
  private readonly weeksBack: number;
  private asOf = NaN;
  /** Scratch for a slot's baseline (calls, rows, bytes): the hot loop allocates nothing. */
  private readonly base = new Float64Array(METRICS);
  private builder: ColumnsBuilder | null = null;

  constructor(
    readonly cfg: RulesConfig,
    opts: EngineOptions = {},
  ) {
    const states = defaultStates(cfg, opts.states);
    const r = cfg.rules;
    this.on = Object.fromEntries(
      RULE_NAMES.map((n) => [n, r[n].enabled && !states.get(n)!.disabled]),
    ) as Record<RuleName, boolean>;
    const severities = new Map<RuleName, Severity>(RULE_NAMES.map((n) => [n, r[n].severity]));
    this.ctx = {
      cfg,
      dict: this.dict,
      keys: new KeyTable([r.rate_spike.windowMin, r.data_volume.windowMin, r.error_rate.windowMin]),
      global: new GlobalBaselines(),
      book: new AlertBook(cfg.cooldownMs, states, severities),
      states,
      fieldPii: new Uint8Array(0),
      fieldBypass: new Uint8Array(0),
      ipAllowed: new Uint8Array(0),
      knownFields: new Uint8Array(0),
      knownTables: new Uint8Array(0),
      start: NaN,
    };
    this.brute = new BruteForce(Math.max(r.brute_force.alertAt, r.brute_force.rateLimitAt));
    this.latency = new QueryLatency(r.query_latency.windowMin);
    this.weeksBack = Math.max(1, Math.round(cfg.baselineWindowMs / WEEK));
    if (opts.saved) this.restore(opts.saved);
  }

  /** The alerts of a replay; in live mode, those still within their cooldown (see push). */
  get alerts(): AlertRecord[] {
    return this.ctx.book.alerts;
  }

  /** Bytes held by the engine's per-key and per-IP arrays (not the alerts or the names). */
  get stateBytes(): number {
    return this.ctx.keys.bytes + this.brute.bytes + this.denied.bytes;
  }

  private synced = { fields: 0, tables: 0, ips: 0, keys: 0 };

  /** Flags of names interned since the last call: PII and bypassed fields, allowlisted IPs, admin keys. */
  private sync(): void {
    const d = this.dict;
    const ctx = this.ctx;
    const s = this.synced;
    if (d.fields.size > s.fields) {
      const n = d.fields.size;
      ctx.fieldPii = fit(ctx.fieldPii, n);
      ctx.fieldBypass = fit(ctx.fieldBypass, n);
      ctx.knownFields = fit(ctx.knownFields, n);
      const pii = new Set(this.cfg.piiFields);
      for (let f = s.fields; f < n; f++) {
        const name = d.fields.names[f];
        ctx.fieldPii[f] = pii.has(normaliseFieldName(name)) ? 1 : 0;
        ctx.fieldBypass[f] = this.cfg.rules.new_field.bypass.some((re) => re.test(name)) ? 1 : 0;
      }
      s.fields = n;
    }
    if (d.tables.size > s.tables) {
      ctx.knownTables = fit(ctx.knownTables, d.tables.size);
      s.tables = d.tables.size;
    }
    if (d.ips.size > s.ips) {
      const n = d.ips.size;
      ctx.ipAllowed = fit(ctx.ipAllowed, n);
      for (let i = s.ips; i < n; i++) {
        const v = ipv4ToInt(d.ips.names[i]);
        ctx.ipAllowed[i] = v !== null && this.cfg.allowlist.some((c) => (v & c.mask) >>> 0 === c.net) ? 1 : 0;
      }
      s.ips = n;
    }
    if (d.keys.size > s.keys) {
      const n = d.keys.size;
      const keys = ctx.keys;
      keys.ensure(n - 1);
      const listed = new Set(this.cfg.adminKeys);
      const suffix = this.cfg.adminSuffix;
      for (let k = s.keys; k < n; k++) {
        const name = d.keys.names[k];
        keys.admin[k] = listed.has(name) || (suffix !== '' && name.toLowerCase().endsWith(suffix)) ? 1 : 0;
      }
      s.keys = n;
    }
  }

  /** Runs every enabled rule over events [from, to) of `c`, which must be in time order. */
  process(c: EventColumns, from = 0, to = c.n): void {
    this.sync();
    const ctx = this.ctx;
    const keys = ctx.keys;
    const cfg = this.cfg;
    const on = this.on;
    const R = keys.ring;
    if (Number.isNaN(ctx.start)) {
      for (let i = from; i < to; i++)
        if (c.ts[i] === c.ts[i]) {
          ctx.start = c.ts[i];
          break;
        }
    }
    const start = ctx.start;
    const warmSets = start + cfg.warmupSetsMs;
    for (let i = from; i < to; i++) {
      const ts = c.ts[i];
      if (ts !== ts) continue; // no time: no window to put it in
      this.asOf = ts;
      if (c.kind[i] === KIND_LOGIN) {
        this.events.login++;
        if (on.brute_force) this.brute.check(ctx, c, i);
        continue;
      }
      this.events.api++;
      const k = c.key[i];
      const last = keys.lastSeen[k];
      if (last === 0) {
        keys.firstSeen[k] = ts;
        if (ts >= warmSets) keys.learningUntil[k] = ts + cfg.newKeyLearningMs;
      } else if (ts - last >= cfg.silentAfterMs) {
        // silent for the whole baseline window: nothing of it is left to compare with
        keys.learningUntil[k] = ts + cfg.newKeyLearningMs;
      }
      keys.lastSeen[k] = ts;
      const hour = Math.floor(ts / HOUR);
      if (keys.hour[k] !== hour) this.closeHour(k, hour);
      const rows = c.rows[i];
      const bytes = c.bytes[i];
      const error = c.status[i] >= 500 ? 1 : 0;
      keys.hCount[k]++;
      keys.hRows[k] += rows;
      keys.hBytes[k] += bytes;
      if (rows > keys.hMaxRows[k]) keys.hMaxRows[k] = rows;
      if (bytes > keys.hMaxBytes[k]) keys.hMaxBytes[k] = bytes;
      let minute = Math.floor(ts / MINUTE);
      if (keys.minute[k] !== minute) {
        if (minute > keys.minute[k]) keys.advance(k, minute);
        else minute = keys.minute[k]; // out of order within a minute's slack: counted in the current one
      }
      const b = k * R + (minute % R);
      keys.bCount[b]++;
      keys.bRows[b] += rows;
      keys.bBytes[b] += bytes;
      keys.bErr[b] += error;
      keys.wRate[k]++;
      keys.wRows[k] += rows;
      keys.wBytes[k] += bytes;
      keys.wErrN[k]++;
      keys.wErr[k] += error;
      if (keys.thrMinute[k] !== minute) this.thresholds(k, ts, minute);
      if (on.rate_spike) checkRateSpike(ctx, c, i, k);
      if (on.complexity) checkComplexity(ctx, c, i, k);
      if (on.auth_failures) checkAuthFailures(ctx, c, i, k, this.denied);
      const learning = ts < warmSets;
      if (on.new_field) checkNewField(ctx, c, i, k, learning);
      if (on.data_volume) checkDataVolume(ctx, c, i, k);
      if (on.cross_table) checkCrossTable(ctx, c, i, k, learning);
      if (on.query_latency) this.latency.check(ctx, c, i, minute);
      if (on.error_rate) checkErrorRate(ctx, c, i, k);
    }
  }

  /**
   * Live mode: one event object (checked: an error names the line and field). Returns the alerts
   * it raised; when none, the shared read-only NO_ALERTS (never mutate it), so an event that
   * raises nothing allocates no array. From the first push on, `alerts` keeps only the alerts
   * that can still fold a repeat (within their cooldown): the stream's memory stays bounded.
   */
  push(o: Record<string, unknown>, id: number, line = id): AlertRecord[] {
    this.ctx.book.live = true;
    this.builder ??= new ColumnsBuilder(this.dict, 1);
    this.builder.clear();
    this.builder.object(id, o, { line });
    this.process(this.builder.cols, 0, 1);
    return this.ctx.book.take();
  }

  /** The hour a key was totalling is over: its totals teach the slot's baseline. */
  private closeHour(k: number, hour: number): void {
    const keys = this.ctx.keys;
    const prev = keys.hour[k];
    keys.hour[k] = hour;
    const count = keys.hCount[k];
    const learn = prev >= 0 && count > 0 && !keys.hAlerted[k] && prev > Math.floor(this.ctx.start / HOUR); // not the first, partial hour
    if (learn) {
      const t = prev * HOUR;
      const slot = slotOf(t);
      const week = weekOf(t);
      keys.slots.learn(k, slot, week, count, keys.hRows[k], keys.hBytes[k]);
      this.ctx.global.add(slot, week, count, keys.hRows[k], keys.hBytes[k]);
      if (keys.hMaxRows[k] > keys.maxRows[k]) keys.maxRows[k] = keys.hMaxRows[k];
      if (keys.hMaxBytes[k] > keys.maxBytes[k]) keys.maxBytes[k] = keys.hMaxBytes[k];
    }
    keys.hMaxRows[k] = 0;
    keys.hMaxBytes[k] = 0;
    keys.hCount[k] = 0;
    keys.hRows[k] = 0;
    keys.hBytes[k] = 0;
    keys.hAlerted[k] = 0;
  }

  /** A key's thresholds for this minute, from its baseline for this day of week and hour. */
  private thresholds(k: number, ts: number, minute: number): void {
    const ctx = this.ctx;
    const keys = ctx.keys;
    const cfg = this.cfg;
    keys.thrMinute[k] = minute;
    keys.thrRate[k] = Infinity;
    keys.thrRows[k] = Infinity;
    keys.thrBytes[k] = Infinity;
    keys.baseConf[k] = 1;
    if (ts < ctx.start + cfg.warmupMs) return; // still learning
    const slot = slotOf(ts);
    const week = weekOf(ts);
    let count = NaN;
    let rows = NaN;
    let bytes = NaN;
    let conf = 1;
    const b = this.base;
    if (keys.learningUntil[k] <= ts && keys.slots.baseline(k, slot, week, this.weeksBack, b)) {
      count = b[0];
      rows = b[1];
      bytes = b[2];
    }
    if (Number.isNaN(count)) {
      count = ctx.global.value(slot, 0, week, minute);
      rows = ctx.global.value(slot, 1, week, minute);
      bytes = ctx.global.value(slot, 2, week, minute);
      conf = cfg.newKeyConfidence;
      if (Number.isNaN(count)) return; // nobody has been seen at this hour: nothing to compare with
    }
    keys.baseConf[k] = conf;
    const rs = cfg.rules.rate_spike;
    const base = (count * rs.windowMin) / 60;
    keys.baseRate[k] = base;
    keys.thrRate[k] = Math.max(
      (rs.multiplier / conf) * base,
      base + rs.noiseSigmas * Math.sqrt(Math.max(base, 1)),
      rs.minEvents,
    );
    const dv = cfg.rules.data_volume;
    const mult = (keys.admin[k] ? dv.adminMultiplier : dv.multiplier) / conf;
    const share = dv.windowMin / 60;
    const baseRows = rows * share;
    const baseBytes = bytes * share;
    keys.baseRows[k] = baseRows;
    keys.baseBytes[k] = baseBytes;
    // Noise: calls are Poisson (a generous upper bound of their number in the window), and any
    // of them may be as big as the key's largest call so far.
    const calls = count * share;
    const z = dv.noiseSigmas;
    const callsHigh = calls + z * Math.sqrt(calls) + (z * z) / 2;
    const bytesPerRow = rows > 0 ? bytes / rows : 1;
    keys.thrRows[k] = Math.max(mult * baseRows, callsHigh * keys.maxRows[k], dv.minRows);
    keys.thrBytes[k] = Math.max(mult * baseBytes, callsHigh * keys.maxBytes[k], dv.minRows * bytesPerRow);
  }

  /** Ends the run: correlates the alerts into incidents. */
  finish(): { alerts: AlertRecord[]; incidents: IncidentRecord[] } {
    const alerts = this.ctx.book.alerts;
    const incidents = correlate(alerts, this.cfg.correlationWindowMs);
    return { alerts, incidents };
  }

  /** The baselines to keep in the case. */
  save(): SavedBaselines {
    const ctx = this.ctx;
    const keys = ctx.keys;
    const d = this.dict;
    const out: SavedKey[] = [];
    for (let k = 0; k < d.keys.size; k++) {
      if (keys.lastSeen[k] === 0) continue;
      const s = keys.slots.exportKey(k);
      out.push({
        name: d.keys.names[k],
        firstSeen: keys.firstSeen[k],
        lastSeen: keys.lastSeen[k],
        learningUntil: keys.learningUntil[k],
        maxRows: keys.maxRows[k],
        maxBytes: keys.maxBytes[k],
        slots: s ? s.codes : null,
        weeks: s ? s.weeks : null,
        fields: keys.fields.list(k).map((f) => d.fields.names[f]),
        tables: keys.tables.list(k).map((t) => d.tables.names[t]),
      });
    }
    const ops: SavedBaselines['ops'] = [];
    for (let o = 0; o < d.ops.size; o++)
      if (o < this.latency.learned.length && this.latency.learned[o] > 0)
        ops.push({
          name: d.ops.names[o],
          baseline: this.latency.baseline[o],
          learned: this.latency.learned[o],
        });
    return {
      start: ctx.start,
      asOf: this.asOf,
      global: { hist: ctx.global.hist.slice(), histWeek: ctx.global.histWeek.slice() },
      ops,
      knownFields: d.fields.names.filter((_, f) => ctx.knownFields[f] === 1),
      knownTables: d.tables.names.filter((_, t) => ctx.knownTables[t] === 1),
      keys: out,
    };
  }

  private restore(s: SavedBaselines): void {
    const ctx = this.ctx;
    const d = this.dict;
    ctx.start = s.start;
    this.asOf = s.asOf;
    ctx.global.hist.set(s.global.hist);
    ctx.global.histWeek.set(s.global.histWeek);
    for (const f of s.knownFields) d.fields.id(f);
    for (const t of s.knownTables) d.tables.id(t);
    for (const key of s.keys) {
      d.keys.id(key.name);
      for (const f of key.fields) d.fields.id(f);
      for (const t of key.tables) d.tables.id(t);
    }
    for (const op of s.ops) d.ops.id(op.name);
    this.sync();
    const keys = ctx.keys;
    for (const f of s.knownFields) ctx.knownFields[d.fields.id(f)] = 1;
    for (const t of s.knownTables) ctx.knownTables[d.tables.id(t)] = 1;
    for (const key of s.keys) {
      const k = d.keys.id(key.name);
      keys.firstSeen[k] = key.firstSeen;
      keys.lastSeen[k] = key.lastSeen;
      keys.learningUntil[k] = key.learningUntil;
      keys.maxRows[k] = key.maxRows;
      keys.maxBytes[k] = key.maxBytes;
      if (key.slots && key.weeks) keys.slots.importKey(k, key.slots, key.weeks);
      for (const f of key.fields) keys.fields.set(k, d.fields.id(f));
      for (const t of key.tables) keys.tables.set(k, d.tables.id(t));
    }
    for (const op of s.ops) {
      const o = d.ops.id(op.name);
      this.latency.seed(o, op.baseline, op.learned);
    }
  }
}

function fit(a: Uint8Array, n: number): Uint8Array {
  if (a.length >= n) return a;
  const b = new Uint8Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
