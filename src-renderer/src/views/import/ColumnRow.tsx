// One column of the import dialog's table: name, type, the role it will play (a choice), and
// examples from the first rows. The roles are the contract's, plus the time of day (a column of
// its own read with the dates of the time column) and none.
import type { CanonicalRole } from '../../../../src-shared/domain';
import type { ImportMapping, PreviewColumn } from '../../../../src-shared/import';

export type ColumnRole = CanonicalRole | 'clock' | 'none';

const ROLE_TEXT: Record<ColumnRole, string> = {
  time: 'time',
  entity: 'entity',
  src_ip: 'source IP',
  action: 'action',
  amount: 'amount',
  status: 'status',
  resource: 'resource',
  latency: 'latency',
  label: 'label (attack or not)',
  device: 'device',
  clock: 'time of day (with the date)',
  none: '— none —',
};

/** The role a column plays under a mapping. */
export function roleOf(m: ImportMapping, column: string): ColumnRole {
  if (m.timeColumn === column) return 'time';
  if (m.clockColumn === column) return 'clock';
  for (const [role, name] of Object.entries(m.roles ?? {})) if (name === column) return role as CanonicalRole;
  return 'none';
}

/** The mapping with `column` playing `role` (and no other column playing it). */
export function withRole(m: ImportMapping, column: string, role: ColumnRole): ImportMapping {
  const roles = { ...(m.roles ?? {}) };
  for (const [r, name] of Object.entries(roles)) if (name === column) delete roles[r as CanonicalRole];
  const next: ImportMapping = { ...m, roles, noRoles: (m.noRoles ?? []).filter((c) => c !== column) };
  if (next.timeColumn === column) {
    delete next.timeColumn;
    delete next.clockColumn;
  }
  if (next.clockColumn === column) delete next.clockColumn;
  if (role === 'none') next.noRoles = [...(next.noRoles ?? []), column];
  else if (role === 'time') {
    next.timeColumn = column;
    delete next.clockColumn;
  } else if (role === 'clock') next.clockColumn = column;
  else roles[role] = column;
  return next;
}

const SOURCE_TEXT = {
  given: 'chosen',
  remembered: 'remembered',
  source: 'from its layout',
  detected: 'from the file',
} as const;

export function ColumnRow({
  column,
  first,
  role,
  roles,
  onRole,
}: {
  column: PreviewColumn;
  /** The column as the dialog's first preview saw it (where its role came from). */
  first: PreviewColumn | undefined;
  role: ColumnRole;
  roles: readonly CanonicalRole[];
  onRole: (role: ColumnRole) => void;
}) {
  const options: ColumnRole[] = [...roles, 'clock', 'none'];
  const firstRole = first?.role ?? 'none';
  const source =
    role === 'none' && firstRole === 'none'
      ? null
      : role === firstRole && first?.roleSource
        ? SOURCE_TEXT[first.roleSource]
        : 'chosen';
  return (
    <tr data-testid="import-column" data-column={column.name}>
      <th scope="row" className="mono import-col-name" title={column.name}>
        {column.name}
      </th>
      <td className="muted small">{column.type.toLowerCase()}</td>
      <td>
        <div className="import-role-cell">
          <select
            className="select import-role"
            value={role}
            onChange={(e) => onRole(e.target.value as ColumnRole)}
            aria-label={`Role of ${column.name}`}
            data-testid={`import-role-${column.name}`}
          >
            {options.map((r) => (
              <option key={r} value={r}>
                {ROLE_TEXT[r]}
              </option>
            ))}
          </select>
          {source && <span className="muted small import-source">{source}</span>}
        </div>
      </td>
      <td className="mono small import-examples" title={column.examples.join(', ')}>
        {column.examples.length ? column.examples.join(', ') : <span className="muted">(empty)</span>}
        {column.nulls > 0 && <span className="muted"> · {column.nulls.toLocaleString('en-US')} empty</span>}
      </td>
    </tr>
  );
}
