// Parsing decimal numbers straight from a line of text, without making substrings.
// For up to 15 significant digits and no exponent, mantissa / 10^scale is exact on both
// sides and the division is correctly rounded, so the result equals Number(text).

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Where a parse ended (index of the delimiter or the line end). */
export interface Cursor {
  end: number;
}

/**
 * Parses the number starting at `pos` and ending at the next `delim` (char code) or `end`.
 * Returns NaN when the field is empty, and undefined when the fast path cannot decide
 * (exponent, spaces, too many digits, not a number): the caller then uses Number().
 */
export function parseNumberAt(
  buf: string,
  pos: number,
  end: number,
  delim: number,
  cursor: Cursor,
): number | undefined {
  let i = pos;
  if (i >= end || buf.charCodeAt(i) === delim) {
    cursor.end = i;
    return NaN;
  }
  let neg = false;
  let c = buf.charCodeAt(i);
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) i++;
  let m = 0;
  let digits = 0;
  let scale = 0;
  while (i < end) {
    c = buf.charCodeAt(i);
    const d = c - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    digits++;
    i++;
  }
  if (i < end && c === 46) {
    i++;
    while (i < end) {
      c = buf.charCodeAt(i);
      const d = c - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      digits++;
      scale++;
      i++;
    }
  }
  if (digits === 0 || digits > 15 || (i < end && buf.charCodeAt(i) !== delim)) return undefined;
  cursor.end = i;
  const v = scale ? m / POW10[scale] : m;
  return neg ? -v : v;
}
