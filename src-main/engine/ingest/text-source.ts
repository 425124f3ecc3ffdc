// Reads a file as UTF-8 text chunks, refusing undecodable bytes with the line they are on.
import { createReadStream, statSync } from 'node:fs';
import { fail } from '../../../src-shared/result';

export const CHUNK_BYTES = 1 << 20;

/**
 * Where the first undecodable bytes are: their 1-based physical line, the text of their record
 * before them (a quoted field may span lines) and the first line of the file (its header).
 * Only run after decoding failed, so it may read the file again, character by character.
 */
export async function locateInvalidUtf8(
  path: string,
): Promise<{ line: number; before: string; firstLine: string } | null> {
  const decoder = new TextDecoder('utf-8'); // not fatal: bad bytes become U+FFFD
  let line = 1;
  let record = ''; // text since the last newline outside quotes
  let firstLine: string | null = null;
  let inQuote = false;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0xfffd) return { line, before: record + text.slice(from, i), firstLine: firstLine ?? '' };
      if (c === 34) inQuote = !inQuote;
      else if (c === 10) {
        if (firstLine === null) firstLine = record + text.slice(from, i);
        line++;
        if (!inQuote) {
          record = '';
          from = i + 1;
        }
      }
    }
    record += text.slice(from);
    if (record.length > 1 << 20) record = record.slice(-(1 << 20));
  }
  return null;
}

/** A data file is a regular file with something in it: not a folder, a device, a pipe, nor empty. */
export function checkRegularFile(path: string, file: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    return fail('IO', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  if (st.isDirectory()) fail('IO', 'this is a folder, not a data file', { file });
  if (!st.isFile()) fail('IO', 'this is not a regular file (a device, a pipe or a socket)', { file });
  // /proc files report no size whatever they hold: they are refused with the empty ones
  if (st.size === 0)
    fail('MALFORMED_INPUT', 'the file is empty (or a system file that has no size)', { file });
}

/** The 1-based line of the first NUL byte (read again only after one was seen). */
async function locateNul(path: string): Promise<number> {
  let line = 1;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    const nul = chunk.indexOf(0);
    const upTo = nul >= 0 ? nul : chunk.length;
    for (let i = chunk.indexOf(10); i >= 0 && i < upTo; i = chunk.indexOf(10, i + 1)) line++;
    if (nul >= 0) return line;
  }
  return line;
}

/**
 * Yields the file's text. `columnAt` names the column that a record's text so far ends in
 * (given the file's first line), for the error about undecodable bytes.
 */
export async function* readTextChunks(
  path: string,
  file: string,
  columnAt: (before: string, firstLine: string) => string | undefined = () => undefined,
): AsyncGenerator<{ text: string; bytes: number }> {
  checkRegularFile(path, file);
  // fatal: undecodable bytes throw; ignoreBOM false (the default): a leading BOM is dropped.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const invalid = async (message: string): Promise<never> => {
    const at = await locateInvalidUtf8(path);
    return fail(
      'MALFORMED_INPUT',
      message,
      at ? { file, line: at.line, column: columnAt(at.before, at.firstLine) } : { file },
    );
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        return await invalid('bytes that are not valid UTF-8');
      }
      if (text.includes('\0')) {
        const at = await locateNul(path);
        return fail('MALFORMED_INPUT', 'a NUL byte: this is binary data, not text', { file, line: at });
      }
      yield { text, bytes: chunk.length };
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      return await invalid('the file ends inside a UTF-8 character');
    }
    if (tail) yield { text: tail, bytes: 0 };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code) fail('IO', `cannot read the file (${code})`, { file });
    throw e;
  } finally {
    stream.destroy();
  }
}
