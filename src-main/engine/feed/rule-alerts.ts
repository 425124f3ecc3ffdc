// Rule alerts in an analyst's terms: what the rule saw in plain words, the attack pattern (and so
// the business rule) it stands for, and the headline with risk, cost, deadline and action that
// the alerts list shows beside each alert.
import type { AlertItem, Explanation, StoredAlert } from '../../../src-shared/domain';
import type { BusinessRule, ScenarioSpec, UnmatchedRule } from '../scenarios/config';
import { formatNumber, headline } from './sentence';

/** The scenario (and so the business rule) a rule's alert stands for. */
export const RULE_SCENARIO: Record<string, string> = {
  rate_spike: 'rate_spike',
  new_field: 'data_exfiltration',
  data_volume: 'data_exfiltration',
  cross_table: 'lateral_movement',
  brute_force: 'brute_force',
  auth_failures: 'brute_force',
};

/** An attack pattern with its business rule, its cost worked out for the facts given. */
export function patternOf(
  scenario: string,
  description: string,
  matched: 'rule' | 'signals' | 'default',
  b: BusinessRule,
  facts: Parameters<BusinessRule['cost']>[0],
): Explanation['pattern'] {
  const cost = b.cost(facts);
  return {
    scenario,
    description,
    matched,
    risk: b.risk,
    cost: Number.isFinite(cost) ? Math.round(cost * 100) / 100 : 0,
    costFormula: b.costFormula,
    slaMinutes: b.slaMinutes,
    action: b.action,
    escalation: b.escalation,
  };
}

type AlertFacts = Pick<Explanation['ruleAlerts'][number], 'rule' | 'observed' | 'baseline' | 'details'>;

/** A rule alert in plain words. */
export function describeAlert(a: AlertFacts): string {
  const d = a.details;
  if (a.rule === 'cross_table' && typeof d.table === 'string')
    return `the key read table ${d.table} for the first time`;
  if (a.rule === 'new_field' && typeof d.field === 'string')
    return `the key read field ${d.field} for the first time${d.pii ? ' (personal data)' : ''}`;
  const n = formatNumber(a.observed);
  const limit = a.baseline === null ? '' : ` (the rule's limit is ${formatNumber(a.baseline)})`;
  const usual = a.baseline === null ? '' : ` against a usual ${formatNumber(a.baseline)}`;
  switch (a.rule) {
    case 'brute_force':
      return `${n} failed logins from this address within a minute${limit}`;
    case 'auth_failures':
      return `${n} denied calls of this key within a minute${limit}`;
    case 'rate_spike':
      return `${n} calls of this key in the window${usual}`;
    case 'data_volume':
      return `this key read ${n} ${typeof d.metric === 'string' ? d.metric : 'rows'}${usual}`;
    case 'error_rate':
      return `${n}% of this key's answers were server errors${limit}`;
    case 'query_latency':
      return `p95 latency of ${n} ms${usual}`;
  }
  return `rule ${a.rule.replace(/_/g, ' ')} saw ${n}${typeof d.metric === 'string' ? ` ${d.metric}` : ''}${usual}`;
}

const TARGET_WORD: Record<StoredAlert['entityKind'], string> = {
  key: 'key',
  ip: 'address',
  operation: 'operation',
};

/** The alert with its words, its headline and its business terms (from its pattern's rule). */
export function alertItem(
  a: StoredAlert,
  scenarios: Map<string, ScenarioSpec>,
  unmatched: UnmatchedRule,
): AlertItem {
  const spec = scenarios.get(RULE_SCENARIO[a.rule] ?? '');
  const text = describeAlert(a);
  const pattern = patternOf(
    spec?.name ?? a.rule,
    spec?.description ?? unmatched.description,
    'rule',
    spec?.business ?? unmatched.business,
    {
      events: Math.max(1, a.evidence.length, a.count),
      amount_total: 0,
      amount_max: 0,
      duration_minutes: Math.max(0, (a.end - a.start) / 60_000),
    },
  );
  return {
    ...a,
    text,
    sentence: headline({
      pattern,
      severity: a.severity,
      alert: true,
      target: { word: TARGET_WORD[a.entityKind], value: a.entity },
      lead: text,
      currency: null,
    }),
    business: {
      risk: a.severity,
      cost: pattern.cost,
      currency: null,
      slaMinutes: pattern.slaMinutes,
      action: pattern.action,
    },
  };
}
