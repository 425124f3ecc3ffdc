// Rule 1, rate spike: a key's calls over a sliding window (default 5 minutes, so a one-second
// burst never fires) above a multiplier of its baseline for that day of week and hour, and far
// enough above it not to be Poisson noise.
import type { Cols, RuleContext } from './context';
import { ipName, keyName } from './context';
import { MINUTE } from './state';

export function checkRateSpike(ctx: RuleContext, c: Cols, i: number, k: number): void {
  const keys = ctx.keys;
  const n = keys.wRate[k];
  if (n < keys.thrRate[k]) return;
  const cfg = ctx.cfg.rules.rate_spike;
  const ts = c.ts[i];
  ctx.book.fire(
    'rate_spike',
    'key',
    k,
    0,
    keyName(ctx, k),
    ts,
    c.id[i],
    n,
    Math.round(keys.baseRate[k] * 100) / 100,
    keys.baseConf[k],
    ipName(ctx, c, i),
    ts - cfg.windowMin * MINUTE,
  ).details.multiplier = cfg.multiplier / keys.baseConf[k];
  keys.hAlerted[k] = 1;
}
