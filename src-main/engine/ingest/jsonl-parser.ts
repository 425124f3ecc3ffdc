// JSON Lines: one object per line; blank lines are skipped.
import { fail } from '../../../src-shared/result';
import { MAX_RECORD_CHARS } from './csv-parser';

export type ObjectSink = (obj: Record<string, unknown>, line: number) => void;

export class JsonlParser {
  private buf = '';
  private line = 1;

  constructor(
    private readonly file: string,
    private readonly sink: ObjectSink,
  ) {}

  get currentLine(): number {
    return this.line;
  }

  /** Decoded text (the decoder in text-source.ts has already dropped any BOM). */
  push(text: string): void {
    this.buf = this.buf.length ? this.buf + text : text;
    let p = 0;
    for (;;) {
      const e = this.buf.indexOf('\n', p);
      if (e < 0) break;
      this.one(this.buf.slice(p, e));
      p = e + 1;
    }
    this.buf = this.buf.slice(p);
    if (this.buf.length > MAX_RECORD_CHARS) {
      fail('MALFORMED_INPUT', `a line longer than ${MAX_RECORD_CHARS / 1048576} MiB`, {
        file: this.file,
        line: this.line,
      });
    }
  }

  end(): void {
    if (this.buf.length) this.one(this.buf);
    this.buf = '';
  }

  private one(text: string): void {
    const line = this.line++;
    if (text.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      fail('MALFORMED_INPUT', `not valid JSON (${(e as Error).message})`, { file: this.file, line });
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      fail('MALFORMED_INPUT', 'each line must be a JSON object', { file: this.file, line });
    }
    this.sink(v as Record<string, unknown>, line);
  }
}
