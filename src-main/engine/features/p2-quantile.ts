// The P² algorithm (Jain & Chlamtac, 1985): a running quantile in constant memory and time,
// exact for the first five observations, then an estimate from five markers.
export class P2Quantile {
  private readonly q = new Float64Array(5); // marker heights
  private readonly n = new Float64Array(5); // marker positions
  private readonly np = new Float64Array(5); // desired positions
  private readonly dn: Float64Array;
  private count = 0;

  constructor(private readonly p: number) {
    this.dn = Float64Array.of(0, p / 2, p, (1 + p) / 2, 1);
  }

  add(x: number): void {
    const { q, n, np, dn } = this;
    if (this.count < 5) {
      q[this.count++] = x;
      if (this.count === 5) {
        q.sort();
        for (let i = 0; i < 5; i++) n[i] = i;
        np.set([0, 2 * this.p, 4 * this.p, 2 + 2 * this.p, 4]);
      }
      return;
    }
    this.count++;
    let k: number;
    if (x < q[0]) {
      q[0] = x;
      k = 0;
    } else if (x >= q[4]) {
      q[4] = x;
      k = 3;
    } else {
      k = 0;
      while (k < 3 && x >= q[k + 1]) k++;
    }
    for (let i = k + 1; i < 5; i++) n[i]++;
    for (let i = 0; i < 5; i++) np[i] += dn[i];
    for (let i = 1; i < 4; i++) {
      const d = np[i] - n[i];
      if ((d >= 1 && n[i + 1] - n[i] > 1) || (d <= -1 && n[i - 1] - n[i] < -1)) {
        const s = Math.sign(d);
        const parabolic =
          q[i] +
          (s / (n[i + 1] - n[i - 1])) *
            ((n[i] - n[i - 1] + s) * ((q[i + 1] - q[i]) / (n[i + 1] - n[i])) +
              (n[i + 1] - n[i] - s) * ((q[i] - q[i - 1]) / (n[i] - n[i - 1])));
        q[i] =
          q[i - 1] < parabolic && parabolic < q[i + 1]
            ? parabolic
            : q[i] + (s * (q[i + s] - q[i])) / (n[i + s] - n[i]);
        n[i] += s;
      }
    }
  }

  /** The estimate; exact (by nearest rank) below five observations; NaN with none. */
  value(): number {
    if (this.count === 0) return NaN;
    if (this.count < 5) {
      const sorted = Array.from(this.q.subarray(0, this.count)).sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.ceil(this.p * sorted.length) - 1)];
    }
    return this.q[2];
  }
}
