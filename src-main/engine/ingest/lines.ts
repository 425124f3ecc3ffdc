// Text that comes in chunks, handed on a line at a time (with its 1-based number): the reader
// of line-oriented formats (JSON Lines, server logs). A line longer than the record limit is
// refused, naming it, before it can fill the memory.
import { fail } from '../../../src-shared/result';
import { MAX_RECORD_CHARS } from './csv-parser';

export class LineReader {
  private buf = '';
  private line = 1;

  constructor(
    private readonly file: string,
    private readonly onLine: (text: string, line: number) => void,
  ) {}

  /** Decoded text (the decoder in text-source.ts has already dropped any BOM). */
  push(text: string): void {
    this.buf = this.buf.length ? this.buf + text : text;
    let p = 0;
    for (;;) {
      const e = this.buf.indexOf('\n', p);
      if (e < 0) break;
      this.onLine(this.buf.slice(p, e), this.line++);
      p = e + 1;
    }
    this.buf = this.buf.slice(p);
    if (this.buf.length > MAX_RECORD_CHARS)
      fail('MALFORMED_INPUT', `a line longer than ${MAX_RECORD_CHARS / 1048576} MiB`, {
        file: this.file,
        line: this.line,
      });
  }

  end(): void {
    if (this.buf.length) this.onLine(this.buf, this.line++);
    this.buf = '';
  }
}
