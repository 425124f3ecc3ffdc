// Reads a file as UTF-8 text chunks, refusing undecodable bytes with the line they are on.
import { createReadStream } from 'node:fs';
import { fail } from '../../../src-shared/result';

export const CHUNK_BYTES = 1 << 20;

export async function* readTextChunks(
  path: string,
  file: string,
  linesSoFar: () => number,
): AsyncGenerator<{ text: string; bytes: number }> {
  // fatal: undecodable bytes throw; ignoreBOM false (the default): a leading BOM is dropped.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        const loose = new TextDecoder('utf-8').decode(chunk);
        const at = loose.indexOf('\uFFFD');
        let line = linesSoFar();
        for (let i = 0; i < at; i++) if (loose.charCodeAt(i) === 10) line++;
        return fail('MALFORMED_INPUT', 'bytes that are not valid UTF-8', { file, line });
      }
      yield { text, bytes: chunk.length };
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      return fail('MALFORMED_INPUT', 'the file ends inside a UTF-8 character', { file, line: linesSoFar() });
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
