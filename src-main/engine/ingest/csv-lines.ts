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
