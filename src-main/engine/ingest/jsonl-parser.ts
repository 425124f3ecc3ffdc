// JSON Lines: one object per line; blank lines are skipped.
import { fail } from '../../../src-shared/result';
import { LineReader } from './lines';

export type ObjectSink = (obj: Record<string, unknown>, line: number) => void;

export class JsonlParser {
  private readonly lines: LineReader;

  constructor(
    private readonly file: string,
    private readonly sink: ObjectSink,
  ) {
    this.lines = new LineReader(file, (text, line) => this.one(text, line));
  }

  /** Decoded text (the decoder in text-source.ts has already dropped any BOM). */
  push(text: string): void {
    this.lines.push(text);
  }

  end(): void {
    this.lines.end();
  }

  private one(text: string, line: number): void {
    if (text.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(BIG_DIGITS.test(text) ? quoteBigIntegers(text) : text);
    } catch (e) {
      fail('MALFORMED_INPUT', `not valid JSON (${(e as Error).message})`, { file: this.file, line });
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      fail('MALFORMED_INPUT', 'each line must be a JSON object', { file: this.file, line });
    }
    this.sink(v as Record<string, unknown>, line);
  }
}

const BIG_DIGITS = /\d{16}/;

/**
 * Integers too long for a double (ids, card numbers) would be silently rounded by JSON.parse:
 * outside strings, quote every integer literal of 16 digits or more, so it is kept as text.
 */
export function quoteBigIntegers(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      let j = c === 45 ? i + 1 : i;
      while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const digits = j - (c === 45 ? i + 1 : i);
      const next = text.charCodeAt(j);
      const integer = next !== 46 && next !== 101 && next !== 69; // not followed by . e E
      if (digits >= 16 && integer) {
        out += text.slice(from, i) + '"' + text.slice(i, j) + '"';
        from = j;
      }
      i = j - 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}
