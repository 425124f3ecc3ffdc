// A key's baselines by day of week and hour over a rolling 14-day window (issue 4, Baselines).
//
// What is kept: for each key and each of the 168 slots (day of week × hour, UTC), the hourly
// totals (calls, rows, bytes) of the slot's two most recent weekly occurrences, and the week of
// the latest. A slot occurs once a week, so the last 14 days hold exactly two occurrences of it:
// a third one pushes the oldest out, and when the key skipped a week the older sample is
// dropped at once, so nothing older than the window ever counts. There is no decaying average.
//
// The statistic: the p95 (nearest rank) of the slot's hourly totals inside the window, per
// metric. With the window's one or two samples the nearest-rank p95 (rank ⌈0.95·n⌉) is the
// larger of them: a spike is measured against the busier of the last two weeks at that hour,
// never an average dragged down (or up, for good) by some older week.
//
// Memory: each total is a 16-bit log code (2^(code/1024) − 1: 0.034% relative precision, up to
// about 1.8e19), so a key's 168 slots × 2 weeks × 3 metrics take 2,016 bytes, plus 336 bytes of
// week stamps: 2,352 bytes, 168 more than the single Float32 average and byte stamp per slot
// it replaces (two weeks of Float32 would be 4,368). Pages of 1024 keys
// are allocated when a key of the page first learns an hour; nothing is allocated per event.
/** Day of week × hour. */
export const SLOTS = 168;
/** Baseline metrics per slot: calls, rows, bytes (each an hourly total). */
export const METRICS = 3;

/** Weekly occurrences of a slot kept (14 days). */
export const SAMPLES = 2;
/** Codes per slot: [latest calls, rows, bytes, previous calls, rows, bytes]. */
export const SLOT_CODES = SAMPLES * METRICS;
/** A previous week that is not there (not seen, or not the week just before the latest). */
export const NO_CODE = 0xffff;
const SCALE = 1024;
const PAGE = 1024;

export const encodeTotal = (v: number): number =>
  v > 0 ? Math.min(NO_CODE - 1, Math.round(Math.log2(1 + v) * SCALE)) : 0;
export const decodeTotal = (c: number): number => 2 ** (c / SCALE) - 1;

export class SlotBaselines {
  private readonly codePages: (Uint16Array | undefined)[] = [];
  /** The latest learned week of each slot, plus one (0: never). */
  private readonly weekPages: (Uint16Array | undefined)[] = [];

  /** Learns the hourly totals of key k's `slot` in `week` (weeks since the epoch). */
  learn(k: number, slot: number, week: number, count: number, rows: number, bytes: number): void {
    if (week < 0 || week >= 0xfffe) return;
    const p = k >>> 10;
    let codes = this.codePages[p];
    if (!codes) {
      codes = this.codePages[p] = new Uint16Array(PAGE * SLOTS * SLOT_CODES);
      this.weekPages[p] = new Uint16Array(PAGE * SLOTS);
    }
    const weeks = this.weekPages[p]!;
    const w = (k & (PAGE - 1)) * SLOTS + slot;
    const o = w * SLOT_CODES;
    const c = encodeTotal(count);
    const r = encodeTotal(rows);
    const b = encodeTotal(bytes);
    const latest = weeks[w] - 1; // -1: never
    if (latest === week) {
      // the same hour again (a split hour): the larger totals
      if (c > codes[o]) codes[o] = c;
      if (r > codes[o + 1]) codes[o + 1] = r;
      if (b > codes[o + 2]) codes[o + 2] = b;
      return;
    }
    if (latest >= 0 && latest > week) {
      // an older week arriving late: it can only be the one before the latest
      if (latest - week === 1 && (codes[o + 3] === NO_CODE || c > codes[o + 3])) {
        codes[o + 3] = c;
        codes[o + 4] = r;
        codes[o + 5] = b;
      }
      return;
    }
    if (latest >= 0 && week - latest === 1) {
      codes[o + 3] = codes[o];
      codes[o + 4] = codes[o + 1];
      codes[o + 5] = codes[o + 2];
    } else {
      codes[o + 3] = NO_CODE; // the latest is older than the week before: it leaves the window
      codes[o + 4] = NO_CODE;
      codes[o + 5] = NO_CODE;
    }
    codes[o] = c;
    codes[o + 1] = r;
    codes[o + 2] = b;
    weeks[w] = week + 1;
  }

  /**
   * The p95 of key k's hourly totals for `slot` over the occurrences 1..weeksBack weeks before
   * `week`, written to out[0..2] (calls, rows, bytes). False when none is in the window.
   */
  baseline(k: number, slot: number, week: number, weeksBack: number, out: Float64Array): boolean {
    const p = k >>> 10;
    const codes = this.codePages[p];
    if (!codes) return false;
    const w = (k & (PAGE - 1)) * SLOTS + slot;
    const latest = this.weekPages[p]![w] - 1;
    if (latest < 0) return false;
    const o = w * SLOT_CODES;
    const aLatest = week - latest;
    const aPrev = aLatest + 1;
    const useLatest = aLatest >= 1 && aLatest <= weeksBack;
    const usePrev = codes[o + 3] !== NO_CODE && aPrev >= 1 && aPrev <= weeksBack;
    if (!useLatest && !usePrev) return false;
    for (let m = 0; m < METRICS; m++) {
      // nearest-rank p95 of one or two samples: the larger
      const a = useLatest ? codes[o + m] : 0;
      const b = usePrev ? codes[o + 3 + m] : 0;
      out[m] = decodeTotal(a > b ? a : b);
    }
    return true;
  }

  /** Key k's codes and week stamps, as kept in a case (null: never learned). */
  exportKey(k: number): { codes: Uint16Array; weeks: Uint16Array } | null {
    const p = k >>> 10;
    const codes = this.codePages[p];
    if (!codes) return null;
    const at = k & (PAGE - 1);
    return {
      codes: codes.slice(at * SLOTS * SLOT_CODES, (at + 1) * SLOTS * SLOT_CODES),
      weeks: this.weekPages[p]!.slice(at * SLOTS, (at + 1) * SLOTS),
    };
  }

  importKey(k: number, codes: Uint16Array, weeks: Uint16Array): void {
    const p = k >>> 10;
    if (!this.codePages[p]) {
      this.codePages[p] = new Uint16Array(PAGE * SLOTS * SLOT_CODES);
      this.weekPages[p] = new Uint16Array(PAGE * SLOTS);
    }
    const at = k & (PAGE - 1);
    this.codePages[p].set(codes, at * SLOTS * SLOT_CODES);
    this.weekPages[p]!.set(weeks, at * SLOTS);
  }

  get bytes(): number {
    let n = 0;
    for (const c of this.codePages) if (c) n += c.byteLength;
    for (const w of this.weekPages) if (w) n += w.byteLength;
    return n;
  }
}

/**
 * A key's slots as cases before this format kept them (format 1): one Float32 running average
 * per slot and metric, and the week (mod 255; 255: never) it was last updated. Each becomes the
 * latest sample of its slot, in the latest week before `asOf` with that stamp; no previous week.
 * (An average, not a p95, but it leaves the window within two weeks like any sample.)
 */
export function convertFormat1(
  values: Float32Array,
  stamps: Uint8Array,
  asOfWeek: number,
): { codes: Uint16Array; weeks: Uint16Array } {
  const codes = new Uint16Array(SLOTS * SLOT_CODES);
  const weeks = new Uint16Array(SLOTS);
  for (let s = 0; s < SLOTS; s++) {
    const o = s * SLOT_CODES;
    codes[o + 3] = codes[o + 4] = codes[o + 5] = NO_CODE;
    if (stamps[s] === 255) continue;
    const week = asOfWeek - ((((asOfWeek - stamps[s]) % 255) + 255) % 255);
    if (week < 0 || week >= 0xfffe) continue;
    weeks[s] = week + 1;
    for (let m = 0; m < METRICS; m++) {
      const v = values[s * METRICS + m];
      codes[o + m] = encodeTotal(Number.isFinite(v) ? v : 0);
    }
  }
  return { codes, weeks };
}
