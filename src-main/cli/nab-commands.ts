// `sentinel nab score`: the Numenta Anomaly Benchmark's scores of detectors' published outputs,
// computed by the project's own port of NAB's scorer (engine/nab). Files only, no case.
import path from 'node:path';
import { AppFailure } from '../../src-shared/result';
import { findWindowsFile, readResults, readThresholds, readWindows } from '../engine/nab/corpus';
import { listNabData, runDetector, writeNabResults } from '../engine/nab/run';
import { NAB_PROFILES, scoreDetector, type ProfileResult } from '../engine/nab/scorer';
import { checkFlags, str, UsageError, type Args } from './args';
import { CliFailure, print, type CommandGroup } from './shared';

const NAB_USAGE = `  nab score --results DIR [--labels combined_windows.json] [--thresholds thresholds.json] [--json]
                                                     NAB scores (standard, reward_low_FP_rate,
                                                     reward_low_FN_rate) of the detectors' outputs in DIR,
                                                     at NAB's optimised thresholds or those given
  nab run   --data DIR [--labels combined_windows.json] [--out RESULTS_DIR] [--json]
                                                     run the streaming metric detector over NAB's series
                                                     (DIR: data/<category>/<file>.csv) and score it`;

const PROFILES = Object.keys(NAB_PROFILES);

/** Engine errors (a malformed file) as the CLI's one-line errors. */
function run<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof AppFailure) throw new CliFailure(e.appError);
    if (e instanceof Error) throw new CliFailure({ code: 'MALFORMED_INPUT', message: e.message });
    throw e;
  }
}

/** --labels, or NAB's labels/combined_windows.json beside or above `dir`. */
function labelsFor(args: Args, dir: string): string {
  const labels = str(args, 'labels') ?? findWindowsFile(dir);
  if (!labels)
    throw new CliFailure({
      code: 'BAD_REQUEST',
      message: `no labels/combined_windows.json beside or above ${dir}: give the label windows with --labels`,
    });
  return labels;
}

const fmt = (x: number) => x.toFixed(2).padStart(7);

async function nabRun(args: Args, json: boolean): Promise<number> {
  checkFlags(args, ['data', 'labels', 'out', 'json']);
  const dir = path.resolve(str(args, 'data', true));
  const labels = labelsFor(args, dir);
  const out = str(args, 'out');
  const r = run(() => {
    const windows = readWindows(labels);
    const files = listNabData(dir);
    const t = performance.now();
    const outputs = runDetector(dir, files);
    const seconds = (performance.now() - t) / 1000;
    if (out) writeNabResults(dir, outputs, path.resolve(out));
    const points = [...outputs.values()].reduce((s, o) => s + o.timestamps.length, 0);
    return { series: files.length, points, seconds, scores: scoreDetector(outputs, windows) };
  });
  const value = {
    ...Object.fromEntries(PROFILES.map((p) => [p, r.scores[p].score])),
    series: r.series,
    points: r.points,
    seconds: r.seconds,
    details: r.scores,
  };
  print(
    json,
    value,
    `${r.series} series, ${r.points.toLocaleString('en-US')} values in ${r.seconds.toFixed(2)} s\n` +
      PROFILES.map(
        (p) => `${p.padEnd(20)}${fmt(r.scores[p].score)} (threshold ${r.scores[p].threshold.toFixed(4)})`,
      ).join('\n'),
  );
  return 0;
}

export const nabCommands: CommandGroup = {
  usage: NAB_USAGE,
  commands: {
    async nab(args, json) {
      const [sub] = args.positional;
      if (sub === 'run') return nabRun(args, json);
      if (sub !== 'score') throw new UsageError(`nab: unknown subcommand "${sub ?? ''}" (score, run)`);
      checkFlags(args, ['results', 'labels', 'thresholds', 'json']);
      const thresholdsFile = str(args, 'thresholds');
      const dir = path.resolve(str(args, 'results', true));
      const labels = labelsFor(args, dir);
      const out = run(() => {
        const windows = readWindows(labels);
        const detectors = readResults(dir);
        const fixed = thresholdsFile
          ? readThresholds(thresholdsFile)
          : new Map<string, Record<string, number>>();
        const scored: Record<string, Record<string, number> & { details: Record<string, ProfileResult> }> =
          {};
        for (const [name, files] of detectors) {
          const r = scoreDetector(files, windows, NAB_PROFILES, fixed.get(name));
          scored[name] = {
            ...Object.fromEntries(PROFILES.map((p) => [p, r[p].score])),
            details: r,
          } as Record<string, number> & { details: Record<string, ProfileResult> };
        }
        return scored;
      });
      const lines = [
        `detector            ${PROFILES.map((p) => p.padStart(19)).join('')}`,
        ...Object.entries(out).map(
          ([name, r]) =>
            `${name.padEnd(20)}${PROFILES.map((p) => `${fmt(r[p])} (t ${r.details[p].threshold.toFixed(4)})`.padStart(19)).join('')}`,
        ),
      ];
      print(json, out, lines.join('\n'));
      return 0;
    },
  },
};
