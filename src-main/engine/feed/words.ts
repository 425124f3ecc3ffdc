// Features in plain words, for explanations: "events of this entity in the last hour", not
// "count_1h".
import type { Domain } from '../../../src-shared/domain';
import type { FeatureSpec } from '../features/config';

const WINDOW_WORDS: Record<number, string> = {
  60_000: 'minute',
  300_000: '5 minutes',
  600_000: '10 minutes',
  3_600_000: 'hour',
  86_400_000: '24 hours',
  604_800_000: '7 days',
};

function windowWords(ms: number | null): string {
  if (ms === null) return '';
  const w = WINDOW_WORDS[ms];
  if (w) return `the last ${w}`;
  return ms % 3_600_000 === 0
    ? `the last ${ms / 3_600_000} hours`
    : `the last ${Math.round(ms / 60_000)} minutes`;
}

const COLUMN_WORDS: Record<string, string> = {
  amount: 'amount',
  src_ip: 'IP address',
  device: 'device',
  resource: 'resource',
  status: 'status',
};

const PLURAL: Record<string, string> = {
  amount: 'amounts',
  'IP address': 'IP addresses',
  device: 'devices',
  resource: 'resources',
  status: 'statuses',
};

/**
 * What the dataset's entity is, in words, from its column's name: card_id → "card", api_key →
 * "api key", service → "service"; "account" when there is none.
 */
export function entityWord(column: string | null): string {
  const word = (column ?? '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_\s-]+id$/i, '')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return /^[a-z][a-z0-9 ]{0,30}$/.test(word) && word !== 'id' ? word : 'account';
}

/** What one event is in each kind of dataset: "a login", "a call". */
const EVENT_WORD: Record<Domain, string> = {
  transactions: 'transaction',
  logins: 'login',
  api: 'call',
  metrics: 'measurement',
};

/**
 * A feature in words; `entity` names what the dataset's events are grouped by, `domain` what its
 * events are ("logins of this user in the last hour", not "events").
 */
export function featureLabel(
  spec: FeatureSpec | undefined,
  name: string,
  entity = 'account',
  domain: Domain | null = null,
): string {
  if (!spec) return name.replace(/_/g, ' ');
  const one = domain ? EVENT_WORD[domain] : 'event';
  const who = spec.by === 'src_ip' ? 'from this IP address' : `of this ${entity}`;
  const col = spec.column === 'entity' ? entity : spec.column ? COLUMN_WORDS[spec.column] : '';
  const win = windowWords(spec.windowMs);
  switch (spec.kind) {
    case 'count':
      return `${one}s ${who} in ${win}`;
    case 'time_since_last':
      return `time since the previous ${one} ${who}`;
    case 'value':
      return `the ${col}`;
    case 'zscore':
      return `${col} against this ${entity}'s usual (z-score)`;
    case 'rolling_std':
      return `spread of ${col}s in ${win}`;
    case 'max':
      return `largest ${col} in ${win}`;
    case 'sum':
      return `total ${col} in ${win}`;
    case 'vs_p95':
      return `${col} against this ${entity}'s 95th percentile`;
    case 'distinct':
      return `distinct ${PLURAL[col] ?? `${col}s`} ${who} in ${win}`;
    case 'failure_ratio':
      return `share of failures ${who} in ${win}`;
    case 'hour':
      return 'hour of day (UTC)';
    case 'weekday':
      return 'day of week';
    case 'off_hours':
      return 'outside business hours';
    case 'first_seen':
      return `first time this ${entity} used this ${col}`;
  }
}
