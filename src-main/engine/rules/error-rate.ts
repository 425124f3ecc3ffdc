// Rule 9, error rate: the share of 5xx answers to a key over a window above a percentage.
import type { Cols, RuleContext } from './context';
import { ipName, keyName } from './context';
import { MINUTE } from './state';

export function checkErrorRate(ctx: RuleContext, c: Cols, i: number, k: number): void {
  const keys = ctx.keys;
  const cfg = ctx.cfg.rules.error_rate;
  const n = keys.wErrN[k];
  if (n < cfg.minRequests || keys.wErr[k] * 100 < cfg.thresholdPct * n) return;
  const ts = c.ts[i];
  const a = ctx.book.fire(
    'error_rate',
    'key',
    k,
    0,
    keyName(ctx, k),
    ts,
    c.id[i],
    Math.round((keys.wErr[k] / n) * 1000) / 10,
    cfg.thresholdPct,
    1,
    ipName(ctx, c, i),
    ts - cfg.windowMin * MINUTE,
  );
  a.details.requests = n;
}
