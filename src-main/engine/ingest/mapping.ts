// An import's mapping: what the request gives, over what the case remembers for the file's
// header layout (explicit choices win, column by column and option by option).
import type { CanonicalRole } from '../../../src-shared/domain';
import type { ImportMapping } from '../../../src-shared/import';

const normal = (n: string) => n.normalize('NFC').trim().toLowerCase();

/** The mapping with its column names spelled as this file spells them (layouts ignore case). */
export function adaptToHeader(m: ImportMapping, names: readonly string[]): ImportMapping {
  const byNormal = new Map(names.map((n) => [normal(n), n]));
  const to = (c: string) => byNormal.get(normal(c)) ?? c;
  const out: ImportMapping = { ...m };
  if (m.roles)
    out.roles = Object.fromEntries(
      Object.entries(m.roles).map(([r, c]) => [r, to(c)]),
    ) as ImportMapping['roles'];
  if (m.noRoles) out.noRoles = m.noRoles.map(to);
  if (m.timeColumn) out.timeColumn = to(m.timeColumn);
  if (m.clockColumn) out.clockColumn = to(m.clockColumn);
  return out;
}

/** `given` over `remembered`: a role, a column or a time option the request names wins. */
export function mergeMapping(given: ImportMapping, remembered: ImportMapping | null): ImportMapping {
  if (!remembered) return clean(given);
  const givenRoles = given.roles ?? {};
  const named = new Set(
    [...Object.values(givenRoles), given.timeColumn, given.clockColumn, ...(given.noRoles ?? [])].filter(
      (c): c is string => c !== undefined,
    ),
  );
  const timeGiven = given.timeColumn !== undefined || givenRoles.time !== undefined;
  const roles: Partial<Record<CanonicalRole, string>> = {};
  for (const [role, column] of Object.entries(remembered.roles ?? {}) as [CanonicalRole, string][]) {
    if (givenRoles[role] !== undefined || named.has(column) || (role === 'time' && timeGiven)) continue;
    roles[role] = column;
  }
  Object.assign(roles, givenRoles);
  const taken = new Set(Object.values(roles));
  return clean({
    roles,
    noRoles: [
      ...new Set([
        ...(remembered.noRoles ?? []).filter((c) => !named.has(c) && !taken.has(c)),
        ...(given.noRoles ?? []),
      ]),
    ],
    timeColumn: given.timeColumn ?? (timeGiven ? undefined : remembered.timeColumn),
    clockColumn:
      given.clockColumn ??
      (timeGiven || (remembered.clockColumn && named.has(remembered.clockColumn))
        ? undefined
        : remembered.clockColumn),
    timeFormat: given.timeFormat ?? (given.timeUnit ? undefined : remembered.timeFormat),
    timeUnit: given.timeUnit ?? (given.timeFormat ? undefined : remembered.timeUnit),
    timeOrigin: given.timeOrigin ?? (given.timeFormat ? undefined : remembered.timeOrigin),
    timeYear: given.timeYear ?? remembered.timeYear,
    positive: given.positive ?? remembered.positive,
  });
}

/** Without empty parts; the time role said once, as the time column. */
export function clean(m: ImportMapping): ImportMapping {
  const out: ImportMapping = {};
  const roles = { ...(m.roles ?? {}) };
  const timeColumn = m.timeColumn ?? roles.time;
  delete roles.time;
  if (Object.keys(roles).length) out.roles = roles;
  if (m.noRoles?.length) out.noRoles = m.noRoles;
  if (timeColumn !== undefined) out.timeColumn = timeColumn;
  for (const k of ['clockColumn', 'timeFormat', 'timeUnit', 'timeOrigin', 'timeYear', 'positive'] as const)
    if (m[k] !== undefined) (out as Record<string, unknown>)[k] = m[k];
  return out;
}

/** The mapping part of a request (ingest.start / ingest.preview params). */
export function mappingOf(p: ImportMapping): ImportMapping {
  return clean({
    roles: p.roles,
    noRoles: p.noRoles,
    timeColumn: p.timeColumn,
    clockColumn: p.clockColumn,
    timeFormat: p.timeFormat,
    timeUnit: p.timeUnit,
    timeOrigin: p.timeOrigin,
    timeYear: p.timeYear,
    positive: p.positive,
  });
}
