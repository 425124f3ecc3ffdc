// A dataset's columns, and its stored features, kept column by column as typed arrays
// (table column_chunks, schema 8). Chunk k of a source holds the rows whose id lies in
// [k * CHUNK_ROWS, (k + 1) * CHUNK_ROWS), in id order, one blob per column: its ids ('_id'),
// numbers as float64 (features as float32, as models read them), text as a dictionary of the
// chunk's distinct values and an int32 code per row. NaN (and code -1) is NULL.
//
// The rows (ds_<id>, features_<id>) stay the record. Whoever writes rows writes the chunks in
// the same transaction: an import and a full feature build from the arrays they hold, the
// other writers (injections, incremental builds) by rebuilding the chunks from the rows they
// touched onwards. A reader uses the chunks only when this installation wrote them (a mark in
// case_meta: a case may come from anyone, and its chunks could differ from its rows), when they
// cover the rows exactly and decode as they should; otherwise it reads the rows.
import type { ColumnInfo } from '../../../src-shared/domain';
import { installId } from '../install-id';
import { featuresTable, tableOf } from './case-store';
import type { DB } from './open-case';

export const CHUNK_ROWS = 16_384;

export type ChunkSource = 'events' | 'features';
export type ChunkKind = 'f64' | 'f32' | 'text';
export interface ChunkColumnSpec {
  name: string;
  kind: ChunkKind;
}

/** Text as read from chunks: distinct values and, per row, the index of its value (-1: NULL). */
export interface TextColumn {
  dict: string[];
  codes: Int32Array;
}
export type ChunkValues = Float64Array | Float32Array | TextColumn;
/** Values handed to a writer: numbers (NaN for NULL) or text. */
export type ChunkInput = ArrayLike<number> | ArrayLike<string | null>;

const markKey = (datasetId: number, source: ChunkSource) => `chunks:${datasetId}:${source}`;

/** Were this source's chunks written by this installation? */
export function chunksOurs(db: DB, datasetId: number, source: ChunkSource): boolean {
  const mark = db
    .prepare('SELECT value FROM case_meta WHERE key = ?')
    .pluck()
    .get(markKey(datasetId, source));
  return mark === installId();
}

/** Which rows: all (in id order), one event, or every `step`-th event id (a sample). */
export type RowSet = { all: true } | { eventId: number } | { step: number } | { ids: number[] };

const KIND_CODE: Record<ChunkKind, number> = { f64: 1, f32: 2, text: 3 };
/** Up to this many rows by id are read from the rows, not the chunks. */
const FEW_ROWS = 5000;
const HEADER = 8;

const SOURCE_TABLE: Record<ChunkSource, (id: number) => { table: string; id: string }> = {
  events: (id) => ({ table: tableOf(id), id: '_id' }),
  features: (id) => ({ table: featuresTable(id), id: 'event_id' }),
};

/** The chunk columns of a dataset's events: time, then its columns by type. */
export function eventChunkColumns(columns: ColumnInfo[]): ChunkColumnSpec[] {
  return [
    { name: '_ts', kind: 'f64' },
    ...columns.map((c) => ({
      name: c.sqlName,
      kind: c.type === 'TEXT' ? ('text' as const) : ('f64' as const),
    })),
  ];
}

/** The chunk columns of stored features. */
export const featureChunkColumns = (names: string[]): ChunkColumnSpec[] =>
  names.map((name) => ({ name, kind: 'f32' as const }));

// ---- encoding -------------------------------------------------------------------------------

function encodeNumbers(kind: 'f64' | 'f32', values: ArrayLike<number>, n: number): Buffer {
  const width = kind === 'f64' ? 8 : 4;
  const buf = Buffer.alloc(HEADER + n * width); // its own ArrayBuffer: the views below are aligned
  buf[0] = KIND_CODE[kind];
  const view =
    kind === 'f64'
      ? new Float64Array(buf.buffer, buf.byteOffset + HEADER, n)
      : new Float32Array(buf.buffer, buf.byteOffset + HEADER, n);
  for (let i = 0; i < n; i++) view[i] = values[i];
  return buf;
}

function encodeText(values: ArrayLike<string | null>, n: number): Buffer {
  const at = new Map<string, number>();
  const dict: string[] = [];
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    let c = at.get(v);
    if (c === undefined) {
      c = dict.length;
      dict.push(v);
      at.set(v, c);
    }
    codes[i] = c;
  }
  const json = Buffer.from(JSON.stringify(dict), 'utf8');
  const codesAt = HEADER + Math.ceil(json.length / 4) * 4;
  const buf = Buffer.alloc(codesAt + n * 4);
  buf[0] = KIND_CODE.text;
  buf.writeUInt32LE(json.length, 4);
  json.copy(buf, HEADER);
  new Int32Array(buf.buffer, buf.byteOffset + codesAt, n).set(codes);
  return buf;
}

export function encodeChunk(kind: ChunkKind, values: ChunkInput, n: number): Buffer {
  return kind === 'text'
    ? encodeText(values as ArrayLike<string | null>, n)
    : encodeNumbers(kind, values as ArrayLike<number>, n);
}

/** A chunk that does not decode as the engine writes them. */
class BadChunk extends Error {}

/** The typed array over `bytes` of a blob, copied when the blob's memory is not aligned for it. */
function typedView<T extends Float64Array | Float32Array | Int32Array>(
  Type: { new (b: ArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number },
  buf: Uint8Array,
  offset: number,
  n: number,
): T {
  const start = buf.byteOffset + offset;
  if (start % Type.BYTES_PER_ELEMENT === 0) return new Type(buf.buffer as ArrayBuffer, start, n);
  // (a Buffer's slice is a view: copy into memory of its own)
  const copy = new Uint8Array(n * Type.BYTES_PER_ELEMENT);
  copy.set(buf.subarray(offset, offset + n * Type.BYTES_PER_ELEMENT));
  return new Type(copy.buffer, 0, n);
}

/** Decodes a chunk of `rows` rows of the given kind; a malformed one throws BadChunk. */
export function decodeChunk(kind: ChunkKind, buf: Uint8Array, rows: number): ChunkValues {
  if (!(buf instanceof Uint8Array) || buf.length < HEADER || buf[0] !== KIND_CODE[kind])
    throw new BadChunk('not a chunk of that kind');
  if (kind !== 'text') {
    const width = kind === 'f64' ? 8 : 4;
    if (buf.length !== HEADER + rows * width) throw new BadChunk('wrong length');
    return kind === 'f64'
      ? typedView(Float64Array, buf, HEADER, rows)
      : typedView(Float32Array, buf, HEADER, rows);
  }
  const jsonBytes = new DataView(buf.buffer, buf.byteOffset, buf.length).getUint32(4, true);
  const codesAt = HEADER + Math.ceil(jsonBytes / 4) * 4;
  if (codesAt + rows * 4 !== buf.length) throw new BadChunk('wrong length');
  let dict: unknown;
  try {
    dict = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + HEADER, jsonBytes).toString('utf8'));
  } catch {
    throw new BadChunk('unreadable dictionary');
  }
  if (!Array.isArray(dict) || !dict.every((v) => typeof v === 'string'))
    throw new BadChunk('not a dictionary of text');
  const codes = typedView(Int32Array, buf, codesAt, rows);
  for (let i = 0; i < rows; i++) if (codes[i] < -1 || codes[i] >= dict.length) throw new BadChunk('bad code');
  return { dict: dict as string[], codes };
}

// ---- writing --------------------------------------------------------------------------------

/**
 * Writes the chunks of a source from `fromId` on, rows given in ascending id order. The chunks
 * from fromId's onwards are replaced; rows of fromId's chunk below fromId are kept.
 * Run it inside the transaction that writes the rows.
 */
export class ChunkWriter {
  private readonly specs: ChunkColumnSpec[];
  private chunk = -1;
  private n = 0;
  private readonly ids = new Float64Array(CHUNK_ROWS);
  private readonly bufs: (Float64Array | (string | null)[])[];
  private readonly insert;

  constructor(
    private readonly db: DB,
    private readonly datasetId: number,
    private readonly source: ChunkSource,
    specs: ChunkColumnSpec[],
    fromId: number,
  ) {
    this.specs = specs;
    this.bufs = specs.map((s) =>
      s.kind === 'text' ? new Array<string | null>(CHUNK_ROWS).fill(null) : new Float64Array(CHUNK_ROWS),
    );
    this.insert = db.prepare(
      'INSERT INTO column_chunks (dataset_id, source, name, chunk, rows, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const first = Math.floor(Math.max(0, fromId) / CHUNK_ROWS);
    // chunks another installation wrote are dropped, not carried on under this one's mark
    const ours = chunksOurs(db, datasetId, source);
    // rows of the first chunk below fromId (an append to a dataset) are carried over
    const kept = ours && fromId % CHUNK_ROWS ? this.readChunk(first) : null;
    db.prepare('DELETE FROM column_chunks WHERE dataset_id = ? AND source = ? AND chunk >= ?').run(
      datasetId,
      source,
      ours ? first : 0,
    );
    db.prepare('INSERT OR REPLACE INTO case_meta (key, value) VALUES (?, ?)').run(
      markKey(datasetId, source),
      installId(),
    );
    if (kept) {
      const below: number[] = [];
      kept.ids.forEach((id, i) => {
        if (id < fromId) below.push(i);
      });
      if (below.length) {
        this.chunk = first;
        for (const i of below) {
          this.ids[this.n] = kept.ids[i];
          kept.columns.forEach((col, c) => {
            const out = this.bufs[c];
            if (out instanceof Float64Array) out[this.n] = (col as Float64Array | Float32Array)[i];
            else {
              const t = col as TextColumn;
              out[this.n] = t.codes[i] < 0 ? null : t.dict[t.codes[i]];
            }
          });
          this.n++;
        }
      }
    }
  }

  private readChunk(chunk: number): { ids: Float64Array; columns: ChunkValues[] } | null {
    try {
      const ids = readOne(
        this.db,
        this.datasetId,
        this.source,
        { name: '_id', kind: 'f64' },
        chunk,
      ) as Float64Array | null;
      if (!ids) return null;
      const columns = this.specs.map((s) => readOne(this.db, this.datasetId, this.source, s, chunk));
      if (columns.some((c) => c === null || lengthOf(c) !== ids.length)) return null;
      return { ids, columns: columns as ChunkValues[] };
    } catch (e) {
      if (e instanceof BadChunk) return null;
      throw e;
    }
  }

  /** Adds rows `ids[0..n)` with their values, one array per column (in the specs' order). */
  add(ids: ArrayLike<number>, columns: ChunkInput[], n = ids.length): void {
    let r = 0;
    while (r < n) {
      const chunk = Math.floor(ids[r] / CHUNK_ROWS);
      if (chunk !== this.chunk) {
        this.flush();
        this.chunk = chunk;
      }
      // the run of rows in this chunk (ids ascend)
      let end = r + 1;
      const limit = (chunk + 1) * CHUNK_ROWS;
      while (end < n && ids[end] < limit) end++;
      const at = this.n - r;
      for (let i = r; i < end; i++) this.ids[at + i] = ids[i];
      for (let c = 0; c < columns.length; c++) {
        const out = this.bufs[c];
        const src = columns[c];
        if (out instanceof Float64Array) {
          const nums = src as ArrayLike<number>;
          for (let i = r; i < end; i++) {
            const v = nums[i] as number | null;
            // NULL, and what the rows store as NULL (an infinite feature value), is NaN
            out[at + i] = v === null || !Number.isFinite(v) ? NaN : v;
          }
        } else {
          const texts = src as ArrayLike<string | null>;
          for (let i = r; i < end; i++) out[at + i] = texts[i] ?? null;
        }
      }
      this.n += end - r;
      r = end;
    }
  }

  private flush(): void {
    if (this.n === 0) return;
    const { datasetId, source, chunk, n } = this;
    this.insert.run(datasetId, source, '_id', chunk, n, encodeNumbers('f64', this.ids, n));
    this.specs.forEach((s, c) =>
      this.insert.run(datasetId, source, s.name, chunk, n, encodeChunk(s.kind, this.bufs[c], n)),
    );
    this.n = 0;
  }

  /** Writes the last chunk. */
  finish(): void {
    this.flush();
  }
}

/** Drops every chunk of a source (its rows are about to be written anew). */
export function clearChunks(db: DB, datasetId: number, source: ChunkSource): void {
  db.prepare('DELETE FROM column_chunks WHERE dataset_id = ? AND source = ?').run(datasetId, source);
}

/**
 * Rebuilds a source's chunks from its rows, from fromId's chunk to the end: after rows were
 * added or removed there by SQL. Run it inside the transaction that changed the rows.
 */
export function rebuildChunks(
  db: DB,
  datasetId: number,
  source: ChunkSource,
  specs: ChunkColumnSpec[],
  fromId = 0,
): void {
  const { table, id } = SOURCE_TABLE[source](datasetId);
  const start = Math.floor(Math.max(0, fromId) / CHUNK_ROWS) * CHUNK_ROWS;
  const writer = new ChunkWriter(db, datasetId, source, specs, start);
  const select = [id, ...specs.map((s) => `"${s.name}"`)].join(', ');
  const rows = db
    .prepare(`SELECT ${select} FROM ${table} WHERE ${id} >= ? ORDER BY ${id}`)
    .raw()
    .iterate(start) as IterableIterator<unknown[]>;
  const ids = new Float64Array(CHUNK_ROWS);
  const cols: (Float64Array | (string | null)[])[] = specs.map((s) =>
    s.kind === 'text' ? new Array<string | null>(CHUNK_ROWS) : new Float64Array(CHUNK_ROWS),
  );
  let n = 0;
  const put = () => {
    writer.add(ids, cols, n);
    n = 0;
  };
  for (const row of rows) {
    ids[n] = row[0] as number;
    for (let c = 0; c < specs.length; c++) {
      const v = row[c + 1];
      const out = cols[c];
      if (out instanceof Float64Array) out[n] = v === null ? NaN : Number(v);
      else out[n] = v === null ? null : String(v);
    }
    if (++n === CHUNK_ROWS) put();
  }
  put();
  writer.finish();
}

// ---- reading --------------------------------------------------------------------------------

const lengthOf = (c: ChunkValues) => ('codes' in c ? c.codes.length : c.length);

function readOne(
  db: DB,
  datasetId: number,
  source: ChunkSource,
  spec: ChunkColumnSpec,
  chunk: number,
): ChunkValues | null {
  const row = db
    .prepare(
      'SELECT rows, data FROM column_chunks WHERE dataset_id = ? AND source = ? AND name = ? AND chunk = ?',
    )
    .get(datasetId, source, spec.name, chunk) as { rows: number; data: Uint8Array } | undefined;
  return row ? decodeChunk(spec.kind, row.data, row.rows) : null;
}

/**
 * Do the chunks of these columns cover the source's rows exactly (as many rows, in the same
 * chunks, up to the same last id)? Cheap: it reads counts, not blobs.
 */
export function chunksCurrent(db: DB, datasetId: number, source: ChunkSource, names: string[]): boolean {
  const { table, id } = SOURCE_TABLE[source](datasetId);
  const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table);
  if (!exists) return false;
  const now = db.prepare(`SELECT count(*) AS n, max(${id}) AS max FROM ${table}`).get() as {
    n: number;
    max: number | null;
  };
  const have = db
    .prepare(
      `SELECT name, count(*) AS chunks, sum(rows) AS rows, max(chunk) AS last FROM column_chunks
       WHERE dataset_id = ? AND source = ? GROUP BY name`,
    )
    .all(datasetId, source) as { name: string; chunks: number; rows: number; last: number }[];
  const by = new Map(have.map((h) => [h.name, h]));
  const ids = by.get('_id');
  if (!ids) return now.n === 0 && names.length === 0;
  if (ids.rows !== now.n || ids.last !== Math.floor((now.max ?? 0) / CHUNK_ROWS)) return false;
  return names.every((name) => {
    const h = by.get(name);
    return h !== undefined && h.rows === ids.rows && h.chunks === ids.chunks && h.last === ids.last;
  });
}

/** Text column values as strings (NULL as null). */
export function textValues(t: TextColumn): (string | null)[] {
  const out = new Array<string | null>(t.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = t.codes[i] < 0 ? null : t.dict[t.codes[i]];
  return out;
}

/** Chunks of one column concatenated, in chunk order (text re-coded against one dictionary). */
function concat(kind: ChunkKind, parts: ChunkValues[], total: number): ChunkValues {
  if (kind === 'text') {
    const at = new Map<string, number>();
    const dict: string[] = [];
    const codes = new Int32Array(total);
    let o = 0;
    for (const part of parts as TextColumn[]) {
      const map = part.dict.map((v) => {
        let c = at.get(v);
        if (c === undefined) {
          c = dict.length;
          dict.push(v);
          at.set(v, c);
        }
        return c;
      });
      for (let i = 0; i < part.codes.length; i++) codes[o++] = part.codes[i] < 0 ? -1 : map[part.codes[i]];
    }
    return { dict, codes };
  }
  const out = kind === 'f64' ? new Float64Array(total) : new Float32Array(total);
  let o = 0;
  for (const part of parts as (Float64Array | Float32Array)[]) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

/** Keeps the rows `keep` (ascending indices) of a column. */
function pick(values: ChunkValues, keep: number[]): ChunkValues {
  if ('codes' in values) return { dict: values.dict, codes: Int32Array.from(keep, (i) => values.codes[i]) };
  const out = new (values.constructor as Float64ArrayConstructor)(keep.length);
  keep.forEach((i, k) => (out[k] = values[i]));
  return out;
}

/**
 * The given columns of a source for `rows`, in id order, from its chunks; null when the chunks
 * do not cover the rows or one does not decode (the caller reads the rows instead).
 */
export function readChunks(
  db: DB,
  datasetId: number,
  source: ChunkSource,
  specs: ChunkColumnSpec[],
  rows: RowSet = { all: true },
): { ids: Float64Array; columns: ChunkValues[] } | null {
  // A few rows (an event explained, an entity's history) are read faster from their rows by id
  // than by decoding the whole chunks they fall in.
  if ('eventId' in rows || ('ids' in rows && rows.ids.length <= FEW_ROWS)) return null;
  if (
    !chunksOurs(db, datasetId, source) ||
    !chunksCurrent(
      db,
      datasetId,
      source,
      specs.map((s) => s.name),
    )
  )
    return null;
  // only the chunks that hold the rows asked for
  const wanted = 'ids' in rows ? [...new Set(rows.ids.map((id) => Math.floor(id / CHUNK_ROWS)))] : null;
  const select = db.prepare(
    `SELECT chunk, rows, data FROM column_chunks WHERE dataset_id = ? AND source = ? AND name = ?${wanted === null ? '' : ' AND chunk IN (SELECT value FROM json_each(?))'} ORDER BY chunk`,
  );
  try {
    const readAll = (spec: ChunkColumnSpec) => {
      const parts = (
        select.all(datasetId, source, spec.name, ...(wanted === null ? [] : [JSON.stringify(wanted)])) as {
          chunk: number;
          rows: number;
          data: Uint8Array;
        }[]
      ).map((r) => ({ chunk: r.chunk, values: decodeChunk(spec.kind, r.data, r.rows) }));
      return parts;
    };
    const idParts = readAll({ name: '_id', kind: 'f64' });
    const total = idParts.reduce((s, p) => s + lengthOf(p.values), 0);
    let ids = concat(
      'f64',
      idParts.map((p) => p.values),
      total,
    ) as Float64Array;
    for (let i = 1; i < ids.length; i++) if (!(ids[i] > ids[i - 1])) throw new BadChunk('ids not ascending');
    let columns = specs.map((spec) => {
      const parts = readAll(spec);
      if (
        parts.length !== idParts.length ||
        parts.some(
          (p, k) => p.chunk !== idParts[k].chunk || lengthOf(p.values) !== lengthOf(idParts[k].values),
        )
      )
        throw new BadChunk(`column ${spec.name} does not match the ids`);
      return concat(
        spec.kind,
        parts.map((p) => p.values),
        total,
      );
    });
    if (!('all' in rows)) {
      const keep: number[] = [];
      if ('ids' in rows) {
        const want = new Set(rows.ids);
        for (let i = 0; i < ids.length; i++) if (want.has(ids[i])) keep.push(i);
      } else for (let i = 0; i < ids.length; i++) if (ids[i] % rows.step === 0) keep.push(i);
      ids = pick(ids, keep) as Float64Array;
      columns = columns.map((c) => pick(c, keep));
    }
    return { ids, columns };
  } catch (e) {
    if (e instanceof BadChunk) return null;
    throw e;
  }
}
