// Alerts as the rules raise them: repeats of one rule on one entity (and one field or table,
// for the rules that alert per new item) within the cooldown fold into one alert with a count.
import type { RuleName, Severity } from './config';
import { RULE_NAMES, SEVERITIES } from './config';

export type EntityKind = 'key' | 'ip' | 'operation';

export interface AlertRecord {
  /** Position in this run (1-based); the case gives stored alerts their own ids. */
  seq: number;
  rule: RuleName;
  entityKind: EntityKind;
  entity: string;
  /** The source IP of the event that raised it (API and login events both have one). */
  ip: string | null;
  start: number;
  end: number;
  observed: number;
  baseline: number | null;
  severity: Severity;
  /** 0..1: the rule's confidence times the baseline's (0.5 for a new key). */
  confidence: number;
  count: number;
  /** Ids of the events behind it (the first EVIDENCE_MAX). */
  evidence: number[];
  details: Record<string, string | number | boolean | null>;
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

export class AlertBook {
  readonly alerts: AlertRecord[] = [];
  private readonly open = new Map<number, AlertRecord>();
  /** Alerts raised since the last take() (live mode pushes them). */
  private fresh: AlertRecord[] = [];

  constructor(
    private readonly cooldownMs: number,
    private readonly states: Map<RuleName, RuleState>,
    private readonly severities: Map<RuleName, Severity>,
  ) {}

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
    const foldKey = ((sub * 4 + KIND_INDEX[kind]) * 16 + RULE_INDEX.get(rule)!) * 2 ** 24 + entityId;
    const prev = this.open.get(foldKey);
    if (prev && ts - prev.end <= this.cooldownMs) {
      prev.end = ts;
      prev.count++;
      if (observed > prev.observed) prev.observed = observed;
      if (prev.evidence.length < EVIDENCE_MAX) prev.evidence.push(eventId);
      return prev;
    }
    const state = this.states.get(rule)!;
    const a: AlertRecord = {
      seq: this.alerts.length + 1,
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
    this.fresh.push(a);
    this.open.set(foldKey, a);
    return a;
  }

  take(): AlertRecord[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}
