// A data file's format: by its extension, else by its first bytes (a server log by its first line).
import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { DataFormat } from '../../../src-shared/domain';
import { isSyslogLine } from './log-parser';

export function detectFormat(file: string): DataFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.log') return 'syslog';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (n >= 4 && buf.toString('latin1', 0, 4) === 'PAR1') return 'parquet';
    const head = buf
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    if (head.trimStart().startsWith('{')) return 'jsonl';
    const first = head.split('\n')[0];
    if (isSyslogLine(first)) return 'syslog';
    return (first.match(/\t/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0) ? 'tsv' : 'csv';
  } finally {
    closeSync(fd);
  }
}
