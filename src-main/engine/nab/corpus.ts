// NAB's files as published: a results folder (one folder per detector, one per category inside,
// `<detector>_<file>.csv` with `timestamp,…,anomaly_score,…`), label windows
// (`labels/combined_windows.json`: {"realKnownCause/nyc_taxi.csv": [["2014-11-01 19:00:00.000000",
// "2014-11-02 ..."], …]}) and data files (`data/<category>/<file>.csv`: `timestamp,value`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppFailure } from '../../../src-shared/result';
import type { ScoredSeries } from './scorer';

const bad = (file: string, message: string, line?: number): never => {
  throw new AppFailure({ code: 'MALFORMED_INPUT', message, file, ...(line === undefined ? {} : { line }) });
};

/** NAB's timestamps ("2014-04-10 07:15:00", with or without fractions) as UTC epoch ms. */
export function nabTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return NaN;
  // milliseconds at most (the fractions NAB writes are zeros)
  return Date.parse(`${m[1]}T${m[2].slice(0, 12)}Z`);
}

/** A NAB CSV: its timestamps and the named numeric columns. */
export function readNabCsv(
  file: string,
  columns: string[],
): { timestamps: number[]; values: Float64Array[] } {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const at = ['timestamp', ...columns].map((c) => {
    const i = header.indexOf(c);
    if (i < 0) bad(file, `no column "${c}" (columns: ${header.join(', ')})`, 1);
    return i;
  });
  let n = lines.length - 1;
  while (n > 0 && lines[n].trim() === '') n--;
  const timestamps: number[] = new Array(n);
  const values = columns.map(() => new Float64Array(n));
  for (let k = 1; k <= n; k++) {
    const cells = lines[k].split(',');
    const t = nabTime(cells[at[0]] ?? '');
    if (Number.isNaN(t)) bad(file, `not a timestamp: ${JSON.stringify(cells[at[0]] ?? '')}`, k + 1);
    timestamps[k - 1] = t;
    for (let c = 0; c < columns.length; c++) {
      const v = Number(cells[at[c + 1]]);
      if (cells[at[c + 1]] === undefined || cells[at[c + 1]].trim() === '' || !Number.isFinite(v))
        bad(file, `column "${columns[c]}": not a number: ${JSON.stringify(cells[at[c + 1]] ?? '')}`, k + 1);
      values[c][k - 1] = v;
    }
  }
  return { timestamps, values };
}

/** The label windows by file (path relative to the corpus, with forward slashes). */
export function readWindows(file: string): Map<string, [number, number][]> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return bad(file, `not JSON: ${(e as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return bad(file, 'not an object of files and their windows');
  const out = new Map<string, [number, number][]>();
  for (const [name, windows] of Object.entries(data)) {
    if (!Array.isArray(windows)) bad(file, `"${name}": not a list of windows`);
    let end = -Infinity;
    out.set(
      name,
      (windows as unknown[]).map((w, k) => {
        const pair = Array.isArray(w) && w.length === 2 ? w.map((t) => nabTime(String(t))) : [NaN];
        if (pair.length !== 2 || pair.some(Number.isNaN) || pair[0] > pair[1])
          bad(file, `"${name}" window ${k + 1}: not [start, end] timestamps`);
        if (pair[0] <= end) bad(file, `"${name}" window ${k + 1}: starts before the window before it ends`);
        end = pair[1];
        return pair as [number, number];
      }),
    );
  }
  return out;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** A detector's folder: category folders holding `<detector>_<file>.csv`. */
function detectorFiles(dir: string, detector: string): Map<string, ScoredSeries> {
  const files = new Map<string, ScoredSeries>();
  for (const category of readdirSync(dir).sort()) {
    const sub = path.join(dir, category);
    if (!isDir(sub)) continue;
    for (const name of readdirSync(sub).sort()) {
      if (!name.startsWith(`${detector}_`) || !name.endsWith('.csv')) continue;
      const { timestamps, values } = readNabCsv(path.join(sub, name), ['anomaly_score']);
      files.set(`${category}/${name.slice(detector.length + 1)}`, { timestamps, scores: values[0] });
    }
  }
  return files;
}

/**
 * The detectors' outputs in a results folder: NAB's `results/` (a folder per detector) or one
 * detector's folder. Detectors with no output files are left out.
 */
export function readResults(dir: string): Map<string, Map<string, ScoredSeries>> {
  if (!isDir(dir)) bad(dir, 'not a folder');
  const out = new Map<string, Map<string, ScoredSeries>>();
  const own = detectorFiles(dir, path.basename(path.resolve(dir)));
  if (own.size) return out.set(path.basename(path.resolve(dir)), own);
  for (const detector of readdirSync(dir).sort()) {
    const sub = path.join(dir, detector);
    if (!isDir(sub)) continue;
    const files = detectorFiles(sub, detector);
    if (files.size) out.set(detector, files);
  }
  if (!out.size) bad(dir, 'no detector outputs here (expected <detector>/<category>/<detector>_<file>.csv)');
  return out;
}

/** `labels/combined_windows.json` in the folder or a folder above it (NAB's layout), or null. */
export function findWindowsFile(from: string): string | null {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, 'labels', 'combined_windows.json');
    if (existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** NAB's config/thresholds.json: {detector: {profile: {threshold, score}}} → thresholds. */
export function readThresholds(file: string): Map<string, Record<string, number>> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return bad(file, `not JSON: ${(e as Error).message}`);
  }
  const out = new Map<string, Record<string, number>>();
  if (typeof data !== 'object' || data === null) return bad(file, 'not an object of detectors');
  for (const [detector, profiles] of Object.entries(data as Record<string, unknown>)) {
    const t: Record<string, number> = {};
    for (const [profile, v] of Object.entries((profiles ?? {}) as Record<string, unknown>)) {
      const x = (v as { threshold?: unknown } | null)?.threshold;
      if (typeof x !== 'number' || !Number.isFinite(x))
        bad(file, `${detector}.${profile}: no numeric threshold`);
      t[profile] = x as number;
    }
    out.set(detector, t);
  }
  return out;
}
