// Streaming CSV/TSV tokenizer (RFC 4180 quoting, embedded newlines, BOM; lines end in LF, CRLF
// or a bare CR, as old Mac files and files pasted together have them, even mixed in one file).
// Feed decoded text with push(); records come out through the callback with the physical
// line they start on (1-based). Unquoted records take a fast path through String.split.
import { fail } from '../../../src-shared/result';

/** A record longer than this is refused: usually an unterminated quote swallowing the file. */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;

export type RecordSink = (fields: string[], line: number) => void;

export type LineSink = (buf: string, start: number, end: number, line: number) => void;

export class CsvParser {
  /** When set, unquoted lines go here as a range of the buffer instead of split fields. */
  fastLine: LineSink | null = null;
  /** Names the i-th column in errors, once the header is known. */
  columnName: (index: number) => string | undefined = () => undefined;
  private buf = '';
  private line = 1; // physical line at the start of buf

  constructor(
    private readonly delimiter: string,
    private readonly file: string,
    private readonly sink: RecordSink,
  ) {}

  /** Decoded text (the decoder in text-source.ts has already dropped any BOM). */
  push(text: string): void {
    this.buf = this.buf.length ? this.buf + text : text;
    this.drain(false);
  }

  end(): void {
    if (this.buf.length) this.drain(true);
  }

  private drain(final: boolean): void {
    const buf = this.buf;
    const d = this.delimiter;
    const n = buf.length;
    let p = 0;
    let line = this.line;
    let nextQuote = buf.indexOf('"');
    if (nextQuote < 0) nextQuote = n;
    let nextCr = buf.indexOf('\r');
    if (nextCr < 0) nextCr = n;
    let nextLf = buf.indexOf('\n');
    if (nextLf < 0) nextLf = n;
    while (p < n) {
      if (nextLf < p) {
        nextLf = buf.indexOf('\n', p);
        if (nextLf < 0) nextLf = n;
      }
      if (nextCr < p) {
        nextCr = buf.indexOf('\r', p);
        if (nextCr < 0) nextCr = n;
      }
      // the line ends at the first LF, or at a CR (of a CRLF, or bare)
      let end = nextLf;
      let next = nextLf + 1;
      if (nextCr < nextLf) {
        if (nextCr + 1 >= n && !final) break; // a CR last: its LF may come with the next text
        end = nextCr;
        next = nextCr + 1 < n && buf.charCodeAt(nextCr + 1) === 10 ? nextCr + 2 : nextCr + 1;
      } else if (nextLf >= n && !final) break;
      if (nextQuote < p) {
        nextQuote = buf.indexOf('"', p);
        if (nextQuote < 0) nextQuote = n;
      }
      if (nextQuote >= end) {
        // Fast path: no quote in this line.
        if (end > p) {
          if (this.fastLine) this.fastLine(buf, p, end, line);
          else this.sink(buf.slice(p, end).split(d), line);
        }
        line++;
        p = next;
        continue;
      }
      const r = this.parseQuoted(buf, p, final, line);
      if (r === null) break; // incomplete: wait for more text
      this.sink(r.fields, line); // even `""` alone: a record with one empty value
      line += r.lines;
      p = r.next;
    }
    this.buf = p >= n ? '' : buf.slice(p);
    this.line = line;
    if (!final && this.buf.length > MAX_RECORD_CHARS) {
      fail(
        'MALFORMED_INPUT',
        `a record longer than ${MAX_RECORD_CHARS / 1048576} MiB starts here (unterminated quote?)`,
        {
          file: this.file,
          line,
        },
      );
    }
  }

  /** Character-by-character parse of one record that contains quotes. Null when the record is incomplete. */
  private parseQuoted(
    buf: string,
    start: number,
    final: boolean,
    startLine: number,
  ): { fields: string[]; next: number; lines: number } | null {
    const d = this.delimiter.charCodeAt(0);
    const fields: string[] = [];
    const n = buf.length;
    let p = start;
    let lines = 0;
    for (;;) {
      // start of a field
      if (p < n && buf.charCodeAt(p) === 34) {
        let value = '';
        let q = p + 1;
        for (;;) {
          const close = buf.indexOf('"', q);
          if (close < 0) {
            if (!final) return null;
            fail('MALFORMED_INPUT', 'unterminated quoted field', {
              file: this.file,
              line: startLine + lines,
              column: this.columnName(fields.length),
            });
          }
          value += buf.slice(q, close);
          if (close + 1 < n && buf.charCodeAt(close + 1) === 34) {
            value += '"';
            q = close + 2;
            continue;
          }
          if (close + 1 >= n && !final) return null; // cannot tell "" from " yet
          p = close + 1;
          break;
        }
        // line breaks inside the value: LF, CRLF (counted once) or a bare CR
        for (let i = 0; i < value.length; i++) {
          const c = value.charCodeAt(i);
          if (c === 10 || (c === 13 && value.charCodeAt(i + 1) !== 10)) lines++;
        }
        fields.push(value);
        const c = p < n ? buf.charCodeAt(p) : -1;
        if (c === d) {
          p++;
          continue;
        }
        if (c === 13 && p + 1 < n && buf.charCodeAt(p + 1) === 10) p++;
        else if (c === 13 && p + 1 >= n && !final) return null;
        if (c === -1 || c === 10 || c === 13) {
          return { fields, next: p + 1, lines: lines + 1 };
        }
        fail('MALFORMED_INPUT', `unexpected character ${JSON.stringify(buf[p])} after a closing quote`, {
          file: this.file,
          line: startLine + lines,
          column: this.columnName(fields.length - 1),
        });
      }
      // unquoted field: up to the delimiter or end of line
      let q = p;
      while (q < n) {
        const c = buf.charCodeAt(q);
        if (c === d || c === 10 || c === 13) break;
        // In CSV a quote may only open a field; TSV files rarely quote, so there it is text.
        if (c === 34 && d !== 9) {
          fail('MALFORMED_INPUT', 'a quote inside an unquoted field', {
            file: this.file,
            line: startLine + lines,
            column: this.columnName(fields.length),
          });
        }
        q++;
      }
      if (q >= n && !final) return null;
      if (q + 1 >= n && q < n && buf.charCodeAt(q) === 13 && !final) return null; // CR, LF to come?
      fields.push(buf.slice(p, q));
      if (q < n && buf.charCodeAt(q) === d) {
        p = q + 1;
        continue;
      }
      const crlf = q + 1 < n && buf.charCodeAt(q) === 13 && buf.charCodeAt(q + 1) === 10;
      return { fields, next: q + (crlf ? 2 : 1), lines: lines + 1 };
    }
  }
}
