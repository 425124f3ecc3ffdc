// Which source column plays which canonical role (time, entity, source IP, …), by name.
import type { CanonicalRole, ColumnType } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';

const NAMES: Record<CanonicalRole, string[]> = {
  time: [
    'ts',
    'time',
    'timestamp',
    'event_time',
    'datetime',
    'date',
    'created_at',
    'occurred_at',
    '@timestamp',
  ],
  entity: [
    'entity',
    'entity_id',
    // An API log's actor is its key, even when login events with a user are mixed in.
    'api_key',
    'client_id',
    'user',
    'user_id',
    'username',
    'account',
    'account_id',
    'card',
    'card_id',
    'customer',
    'customer_id',
    'service',
    'host',
  ],
  src_ip: ['ip', 'src_ip', 'source_ip', 'client_ip', 'remote_addr', 'ip_address'],
  action: ['action', 'operation', 'event', 'event_type', 'method', 'endpoint', 'metric'],
  amount: ['amount', 'value', 'amt', 'transaction_amount', 'total'],
  status: ['status', 'result', 'outcome', 'status_code', 'http_status'],
  resource: ['resource', 'path', 'url', 'merchant', 'table', 'tables'],
  latency: ['latency', 'latency_ms', 'duration', 'duration_ms', 'response_time', 'response_time_ms'],
  label: ['class', 'label', 'is_fraud', 'fraud', 'is_anomaly', 'anomaly'],
  device: ['device', 'device_id', 'deviceid', 'user_agent', 'fingerprint'],
};

const NUMERIC_ROLES = new Set<CanonicalRole>(['amount', 'latency', 'label']);

export const isTimeName = (name: string): boolean => NAMES.time.includes(name.toLowerCase());

/**
 * Assigns roles to columns: explicit choices first, then the first column whose name matches.
 * `time` is decided by the caller (it also depends on values); numeric roles need numeric columns.
 */
export function assignRoles(
  columns: { name: string; type: ColumnType }[],
  explicit: Partial<Record<CanonicalRole, string>>,
  timeColumn: string | null,
  file = '',
  /** Columns that take no role by their names (the analyst said none, or a time of day). */
  noRoles: readonly string[] = [],
): (CanonicalRole | null)[] {
  // A mapping the analyst gave must name a column that can play the role, one role a column.
  const named = new Map<string, CanonicalRole>();
  if (timeColumn !== null) named.set(timeColumn, 'time');
  for (const [role, name] of Object.entries(explicit) as [CanonicalRole, string][]) {
    const other = named.get(name);
    if (other && !(role === 'time' && other === 'time'))
      fail('BAD_REQUEST', `column "${name}" cannot be both the ${other} and the ${role}`, {
        file,
        column: name,
      });
    named.set(name, role);
    const col =
      columns.find((c) => c.name === name) ??
      fail(
        'BAD_REQUEST',
        `no column "${name}" for the role ${role} (columns: ${columns.map((c) => c.name).join(', ')})`,
        { file, column: name },
      );
    if ((role === 'amount' || role === 'latency') && col.type === 'TEXT')
      fail('MALFORMED_INPUT', `column "${name}" holds text, not numbers: it cannot be the ${role}`, {
        file,
        column: name,
      });
  }
  const roles: (CanonicalRole | null)[] = columns.map(() => null);
  const taken = new Set<CanonicalRole>();
  const give = (i: number, role: CanonicalRole) => {
    if (i >= 0 && roles[i] === null && !taken.has(role)) {
      roles[i] = role;
      taken.add(role);
    }
  };
  if (timeColumn !== null)
    give(
      columns.findIndex((c) => c.name === timeColumn),
      'time',
    );
  for (const [role, name] of Object.entries(explicit) as [CanonicalRole, string][]) {
    if (role !== 'time')
      give(
        columns.findIndex((c) => c.name === name),
        role,
      );
  }
  for (const role of Object.keys(NAMES) as CanonicalRole[]) {
    if (role === 'time' || taken.has(role)) continue;
    const names = NAMES[role];
    for (const candidate of names) {
      const i = columns.findIndex(
        (c, k) =>
          roles[k] === null &&
          !noRoles.includes(c.name) &&
          c.name.toLowerCase() === candidate &&
          (!NUMERIC_ROLES.has(role) || c.type !== 'TEXT'),
      );
      if (i >= 0) {
        give(i, role);
        break;
      }
    }
  }
  return roles;
}
