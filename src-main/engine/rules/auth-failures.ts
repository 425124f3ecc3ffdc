// Rule 3, authorization failures: more than N denied calls of a key within a sliding minute
// (the last 60 seconds, so 5 denied at :59 and 5 at :01 are 10 within a minute).
import type { Cols, RuleContext } from './context';
import { ipName, keyName } from './context';
import type { SlidingMinute } from './sliding-minute';

export function checkAuthFailures(
  ctx: RuleContext,
  c: Cols,
  i: number,
  k: number,
  denied: SlidingMinute,
): void {
  if (!c.denied[i]) return;
  const n = denied.add(k, c.ts[i], c.id[i]);
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
    denied.oldest(k),
  );
}
