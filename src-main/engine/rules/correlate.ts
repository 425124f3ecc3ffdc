// Correlation: alerts of several rules on the same key or the same IP within a window become
// one incident with raised severity; a new PII field with a volume spike is exfiltration (≥ HIGH).
import type { AlertRecord } from './alerts';
import { atLeast, raise } from './alerts';
import type { RuleName, Severity } from './config';
import { SEVERITIES } from './config';

export interface IncidentRecord {
  /** Position in this run (1-based). */
  seq: number;
  kind: 'exfiltration' | 'account_attack' | 'correlated';
  severity: Severity;
  start: number;
  end: number;
  rules: RuleName[];
  entities: string[];
  /** seq of its alerts. */
  alerts: number[];
}

export function correlate(alerts: AlertRecord[], windowMs: number): IncidentRecord[] {
  const order = alerts.map((_, i) => i).sort((a, b) => alerts[a].start - alerts[b].start || a - b);
  const parent = alerts.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  // the latest alert (by end) seen on each key and each IP
  const last = new Map<string, number>();
  for (const i of order) {
    const a = alerts[i];
    const ids = [`${a.entityKind}:${a.entity}`];
    if (a.ip && a.entityKind !== 'ip') ids.push(`ip:${a.ip}`);
    for (const id of ids) {
      const j = last.get(id);
      if (j !== undefined && a.start - alerts[j].end <= windowMs) parent[find(i)] = find(j);
      if (j === undefined || alerts[i].end >= alerts[j].end) last.set(id, i);
    }
  }
  const groups = new Map<number, number[]>();
  for (const i of order) {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  const incidents: IncidentRecord[] = [];
  for (const members of groups.values()) {
    const rules = [...new Set(members.map((i) => alerts[i].rule))];
    if (rules.length < 2) continue;
    const top = members
      .map((i) => alerts[i].severity)
      .reduce((a, b) => (SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b));
    let severity = raise(top);
    let kind: IncidentRecord['kind'] = 'correlated';
    if (rules.includes('new_field') && rules.includes('data_volume')) {
      kind = 'exfiltration';
      severity = atLeast(severity, 'HIGH');
    } else if (rules.includes('brute_force') || rules.includes('auth_failures')) kind = 'account_attack';
    const incident: IncidentRecord = {
      seq: incidents.length + 1,
      kind,
      severity,
      start: Math.min(...members.map((i) => alerts[i].start)),
      end: Math.max(...members.map((i) => alerts[i].end)),
      rules,
      entities: [...new Set(members.map((i) => `${alerts[i].entityKind}:${alerts[i].entity}`))],
      alerts: members.map((i) => alerts[i].seq),
    };
    incidents.push(incident);
    for (const i of members) alerts[i].incident = incident.seq;
  }
  return incidents;
}
