// What every command group uses: a host on the case named by --case, typed calls and jobs
// through the contract, output as text or JSON, and errors as one line.
import path from 'node:path';
import { runJob, type JobMethod, type JobResultOf, type Params } from '../../src-shared/contract';
import type { CaseInfo, DatasetInfo } from '../../src-shared/domain';
import type { AppError, Result } from '../../src-shared/result';
import { EngineHost, type HostOptions } from '../engine/host';
import { str, type Args } from './args';

export class CliFailure extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

export const unwrap = <T>(r: Result<T>): T => {
  if (!r.ok) throw new CliFailure(r.error);
  return r.value;
};

export const print = (json: boolean, value: unknown, text: string) =>
  process.stdout.write((json ? JSON.stringify(value) : text) + '\n');

/** A command: its parsed arguments, --json, and the raw argument list (for repeated flags). */
export type Command = (args: Args, json: boolean, argv: string[]) => Promise<number>;

/** A group of commands and the lines of the usage text that describe them. */
export interface CommandGroup {
  usage: string;
  commands: Record<string, Command>;
}

/** A host for one command, with progress on a terminal (not with --json). */
export function cliHost(json: boolean, options: Partial<HostOptions> = {}): EngineHost {
  const host = new EngineHost({ shell: 'cli', ...options });
  if (json || !process.stderr.isTTY) return host;
  host.on('job.progress', (p) => {
    const pct = p.totalBytes ? ` ${((p.bytes / p.totalBytes) * 100).toFixed(0)}%` : '';
    process.stderr.write(
      `\r${p.label}: ${p.phase}${pct} ${p.rows.toLocaleString('en-US')} rows (${Math.round(p.rowsPerSecond).toLocaleString('en-US')}/s)   `,
    );
  });
  host.on('job.finished', () => process.stderr.write('\n'));
  return host;
}

/** Starts a job through the contract and waits for its result (a failure throws). */
export async function job<M extends JobMethod>(
  host: EngineHost,
  method: M,
  params: Params<M>,
): Promise<JobResultOf<M>> {
  return unwrap(await runJob((m, p) => host.call(m, p), method, params));
}

/**
 * Runs `work` with a host on the case named by --case; closes it after. `readOnly`: for commands
 * that only look (info, feed, explain), which must never change the file.
 */
export async function onCase(
  args: Args,
  json: boolean,
  work: (host: EngineHost, info: CaseInfo) => Promise<void>,
  options: Partial<HostOptions> & { readOnly?: boolean } = {},
): Promise<void> {
  const { readOnly, ...hostOptions } = options;
  const host = cliHost(json, hostOptions);
  try {
    const info = unwrap(
      await host.call('case.open', {
        path: path.resolve(str(args, 'case', true)),
        ...(readOnly ? { readOnly } : {}),
      }),
    );
    for (const notice of info.notices ?? []) process.stderr.write(`sentinel: ${notice}\n`);
    await work(host, info);
  } finally {
    await host.close();
  }
}

/** onCase's options for a command that only looks at the case. */
export const READ_ONLY = { readOnly: true } as const;

/** A dataset by name, or by id. */
export function findDataset(info: CaseInfo, wanted: string): DatasetInfo {
  const ds =
    info.datasets.find((d) => d.name === wanted) ?? info.datasets.find((d) => String(d.id) === wanted);
  if (ds) return ds;
  throw new CliFailure({
    code: 'BAD_REQUEST',
    message: `no dataset "${wanted}" (datasets: ${info.datasets.map((d) => d.name).join(', ') || 'none'})`,
  });
}

/** Drops undefined fields (flags not given), so the contract's defaults apply. */
export const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
