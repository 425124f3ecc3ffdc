// Rule 2, complexity: query complexity above a threshold for N consecutive calls of a key.
import type { Cols, RuleContext } from './context';
import { ipName, keyName } from './context';

export function checkComplexity(ctx: RuleContext, c: Cols, i: number, k: number): void {
  const keys = ctx.keys;
  const cfg = ctx.cfg.rules.complexity;
  if (c.complexity[i] <= cfg.threshold) {
    keys.consec[k] = 0;
    return;
  }
  if (keys.consec[k]++ === 0) keys.runStart[k] = c.ts[i];
  if (keys.consec[k] < cfg.consecutive) return;
  const a = ctx.book.fire(
    'complexity',
    'key',
    k,
    0,
    keyName(ctx, k),
    c.ts[i],
    c.id[i],
    c.complexity[i],
    cfg.threshold,
    1,
    ipName(ctx, c, i),
    keys.runStart[k],
  );
  a.details.consecutive = Math.max(Number(a.details.consecutive ?? 0), keys.consec[k]);
}
