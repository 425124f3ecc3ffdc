// Rule 6, cross-table access: a key reads a table outside its baseline; one alert per new table.
import type { Cols, RuleContext } from './context';
import { ipName, keyName } from './context';

export function checkCrossTable(ctx: RuleContext, c: Cols, i: number, k: number, learning: boolean): void {
  const keys = ctx.keys;
  const ts = c.tableSet[i];
  if (keys.lastTableSet[k] === ts) return;
  keys.lastTableSet[k] = ts;
  const members = ctx.dict.tableSets.members[ts];
  const newKey = keys.learningUntil[k] > c.ts[i];
  for (let j = 0; j < members.length; j++) {
    const t = members[j];
    if (keys.tables.has(k, t)) continue;
    keys.tables.set(k, t);
    const globallyKnown = ctx.knownTables[t] === 1;
    ctx.knownTables[t] = 1;
    if (learning || (newKey && globallyKnown)) continue;
    const a = ctx.book.fire(
      'cross_table',
      'key',
      k,
      t + 1,
      keyName(ctx, k),
      c.ts[i],
      c.id[i],
      1,
      null,
      newKey ? ctx.cfg.newKeyConfidence : 1,
      ipName(ctx, c, i),
    );
    a.details.table = ctx.dict.tables.names[t];
    a.details.knownTables = keys.tables.list(k).length - 1;
  }
}
