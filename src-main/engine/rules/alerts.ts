// Alerts as the rules raise them: repeats of one rule on one entity (and one field or table,
// for the rules that alert per new item) within the cooldown fold into one alert with a count.
import type { RaisedAlertInfo } from '../../../src-shared/domain';
import type { RuleName, Severity } from './config';
import { RULE_NAMES, SEVERITIES } from './config';

export type EntityKind = RaisedAlertInfo['entityKind'];

export interface AlertRecord extends RaisedAlertInfo {
  rule: RuleName;
  /** Ids of the events behind it (the first EVIDENCE_MAX). */
  evidence: number[];
  /** Index into the run's incidents, once correlated. */
  incident: number | null;
}

export const EVIDENCE_MAX = 50;
const RULE_INDEX = new Map(RULE_NAMES.map((r, i) => [r, i]));
const KIND_INDEX: Record<EntityKind, number> = { key: 0, ip: 1, operation: 2 };

export function raise(s: Severity, steps = 1): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(s) + steps)];
}

export function atLeast(s: Severity, floor: Severity): Severity {
  return SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(floor) ? s : floor;
}

/** Where a rule's confidence stands after the analyst's verdicts. */
export interface RuleState {
  confidence: number;
  falsePositives: number;
  confirmed: number;
  disabled: boolean;
}

/**
 * What push() returns when no alert was raised: one shared, frozen, empty array. Read-only:
 * callers must not push into it (it is frozen, so that would throw).
 */
export const NO_ALERTS = Object.freeze([]) as unknown as AlertRecord[];

/** Out-of-order slack: a folded alert is forgotten this long after its cooldown ran out. */
const FORGET_SLACK_MS = 60_000;

export class AlertBook {
  /**
   * The alerts raised. In a replay, all of them; in live mode (see `live`), only those that can
   * still fold a repeat: older ones were returned by push() and are the caller's to keep.
   */
  readonly alerts: AlertRecord[] = [];
  /** Open alerts by fold: rule and entity (entityId × 64 + kind × 16 + rule), then `sub`. */
  private readonly open = new Map<number, Map<number, AlertRecord>>();
  private openSize = 0;
  /** Alerts raised since the last take() (live mode pushes them); null: none. */
  private fresh: AlertRecord[] | null = null;
  private seq = 0;
  /** The stream time at which closed alerts are next forgotten. */
  private nextSweep = -Infinity;
  /** Live mode: forgotten alerts also leave `alerts`, so a long stream stays bounded. */
  live = false;

  constructor(
    private readonly cooldownMs: number,
    private readonly states: Map<RuleName, RuleState>,
    private readonly severities: Map<RuleName, Severity>,
  ) {}

  /** Alerts that can still fold a repeat. */
  get openCount(): number {
    return this.openSize;
  }

  /**
   * Raises (or folds into) an alert; returns it. `entityId` and `sub` (a field, a table, or 0)
   * are the interned ids that identify the fold.
   */
  fire(
    rule: RuleName,
    kind: EntityKind,
    entityId: number,
    sub: number,
    entity: () => string,
    ts: number,
    eventId: number,
    observed: number,
    baseline: number | null,
    baselineConfidence: number,
    ip: string | null,
    windowStart = ts,
  ): AlertRecord {
    if (ts >= this.nextSweep) this.sweep(ts);
    // exact for any entity id below 2^47 and any sub: no two folds share a key
    const outer = entityId * 64 + KIND_INDEX[kind] * 16 + RULE_INDEX.get(rule)!;
    let inner = this.open.get(outer);
    const prev = inner?.get(sub);
    if (prev && ts - prev.end <= this.cooldownMs) {
      prev.end = ts;
      prev.count++;
      if (observed > prev.observed) prev.observed = observed;
      if (prev.evidence.length < EVIDENCE_MAX) prev.evidence.push(eventId);
      return prev;
    }
    const state = this.states.get(rule)!;
    const a: AlertRecord = {
      seq: ++this.seq,
      rule,
      entityKind: kind,
      entity: entity(),
      ip,
      start: windowStart,
      end: ts,
      observed,
      baseline,
      severity: state.confirmed >= 5 ? 'CRITICAL' : this.severities.get(rule)!,
      confidence: Math.round(state.confidence * baselineConfidence) / 100,
      count: 1,
      evidence: [eventId],
      details: {},
      incident: null,
    };
    this.alerts.push(a);
    (this.fresh ??= []).push(a);
    if (!inner) this.open.set(outer, (inner = new Map()));
    if (!prev) this.openSize++;
    inner.set(sub, a);
    return a;
  }

  /** The alerts raised since the last call; NO_ALERTS (shared, read-only) when none. */
  take(): AlertRecord[] {
    const out = this.fresh;
    if (out === null) return NO_ALERTS;
    this.fresh = null;
    return out;
  }

  /**
   * Forgets the open alerts whose cooldown ran out (a repeat would raise a new alert anyway),
   * at most once a cooldown of stream time; in live mode they also leave `alerts`.
   */
  private sweep(ts: number): void {
    const before = ts - this.cooldownMs - FORGET_SLACK_MS;
    this.nextSweep = ts + this.cooldownMs;
    for (const [outer, inner] of this.open) {
      for (const [sub, a] of inner)
        if (a.end < before) {
          inner.delete(sub);
          this.openSize--;
        }
      if (inner.size === 0) this.open.delete(outer);
    }
    if (this.live) {
      let n = 0;
      for (const a of this.alerts) if (a.end >= before) this.alerts[n++] = a;
      this.alerts.length = n;
    }
  }
}
