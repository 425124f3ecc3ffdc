// A folder of NAB series imported whole, as one dataset: `data/<category>/` (or NAB's `data/`
// with its category folders), every `timestamp,value` file a series. The rows are written as a
// CSV (`timestamp, series, value`, and `anomaly_window` = 1 inside one of NAB's label windows
// when `labels/combined_windows.json` is found above the folder) that the ordinary import reads
// with `series` as the entity: point-in-time features are per series, the windows are labels.
import { closeSync, openSync, readdirSync, readSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../../../src-shared/result';
import { csvCell } from '../ingest/csv-lines';
import { findWindowsFile, readNabCsv, readWindows } from './corpus';

const isDir = (p: string) => statSync(p).isDirectory();

/** Is the file a NAB series (its header `timestamp,value`)? Reads its first bytes only. */
function isSeries(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, 64, 0);
    return /^\uFEFF?timestamp,value\r?\n/i.test(head.subarray(0, n).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

/** The NAB series of a folder (category/file.csv → path), in the folder or its category folders. */
export function nabSeriesIn(dir: string): { rel: string; file: string }[] {
  const out: { rel: string; file: string }[] = [];
  const csvs = (d: string) =>
    readdirSync(d)
      .filter((n) => n.toLowerCase().endsWith('.csv') && !isDir(path.join(d, n)))
      .sort();
  for (const name of csvs(dir)) {
    const file = path.join(dir, name);
    if (!isSeries(file)) return []; // a folder of other CSVs is not NAB's
    out.push({ rel: `${path.basename(dir)}/${name}`, file });
  }
  if (out.length) return out;
  for (const category of readdirSync(dir).sort()) {
    const sub = path.join(dir, category);
    if (!isDir(sub)) continue;
    for (const name of csvs(sub)) {
      const file = path.join(sub, name);
      if (!isSeries(file)) return [];
      out.push({ rel: `${category}/${name}`, file });
    }
  }
  return out;
}

export interface NabFolderSummary {
  series: number;
  rows: number;
  /** The label windows file used, if any, and the rows inside a window. */
  windows: string | null;
  labelled: number;
  columns: string[];
}

/** Writes the folder's series as one CSV to `out`. */
export function writeNabFolder(
  dir: string,
  out: string,
  cancelled: () => boolean,
  progress: (phase: string, rows: number) => void,
): NabFolderSummary {
  const series = nabSeriesIn(dir);
  if (!series.length)
    fail('MALFORMED_INPUT', 'no NAB series (timestamp,value files) in this folder', { file: dir });
  const windowsFile = findWindowsFile(dir);
  const windows = windowsFile ? readWindows(windowsFile) : null;
  const columns = ['timestamp', 'series', 'value', ...(windows ? ['anomaly_window'] : [])];
  const fd = openSync(out, 'w');
  let rows = 0;
  let labelled = 0;
  try {
    writeSync(fd, columns.join(',') + '\n');
    for (const s of series) {
      if (cancelled()) fail('CANCELLED', 'import cancelled');
      const { timestamps, values } = readNabCsv(s.file, ['value']);
      const spans = windows?.get(s.rel) ?? [];
      const name = csvCell(s.rel.replace(/\.csv$/i, ''));
      const lines: string[] = [];
      for (let i = 0; i < timestamps.length; i++) {
        const t = timestamps[i];
        const inside = spans.some(([a, b]) => t >= a && t <= b) ? 1 : 0;
        labelled += inside;
        lines.push(`${new Date(t).toISOString()},${name},${values[0][i]}${windows ? `,${inside}` : ''}`);
      }
      writeSync(fd, lines.join('\n') + '\n');
      rows += timestamps.length;
      progress(`reading ${s.rel}`, rows);
    }
  } finally {
    closeSync(fd);
  }
  return { series: series.length, rows, windows: windowsFile, labelled, columns };
}
