// Rule 1, rate spike: a key's calls over a sliding window (default 5 minutes, so a one-second
// burst never fires) above a multiplier of its baseline for that day of week and hour, and far
// enough above it not to be Poisson noise. Sustained: no single minute may carry more than
// SUSTAINED_CAP times its share of the threshold, so a burst of any size inside a second (even
// one that straddles two minutes) cannot push the window over on its own.
import type { Cols, RuleContext } from './context';
import { ipName, keyName } from './context';
import { MINUTE } from './state';

/** How many times its share of the threshold one minute of the window may count for. */
export const SUSTAINED_CAP = 1.5;

export function checkRateSpike(ctx: RuleContext, c: Cols, i: number, k: number): void {
  const keys = ctx.keys;
  const n = keys.wRate[k];
  const thr = keys.thrRate[k];
  if (n < thr) return;
  const cfg = ctx.cfg.rules.rate_spike;
  const W = cfg.windowMin;
  if (W > 1) {
    const cap = (SUSTAINED_CAP * thr) / W;
    const R = keys.ring;
    const o = k * R;
    const m = keys.minute[k];
    let sustained = 0;
    for (let j = 0; j < W; j++) {
      const v = keys.bCount[o + ((m - j) % R)];
      sustained += v < cap ? v : cap;
    }
    if (sustained < thr) return;
  }
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
