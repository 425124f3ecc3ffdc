// Rule 7, brute force: failed logins per source IP within a sliding minute. The alert comes at
// the 10th failure; from the 11th the IP should be rate-limited. Allowlisted CIDRs are exempt.
import type { Cols, RuleContext } from './context';

export class BruteForce {
  /** Each IP with failed logins gets a row: the times and event ids of its last `ring` failures. */
  private readonly row = new Map<number, number>();
  private times = new Float64Array(0);
  private ids = new Float64Array(0);
  private count = new Uint32Array(0);

  constructor(private readonly ring: number) {}

  private rowOf(ip: number): number {
    let r = this.row.get(ip);
    if (r !== undefined) return r;
    r = this.row.size;
    this.row.set(ip, r);
    if (r >= this.count.length) {
      const n = Math.max(256, this.count.length * 2);
      const t = new Float64Array(n * this.ring);
      t.set(this.times);
      this.times = t;
      const d = new Float64Array(n * this.ring);
      d.set(this.ids);
      this.ids = d;
      const c = new Uint32Array(n);
      c.set(this.count);
      this.count = c;
    }
    return r;
  }

  check(ctx: RuleContext, c: Cols, i: number): void {
    if (!c.failure[i]) return;
    const ip = c.ip[i];
    if (ctx.ipAllowed[ip]) return;
    const r = this.rowOf(ip);
    const R = this.ring;
    const ts = c.ts[i];
    const cfg = ctx.cfg.rules.brute_force;
    const o = r * R;
    const n = this.count[r]++;
    this.times[o + (n % R)] = ts;
    this.ids[o + (n % R)] = c.id[i];
    // failures of this IP within the last minute, this one included (up to the ring's length)
    const span = Math.min(n + 1, R);
    let inMinute = 0;
    while (inMinute < span && ts - this.times[o + ((n - inMinute) % R)] < 60_000) inMinute++;
    if (inMinute < cfg.alertAt) return;
    const name = ctx.dict.ips.names[ip];
    const first = this.times[o + ((n - inMinute + 1) % R)];
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
      first,
    );
    if (a.count === 1) {
      // the evidence: the failures that made the count, oldest first
      a.evidence = [];
      for (let j = inMinute - 1; j >= 0; j--) a.evidence.push(this.ids[o + ((n - j) % R)]);
    }
    a.details.failures = a.count + cfg.alertAt - 1;
    a.observed = a.details.failures; // failures within the minute so far
    if (inMinute >= cfg.rateLimitAt && a.details.rateLimitFromEventId === undefined) {
      a.details.action = 'rate_limit';
      a.details.rateLimitFromEventId = c.id[i];
      a.details.rateLimitAt = ts;
    }
  }

  get bytes(): number {
    return this.times.byteLength + this.ids.byteLength + this.count.byteLength;
  }
}
