// Files that are not tables: a raw syslog or another text log read as CSV becomes one column of
// log lines (or rows of varying widths, when a line holds a comma). Such a file is refused with
// what it looks like, before anything is written (a syslog file is read by log-parser.ts when
// it is imported as one).
import { fail } from '../../../src-shared/result';
import { preview } from './infer';

// Dec 10 06:55:46 LabSZ sshd[24200]: …  (the host and the program follow the time)
const SYSLOG_LINE =
  /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}\d{1,2} \d{2}:\d{2}:\d{2} \S+ \S+/;
// 2024-03-01T14:05:33Z host app: …, 2024-03-01 14:05:33,123 INFO …, [2024-03-01 14:05:33] …
const STAMPED_LINE = /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}\S*\]? +\S+ +\S+/;

/** What a line of text looks like when it is a log line, or null. */
export function logLineKind(line: string): 'a syslog text log' | 'a text log' | null {
  if (SYSLOG_LINE.test(line)) return 'a syslog text log';
  if (STAMPED_LINE.test(line)) return 'a text log';
  return null;
}

/**
 * Refuses a file whose first line (which would be the header of a table) is a log line, or
 * whose only column holds log lines; says what it looks like and quotes a line.
 */
export function checkTable(firstLine: string, oneColumnValues: string[] | null, file: string): void {
  let kind = logLineKind(firstLine);
  let example = firstLine;
  const header = kind !== null;
  if (!kind && oneColumnValues && oneColumnValues.length) {
    const kinds = oneColumnValues.map(logLineKind);
    const logs = kinds.filter((k) => k !== null).length;
    if (logs * 2 > oneColumnValues.length) {
      kind = kinds.find((k) => k !== null) ?? null;
      example = oneColumnValues[kinds.findIndex((k) => k !== null)];
    }
  }
  if (kind)
    fail(
      'MALFORMED_INPUT',
      `looks like ${kind}, not a table: ${preview(example)}. ${kind === 'a syslog text log' ? 'Import it as a server log (--format syslog, or a .log file)' : 'Import CSV, TSV or JSON Lines with a header row'}`,
      header ? { file, line: 1 } : { file },
    );
}
