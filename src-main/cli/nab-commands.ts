// `sentinel nab score`: the Numenta Anomaly Benchmark's scores of detectors' published outputs,
// computed by the project's own port of NAB's scorer (engine/nab). Files only, no case.
import path from 'node:path';
import { AppFailure } from '../../src-shared/result';
import { findWindowsFile, readResults, readThresholds, readWindows } from '../engine/nab/corpus';
import { NAB_PROFILES, scoreDetector, type ProfileResult } from '../engine/nab/scorer';
import { checkFlags, str, UsageError } from './args';
import { CliFailure, print, type CommandGroup } from './shared';

const NAB_USAGE = `  nab score --results DIR [--labels combined_windows.json] [--thresholds thresholds.json] [--json]
                                                     NAB scores (standard, reward_low_FP_rate,
                                                     reward_low_FN_rate) of the detectors' outputs in DIR,
                                                     at NAB's optimised thresholds or those given`;

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

export const nabCommands: CommandGroup = {
  usage: NAB_USAGE,
  commands: {
    async nab(args, json) {
      const [sub] = args.positional;
      if (sub !== 'score') throw new UsageError(`nab: unknown subcommand "${sub ?? ''}" (score)`);
      checkFlags(args, ['results', 'labels', 'thresholds', 'json']);
      const thresholdsFile = str(args, 'thresholds');
      const dir = path.resolve(str(args, 'results', true));
      const labels = str(args, 'labels') ?? findWindowsFile(dir);
      if (!labels)
        throw new CliFailure({
          code: 'BAD_REQUEST',
          message: `no labels/combined_windows.json beside or above ${dir}: give the label windows with --labels`,
        });
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
      const fmt = (x: number) => x.toFixed(2).padStart(7);
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
