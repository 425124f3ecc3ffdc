// An explanation's headline: one sentence an analyst can act on, in the data's own terms — what
// it looks like, the thing to act on, what stands out about it against its usual, the risk, the
// cost in the data's currency, by when (a human duration) and what to do. No formula, no raw
// feature name, no seconds count.
import type { CellValue, Explanation, Severity } from '../../../src-shared/domain';
import type { FeatureSpec } from '../features/config';

/** A duration in words: "45 s", "12 min", "3 h 5 min", "2 days". */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  const s = Math.max(0, seconds);
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s - h * 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = s / 86_400;
  return d < 10 ? `${Math.round(d * 10) / 10} days` : `${Math.round(d)} days`;
}

/** The event's currency when the data names one: a 3-letter code in a currency column. */
export function currencyOf(event: Record<string, CellValue>): string | null {
  for (const [k, v] of Object.entries(event)) {
    if (!/^(currency|ccy|currency_code)$/i.test(k) || typeof v !== 'string') continue;
    const code = v.trim().toUpperCase();
    if (/^[A-Z]{3}$/.test(code)) return code;
  }
  return null;
}

export function formatNumber(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'missing';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) < 10 ? 2 : 1 });
}

/** An amount of money: "$1,234", "€32.94", or a plain number when the currency is unknown. */
export function formatMoney(v: number, currency: string | null): string {
  if (!Number.isFinite(v)) return 'unknown';
  if (currency)
    try {
      return v.toLocaleString('en-US', {
        style: 'currency',
        currency,
        maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 2,
      });
    } catch {
      // not a currency Intl knows: the plain number
    }
  return formatNumber(Math.abs(v) >= 100 ? Math.round(v) : v);
}

const MONEY_KINDS = new Set(['value', 'max', 'sum', 'rolling_std']);

/** A feature's value as its meaning asks: durations, money, yes/no, hours; else the number. */
export function formatFeature(
  spec: FeatureSpec | undefined,
  v: number | null,
  currency: string | null,
): string {
  if (v === null || !Number.isFinite(v)) return 'missing';
  switch (spec?.kind) {
    case 'time_since_last':
      return humanDuration(v);
    case 'off_hours':
    case 'first_seen':
      return v >= 0.5 ? 'yes' : 'no';
    case 'hour':
      return `${String(Math.floor(v)).padStart(2, '0')}:00 UTC`;
    case 'failure_ratio':
      return `${Math.round(v * 100)}%`;
  }
  if (spec && spec.column === 'amount' && MONEY_KINDS.has(spec.kind)) return formatMoney(v, currency);
  return formatNumber(v);
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);

export interface HeadlineInput {
  pattern: Explanation['pattern'];
  severity: Severity;
  alert: boolean;
  /** What to act on: its kind in words ("card", "IP address") and its value, when known. */
  target: { word: string; value: string } | null;
  /** What stands out most: a rule alert in words, or the top reason against its usual. */
  lead: string | null;
  currency: string | null;
}

/**
 * "Login burst on user u_3576664: events of this user in the last hour is 20 (usually 0.4). Risk
 * HIGH · est. cost $500 · act within 15 min: lock the account and notify the user."
 */
export function headline(h: HeadlineInput): string {
  const title =
    h.pattern.matched === 'default' ? 'Unusual activity' : cap(h.pattern.scenario.replace(/_/g, ' '));
  // "on card 4111…", but "on card_157202", not "on card card_157202"
  const named = h.target && h.target.value.toLowerCase().startsWith(h.target.word.replace(/ /g, '_'));
  const on = h.target ? ` on ${named ? '' : `${h.target.word} `}${h.target.value}` : '';
  const lead = h.lead ? `: ${h.lead}` : '';
  const cost = h.pattern.cost > 0 ? ` · est. cost ${formatMoney(h.pattern.cost, h.currency)}` : '';
  const threshold = h.alert ? '' : " (not an alert: no model's threshold reached)";
  return (
    `${title}${on}${lead}. Risk ${h.severity}${threshold}${cost} · ` +
    `act within ${humanDuration(h.pattern.slaMinutes * 60)}: ${lowerFirst(h.pattern.action)}.`
  );
}
