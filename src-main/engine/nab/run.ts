// Runs the project's streaming metric detector over NAB's data files (data/<category>/<file>.csv,
// `timestamp,value`), as NAB runs a detector: each series from its first value on, one score a
// timestamp, nothing seen ahead. The outputs are scored by the port of NAB's scorer.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppFailure } from '../../../src-shared/result';
import { scoreSeries, type MetricDetectorOptions } from '../metrics/streaming-detector';
import { readNabCsv } from './corpus';
import type { ScoredSeries } from './scorer';

/** The series of a NAB data folder by path relative to it (category/file.csv). */
export function listNabData(dir: string): string[] {
  const out: string[] = [];
  const isDir = (p: string) => statSync(p).isDirectory();
  if (!isDir(dir)) throw new AppFailure({ code: 'MALFORMED_INPUT', message: 'not a folder', file: dir });
  for (const category of readdirSync(dir).sort()) {
    const sub = path.join(dir, category);
    if (!isDir(sub)) continue;
    for (const name of readdirSync(sub).sort()) if (name.endsWith('.csv')) out.push(`${category}/${name}`);
  }
  return out;
}

/** The detector's scores on each series of the folder. */
export function runDetector(
  dir: string,
  files: string[],
  options: MetricDetectorOptions = {},
): Map<string, ScoredSeries> {
  const out = new Map<string, ScoredSeries>();
  for (const rel of files) {
    const { timestamps, values } = readNabCsv(path.join(dir, rel), ['value']);
    out.set(rel, { timestamps, scores: scoreSeries(timestamps, values[0], options) });
  }
  return out;
}

/**
 * Writes the detector's outputs as NAB's results are laid out
 * (`<out>/<detector>/<category>/<detector>_<file>.csv`: timestamp,value,anomaly_score), so that
 * NAB's own scorer (or `sentinel nab score`) reads them.
 */
export function writeNabResults(
  dataDir: string,
  outputs: Map<string, ScoredSeries>,
  outDir: string,
  detector = 'sentinel',
): void {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = (t: number) => {
    const d = new Date(t);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  };
  for (const [rel, series] of outputs) {
    const [category, name] = rel.split('/');
    const { values } = readNabCsv(path.join(dataDir, rel), ['value']);
    const dir = path.join(outDir, detector, category);
    mkdirSync(dir, { recursive: true });
    const lines = ['timestamp,value,anomaly_score'];
    for (let i = 0; i < series.timestamps.length; i++)
      lines.push(`${stamp(series.timestamps[i])},${values[0][i]},${series.scores[i]}`);
    writeFileSync(path.join(dir, `${detector}_${name}`), lines.join('\n') + '\n');
  }
}
