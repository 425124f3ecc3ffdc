// Rule 3, authorization failures: more than N denied calls of a key within a minute.
import type { Cols, RuleContext } from './context';
import { ipName, keyName } from './context';
import { MINUTE } from './state';

export function checkAuthFailures(ctx: RuleContext, c: Cols, i: number, k: number, minute: number): void {
  if (!c.denied[i]) return;
  const keys = ctx.keys;
  if (keys.deniedMinute[k] !== minute) {
    keys.deniedMinute[k] = minute;
    keys.deniedCount[k] = 0;
  }
  const n = ++keys.deniedCount[k];
  const cfg = ctx.cfg.rules.auth_failures;
  if (n <= cfg.perMinute) return;
  ctx.book.fire(
    'auth_failures',
    'key',
    k,
    0,
    keyName(ctx, k),
    c.ts[i],
    c.id[i],
    n,
    cfg.perMinute,
    1,
    ipName(ctx, c, i),
    minute * MINUTE,
  );
}
