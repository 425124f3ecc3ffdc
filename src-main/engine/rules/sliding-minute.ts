// Events per entity within a sliding minute (the last 60 seconds, not the calendar minute):
// what the authorization-failure and brute-force rules count. Each entity that has had such an
// event gets a row: a ring of the times and event ids still inside its minute, so the count is
// exact however many there are. A ring doubles (rarely: only past its busiest minute so far);
// nothing else is allocated per event.
export class SlidingMinute {
  private readonly rowOf = new Map<number, number>();
  private times: Float64Array[] = [];
  private ids: Float64Array[] = [];
  private head = new Int32Array(0);
  private size = new Int32Array(0);

  constructor(
    private readonly spanMs = 60_000,
    private readonly initial = 16,
  ) {}

  /** Adds an event of `entity` at `ts` and drops those a minute or more older; the row's count. */
  add(entity: number, ts: number, id: number): number {
    let r = this.rowOf.get(entity);
    if (r === undefined) r = this.newRow(entity);
    let t = this.times[r];
    let cap = t.length;
    let h = this.head[r];
    let n = this.size[r];
    while (n > 0 && ts - t[h] >= this.spanMs) {
      h = h + 1 === cap ? 0 : h + 1;
      n--;
    }
    if (n === cap) {
      this.grow(r, h, n);
      t = this.times[r];
      cap = t.length;
      h = 0;
    }
    const at = (h + n) % cap;
    t[at] = ts;
    this.ids[r][at] = id;
    this.head[r] = h;
    this.size[r] = n + 1;
    return n + 1;
  }

  /** The time of the oldest event in `entity`'s minute (after the last add). */
  oldest(entity: number): number {
    const r = this.rowOf.get(entity)!;
    return this.times[r][this.head[r]];
  }

  /** The ids of the last `n` events of `entity`'s minute, oldest first. */
  lastIds(entity: number, n: number): number[] {
    const r = this.rowOf.get(entity)!;
    const ids = this.ids[r];
    const cap = ids.length;
    const size = this.size[r];
    const out: number[] = [];
    for (let j = size - n; j < size; j++) out.push(ids[(this.head[r] + j) % cap]);
    return out;
  }

  private newRow(entity: number): number {
    const r = this.times.length;
    this.rowOf.set(entity, r);
    this.times.push(new Float64Array(this.initial));
    this.ids.push(new Float64Array(this.initial));
    if (r >= this.head.length) {
      const n = Math.max(256, this.head.length * 2);
      const h = new Int32Array(n);
      h.set(this.head);
      this.head = h;
      const s = new Int32Array(n);
      s.set(this.size);
      this.size = s;
    }
    return r;
  }

  /** Doubles row r's ring, its `n` events moved to the front in order. */
  private grow(r: number, h: number, n: number): void {
    const t = this.times[r];
    const d = this.ids[r];
    const cap = t.length;
    const nt = new Float64Array(cap * 2);
    const nd = new Float64Array(cap * 2);
    for (let j = 0; j < n; j++) {
      nt[j] = t[(h + j) % cap];
      nd[j] = d[(h + j) % cap];
    }
    this.times[r] = nt;
    this.ids[r] = nd;
    this.head[r] = 0;
  }

  get bytes(): number {
    let n = this.head.byteLength + this.size.byteLength;
    for (let r = 0; r < this.times.length; r++) n += this.times[r].byteLength + this.ids[r].byteLength;
    return n;
  }
}
