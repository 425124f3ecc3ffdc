// Rule 7, brute force: failed logins per source IP within a sliding minute. The alert comes at
// the 10th failure; from the 11th the IP should be rate-limited. Allowlisted CIDRs are exempt.
// Observed (and details.failures) is the number of failures within the minute when the alert
// was last raised (its peak, for observed); details.totalFailures counts every failure folded
// into the alert: those that raised it, then one per repeat.
import type { Cols, RuleContext } from './context';
import { SlidingMinute } from './sliding-minute';

export class BruteForce {
  private readonly minute: SlidingMinute;

  constructor(ring: number) {
    let initial = 16;
    while (initial <= ring) initial *= 2;
    this.minute = new SlidingMinute(60_000, initial);
  }

  check(ctx: RuleContext, c: Cols, i: number): void {
    if (!c.failure[i]) return;
    const ip = c.ip[i];
    if (ctx.ipAllowed[ip]) return;
    const ts = c.ts[i];
    const cfg = ctx.cfg.rules.brute_force;
    // failures of this IP within the last minute, this one included
    const inMinute = this.minute.add(ip, ts, c.id[i]);
    if (inMinute < cfg.alertAt) return;
    const name = ctx.dict.ips.names[ip];
    const a = ctx.book.fire(
      'brute_force',
      'ip',
      ip,
      0,
      () => name,
      ts,
      c.id[i],
      inMinute,
      cfg.alertAt,
      1,
      name,
      this.minute.oldest(ip),
    );
    if (a.count === 1) {
      // the evidence: the failures that made the count, oldest first
      a.evidence = this.minute.lastIds(ip, inMinute);
      a.details.totalFailures = inMinute;
    } else a.details.totalFailures = Number(a.details.totalFailures) + 1;
    a.details.failures = inMinute; // within the sliding minute, now
    if (inMinute >= cfg.rateLimitAt && a.details.rateLimitFromEventId === undefined) {
      a.details.action = 'rate_limit';
      a.details.rateLimitFromEventId = c.id[i];
      a.details.rateLimitAt = ts;
    }
  }

  get bytes(): number {
    return this.minute.bytes;
  }
}
