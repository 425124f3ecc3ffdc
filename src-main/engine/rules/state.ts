// The rule engine's memory: per-key typed arrays (windows, hour totals, baselines by day of
// week and hour), bit sets of the fields and tables each key reads, and the global baselines.
// Nothing here allocates per event; arrays grow by doubling as keys appear.
import { METRICS, SLOTS, SlotBaselines } from './slot-baselines';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const WEEK = 7 * DAY;
export { SLOTS, METRICS };

/** Day of week (0 = Sunday) × 24 + hour, in UTC. */
export const slotOf = (ts: number): number => {
  const hour = Math.floor(ts / HOUR);
  return ((Math.floor(hour / 24) + 4) % 7) * 24 + (hour % 24);
};
/** Week number (weeks start on Sunday, UTC). */
export const weekOf = (ts: number): number => Math.floor((Math.floor(ts / DAY) + 4) / 7);

type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array | Uint16Array;

function grown<T extends Typed>(a: T, size: number, fill = 0): T {
  const C = a.constructor as new (n: number) => T;
  const b = new C(size);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/** Rows × columns bits, both growing (a key's fields, a key's tables). */
export class BitMatrix {
  private words = 1;
  private bits: Uint32Array;

  constructor(private rows = 1024) {
    this.bits = new Uint32Array(rows * this.words);
  }

  has(r: number, c: number): boolean {
    const w = c >>> 5;
    return w < this.words && r < this.rows && (this.bits[r * this.words + w] & (1 << (c & 31))) !== 0;
  }

  set(r: number, c: number): void {
    const w = c >>> 5;
    if (w >= this.words || r >= this.rows) this.grow(Math.max(r + 1, this.rows), w + 1);
    this.bits[r * this.words + w] |= 1 << (c & 31);
  }

  /** Column ids set in row r. */
  list(r: number): number[] {
    const out: number[] = [];
    if (r >= this.rows) return out;
    for (let w = 0; w < this.words; w++) {
      const v = this.bits[r * this.words + w];
      if (v) for (let b = 0; b < 32; b++) if (v & (1 << b)) out.push(w * 32 + b);
    }
    return out;
  }

  private grow(rows: number, words: number): void {
    const nr = rows > this.rows ? Math.max(rows, this.rows * 2) : this.rows;
    const nw = words > this.words ? Math.max(words, this.words * 2) : this.words;
    const next = new Uint32Array(nr * nw);
    for (let r = 0; r < this.rows; r++)
      next.set(this.bits.subarray(r * this.words, (r + 1) * this.words), r * nw);
    this.bits = next;
    this.rows = nr;
    this.words = nw;
  }

  get bytes(): number {
    return this.bits.byteLength;
  }
}

/** Per-key state, one slot of each array per interned key. */
export class KeyTable {
  capacity = 0;
  /** Ring of per-minute buckets, `ring` minutes long. */
  readonly ring: number;
  firstSeen = new Float64Array(0);
  lastSeen = new Float64Array(0);
  /** A new key uses the global baseline until then. */
  learningUntil = new Float64Array(0);
  admin = new Uint8Array(0);
  minute = new Int32Array(0);
  bCount = new Uint32Array(0);
  bErr = new Uint32Array(0);
  bRows = new Float64Array(0);
  bBytes = new Float64Array(0);
  /** Running sums over each rule's window. */
  wRate = new Int32Array(0);
  wRows = new Float64Array(0);
  wBytes = new Float64Array(0);
  wErrN = new Int32Array(0);
  wErr = new Int32Array(0);
  /** The hour being totalled, and its totals. */
  hour = new Int32Array(0);
  hCount = new Float64Array(0);
  hRows = new Float64Array(0);
  hBytes = new Float64Array(0);
  /** The largest single call of the hour, and the largest learned (rows, bytes). */
  hMaxRows = new Float64Array(0);
  hMaxBytes = new Float64Array(0);
  maxRows = new Float64Array(0);
  maxBytes = new Float64Array(0);
  /** A rate or volume alert this hour: the hour is not learned. */
  hAlerted = new Uint8Array(0);
  /** Thresholds, worked out once a minute. */
  thrMinute = new Int32Array(0);
  thrRate = new Float64Array(0);
  thrRows = new Float64Array(0);
  thrBytes = new Float64Array(0);
  baseRate = new Float64Array(0);
  baseRows = new Float64Array(0);
  baseBytes = new Float64Array(0);
  baseConf = new Float32Array(0);
  consec = new Int32Array(0);
  runStart = new Float64Array(0);
  lastFieldSet = new Int32Array(0);
  lastTableSet = new Int32Array(0);
  /** Hourly totals by slot (calls, rows, bytes) of the last two weeks (see slot-baselines.ts). */
  readonly slots = new SlotBaselines();
  readonly fields = new BitMatrix();
  readonly tables = new BitMatrix();

  constructor(
    windowsMin: number[],
    readonly windows = { rate: windowsMin[0], volume: windowsMin[1], error: windowsMin[2] },
  ) {
    this.ring = Math.max(...windowsMin);
  }

  ensure(k: number): void {
    if (k < this.capacity) return;
    const n = Math.max(1024, this.capacity * 2, k + 1);
    const R = this.ring;
    this.firstSeen = grown(this.firstSeen, n);
    this.lastSeen = grown(this.lastSeen, n);
    this.learningUntil = grown(this.learningUntil, n);
    this.admin = grown(this.admin, n);
    this.minute = grown(this.minute, n, -1);
    this.bCount = grown(this.bCount, n * R);
    this.bErr = grown(this.bErr, n * R);
    this.bRows = grown(this.bRows, n * R);
    this.bBytes = grown(this.bBytes, n * R);
    this.wRate = grown(this.wRate, n);
    this.wRows = grown(this.wRows, n);
    this.wBytes = grown(this.wBytes, n);
    this.wErrN = grown(this.wErrN, n);
    this.wErr = grown(this.wErr, n);
    this.hour = grown(this.hour, n, -1);
    this.hCount = grown(this.hCount, n);
    this.hRows = grown(this.hRows, n);
    this.hBytes = grown(this.hBytes, n);
    this.hAlerted = grown(this.hAlerted, n);
    this.hMaxRows = grown(this.hMaxRows, n);
    this.hMaxBytes = grown(this.hMaxBytes, n);
    this.maxRows = grown(this.maxRows, n);
    this.maxBytes = grown(this.maxBytes, n);
    this.thrMinute = grown(this.thrMinute, n, -1);
    this.thrRate = grown(this.thrRate, n);
    this.thrRows = grown(this.thrRows, n);
    this.thrBytes = grown(this.thrBytes, n);
    this.baseRate = grown(this.baseRate, n);
    this.baseRows = grown(this.baseRows, n);
    this.baseBytes = grown(this.baseBytes, n);
    this.baseConf = grown(this.baseConf, n);
    this.consec = grown(this.consec, n);
    this.runStart = grown(this.runStart, n);
    this.lastFieldSet = grown(this.lastFieldSet, n, -1);
    this.lastTableSet = grown(this.lastTableSet, n, -1);
    this.capacity = n;
  }

  /** Moves key k's minute ring to `minute`, dropping buckets that leave each window. */
  advance(k: number, minute: number): void {
    const from = this.minute[k];
    this.minute[k] = minute;
    const R = this.ring;
    const o = k * R;
    if (from < 0 || minute - from >= R) {
      this.bCount.fill(0, o, o + R);
      this.bErr.fill(0, o, o + R);
      this.bRows.fill(0, o, o + R);
      this.bBytes.fill(0, o, o + R);
      this.wRate[k] = 0;
      this.wRows[k] = 0;
      this.wBytes[k] = 0;
      this.wErrN[k] = 0;
      this.wErr[k] = 0;
      return;
    }
    const { rate, volume, error } = this.windows;
    for (let m = from + 1; m <= minute; m++) {
      // the buckets of minute m - window leave that window now
      let b = o + ((m - rate) % R);
      this.wRate[k] -= this.bCount[b];
      b = o + ((m - volume) % R);
      this.wRows[k] -= this.bRows[b];
      this.wBytes[k] -= this.bBytes[b];
      b = o + ((m - error) % R);
      this.wErrN[k] -= this.bCount[b];
      this.wErr[k] -= this.bErr[b];
      b = o + (m % R);
      this.bCount[b] = 0;
      this.bErr[b] = 0;
      this.bRows[b] = 0;
      this.bBytes[b] = 0;
    }
  }

  get bytes(): number {
    let n = this.fields.bytes + this.tables.bytes;
    for (const a of Object.values(this)) if (ArrayBuffer.isView(a)) n += a.byteLength;
    n += this.slots.bytes;
    return n;
  }
}

/** Log-scaled histogram buckets: √2 apart. */
export const HIST_BUCKETS = 64;
export const histBucket = (v: number): number => Math.min(HIST_BUCKETS - 1, Math.floor(Math.log2(1 + v) * 2));
export const bucketTop = (b: number): number => 2 ** ((b + 1) / 2) - 1;

/**
 * The global baseline of each slot: the p95 across keys of their hourly totals, from the slot's
 * occurrences in the last two weeks (a histogram per week, kept for two weeks).
 */
export class GlobalBaselines {
  readonly hist = new Uint32Array(SLOTS * 2 * METRICS * HIST_BUCKETS);
  readonly histWeek = new Int32Array(SLOTS * 2).fill(-1);
  private readonly p95 = new Float64Array(SLOTS * METRICS);
  private readonly computed = new Int32Array(SLOTS).fill(-1);

  add(slot: number, week: number, count: number, rows: number, bytes: number): void {
    const h = slot * 2 + (week & 1);
    if (this.histWeek[h] !== week) {
      this.hist.fill(0, h * METRICS * HIST_BUCKETS, (h + 1) * METRICS * HIST_BUCKETS);
      this.histWeek[h] = week;
    }
    const o = h * METRICS * HIST_BUCKETS;
    this.hist[o + histBucket(count)]++;
    this.hist[o + HIST_BUCKETS + histBucket(rows)]++;
    this.hist[o + 2 * HIST_BUCKETS + histBucket(bytes)]++;
    this.computed[slot] = -1;
  }

  /** The slot's p95 of metric m (hourly), or NaN when no key has been seen in it lately. */
  value(slot: number, m: number, week: number, minute: number): number {
    if (this.computed[slot] < 0 || minute - this.computed[slot] >= 1) this.compute(slot, week, minute);
    return this.p95[slot * METRICS + m];
  }

  private compute(slot: number, week: number, minute: number): void {
    this.computed[slot] = minute;
    for (let m = 0; m < METRICS; m++) {
      let total = 0;
      for (let w = 0; w < 2; w++) {
        const h = slot * 2 + w;
        if (this.histWeek[h] < 0 || week - this.histWeek[h] > 2) continue;
        const o = (h * METRICS + m) * HIST_BUCKETS;
        for (let b = 0; b < HIST_BUCKETS; b++) total += this.hist[o + b];
      }
      let v = NaN;
      if (total > 0) {
        const want = Math.ceil(total * 0.95);
        let seen = 0;
        for (let b = 0; b < HIST_BUCKETS && Number.isNaN(v); b++) {
          for (let w = 0; w < 2; w++) {
            const h = slot * 2 + w;
            if (this.histWeek[h] < 0 || week - this.histWeek[h] > 2) continue;
            seen += this.hist[(h * METRICS + m) * HIST_BUCKETS + b];
          }
          if (seen >= want) v = bucketTop(b);
        }
      }
      this.p95[slot * METRICS + m] = v;
    }
  }
}
