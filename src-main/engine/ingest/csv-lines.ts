// Line-at-a-time CSV for the source adapters that rewrite published files before the import
// (CERT folders, IEEE-CIS transactions, NAB folders): a file's lines streamed as UTF-8, a line's
// fields split with quotes honoured (a record is one line in these files), a cell written back.
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../../../src-shared/result';
import { LineReader } from './lines';

/** The first `max` fields of a CSV line (quotes honoured, a final CR dropped). */
export function splitCsvLine(text: string, max = Infinity): string[] {
  const out: string[] = [];
  const n = text.endsWith('\r') ? text.length - 1 : text.length;
  let i = 0;
  while (out.length < max) {
    let end: number;
    if (text.charCodeAt(i) === 34) {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0 || q >= n) {
          v += text.slice(j, n);
          j = n;
          break;
        }
        v += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          v += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      out.push(v);
      end = text.indexOf(',', j);
    } else {
      end = text.indexOf(',', i);
      out.push(text.slice(i, end < 0 || end >= n ? n : end));
    }
    if (end < 0 || end >= n) break;
    i = end + 1;
  }
  return out;
}

/** A text cell as CSV writes it (quoted when it holds a comma, a quote or a line end). */
export const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * Streams a UTF-8 file's non-empty lines to `onLine` (a BOM dropped; bytes that are not UTF-8
 * refused naming the file), checking `cancelled` and reporting progress a chunk at a time.
 */
export async function eachLine(
  file: string,
  onLine: (text: string, line: number) => void,
  cancelled: () => boolean,
  progress: (phase: string, rows: number) => void,
  counted: () => number,
): Promise<void> {
  const name = path.basename(file);
  const reader = new LineReader(name, (text, line) => {
    if (text.length && text !== '\r') onLine(text, line);
  });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      return fail('MALFORMED_INPUT', 'bytes that are not UTF-8 text', { file: name });
    }
    reader.push(first ? text.replace(/^\uFEFF/, '') : text);
    first = false;
    if (cancelled()) fail('CANCELLED', 'import cancelled');
    progress(`reading ${name}`, counted());
  }
  reader.end();
}

/** Lines written to a file in blocks (a line a call; `close` writes what is left). */
export class LineWriter {
  private readonly fd: number;
  private lines: string[] = [];

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= 4096) this.flush();
  }

  flush(): void {
    if (this.lines.length) writeSync(this.fd, this.lines.join('\n') + '\n');
    this.lines = [];
  }

  /** Writes what is left (unless the work failed) and closes the file. */
  close(write = true): void {
    try {
      if (write) this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/** How a file's rows gain columns: planned from its header (which may refuse it). */
export interface AppendPlan {
  /** The names of the columns added. */
  added: string[];
  /** The indexes of the fields `cells` reads (others are not split out of a plain line). */
  reads: number[];
  /** The added cells of a row (its fields at `reads`; others may be empty). */
  cells(fields: string[], line: number): string[];
}

/**
 * Writes a CSV file to `out` with columns appended to each row. A line without quotes is kept
 * as it is and only the fields the plan reads are split out of it; a line with quotes is written
 * again from its fields. Every row must have the header's number of fields.
 */
export async function appendColumns(
  file: string,
  out: string,
  plan: (names: string[], line: number) => AppendPlan,
  cancelled: () => boolean,
  progress: (phase: string, rows: number) => void,
): Promise<{ rows: number; columns: string[] }> {
  const name = path.basename(file);
  let names: string[] | null = null;
  let p: AppendPlan | null = null;
  let reads = new Int32Array(0);
  const some: string[] = [];
  let rows = 0;
  let columns: string[] = [];
  const writer = new LineWriter(out);
  let done = false;
  try {
    await eachLine(
      file,
      (text, line) => {
        if (!names) {
          names = splitCsvLine(text).map((h) => h.trim());
          p = plan(names, line);
          reads = Int32Array.from(new Set(p.reads.filter((i) => i >= 0))).sort();
          columns = [...names, ...p.added];
          writer.push(columns.map(csvCell).join(','));
          return;
        }
        const plain = text.indexOf('"') < 0;
        const f = plain ? some : splitCsvLine(text);
        const count = plain ? picked(text, reads, some) : f.length;
        if (count !== names.length)
          fail('MALFORMED_INPUT', `expected ${names.length} fields, found ${count}`, { file: name, line });
        rows++;
        const own = plain ? (text.endsWith('\r') ? text.slice(0, -1) : text) : f.map(csvCell).join(',');
        let added = '';
        for (const c of p!.cells(f, line)) added += ',' + csvCell(c);
        writer.push(own + added);
      },
      cancelled,
      progress,
      () => rows,
    );
    done = true;
  } finally {
    writer.close(done);
  }
  if (!names) fail('MALFORMED_INPUT', 'the file is empty', { file: name });
  return { rows, columns };
}

/**
 * The fields of a line without quotes at the ascending indexes `wanted`, into `out` (others are
 * left as they were); returns how many fields the line has, without a string for every field.
 */
function picked(text: string, wanted: Int32Array, out: string[]): number {
  const end = text.endsWith('\r') ? text.length - 1 : text.length;
  let field = 0;
  let from = 0;
  let w = 0;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) !== 44) continue;
    if (w < wanted.length && wanted[w] === field) {
      out[field] = text.slice(from, i);
      w++;
    }
    field++;
    from = i + 1;
  }
  if (w < wanted.length && wanted[w] === field) out[field] = text.slice(from, end);
  return field + 1;
}
