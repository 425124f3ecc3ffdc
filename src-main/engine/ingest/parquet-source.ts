// Parquet files (read with hyparquet, MIT): their top-level columns become a table's columns,
// rows handed on in batches of a bounded size (a row group is read in slices), values as the
// rest of the import reads them: numbers, text (dates as ISO 8601, 64-bit integers as numbers
// when a double holds them exactly, else as their digits), nested values as JSON text.
import { open } from 'node:fs/promises';
import {
  cachedAsyncBuffer,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
} from 'hyparquet';
import { AppFailure } from '../../../src-shared/result';

/** Rows read at a time (a row group larger than this is read in slices). */
const SLICE_ROWS = 16_384;

const bad = (file: string, message: string): never => {
  throw new AppFailure({ code: 'MALFORMED_INPUT', message, file });
};

/** Reads of a local file by byte range, through one descriptor. */
async function fileBuffer(path: string): Promise<{ buffer: AsyncBuffer; close: () => Promise<void> }> {
  const fd = await open(path, 'r');
  const { size } = await fd.stat();
  return {
    buffer: {
      byteLength: size,
      async slice(start: number, end?: number) {
        const stop = Math.min(end ?? size, size);
        const out = new Uint8Array(Math.max(0, stop - start));
        let done = 0;
        while (done < out.length) {
          const { bytesRead } = await fd.read(out, done, out.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return out.buffer;
      },
    },
    close: () => fd.close(),
  };
}

/** A Parquet value as the import reads values (JSON-like). */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'object')
    return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return v;
}

export interface ParquetBatch {
  rows: unknown[][];
  /** Rows before this batch. */
  first: number;
  /** Bytes of the file read so far (approximately: the row groups done). */
  bytes: number;
}

/**
 * The file's column names and its rows in batches, up to `limit` rows; `onBatch` may be async
 * (the import waits for room). A file that is not Parquet, or is damaged, is an error naming it.
 */
export async function readParquet(
  path: string,
  file: string,
  onColumns: (names: string[], rows: number) => void,
  onBatch: (b: ParquetBatch) => Promise<void> | void,
  limit = Infinity,
): Promise<void> {
  const { buffer, close } = await fileBuffer(path);
  try {
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(buffer);
    } catch (e) {
      return bad(file, `not a readable Parquet file (${(e as Error).message})`);
    }
    const names = parquetSchema(metadata).children.map((c) => c.element.name);
    if (!names.length) bad(file, 'the Parquet file has no columns');
    // the row groups' rows are the rows (a footer that says otherwise is not trusted)
    const total = metadata.row_groups.reduce((s, g) => s + Number(g.num_rows), 0);
    if (total !== Number(metadata.num_rows))
      bad(
        file,
        `the footer says ${metadata.num_rows} rows but the row groups hold ${total}: the file is damaged`,
      );
    onColumns(names, total);
    const end = Math.min(total, limit);
    let groupEnd = 0;
    let bytes = 0;
    for (const group of metadata.row_groups) {
      const groupStart = groupEnd;
      groupEnd += Number(group.num_rows);
      // a group's column chunks are read once for all its slices (each slice reads its pages from them)
      const groupFile = cachedAsyncBuffer(buffer);
      for (let from = groupStart; from < Math.min(groupEnd, end); from += SLICE_ROWS) {
        const to = Math.min(from + SLICE_ROWS, groupEnd, end);
        let rows: unknown[][] = [];
        try {
          await parquetRead({
            file: groupFile,
            metadata,
            rowStart: from,
            rowEnd: to,
            rowFormat: 'array',
            onComplete: (r: unknown[][]) => {
              rows = r;
            },
          });
        } catch (e) {
          bad(file, `rows ${from + 1} to ${to}: not readable (${(e as Error).message})`);
        }
        await onBatch({ rows: rows.map((r) => r.map(plain)), first: from, bytes });
      }
      bytes += Number(group.total_byte_size);
      if (groupEnd >= end) break;
    }
  } finally {
    await close();
  }
}
