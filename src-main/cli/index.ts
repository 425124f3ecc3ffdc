// `sentinel`: the engine host, headless, for scripts, benchmarks and CI. One module per group
// of commands; each command reaches the engine through the contract (`host.call`).
import { formatError } from '../../src-shared/result';
import { parseArgs, UsageError } from './args';
import { caseCommands } from './case-commands';
import { feedCommands } from './feed-commands';
import { evaluateCommand } from './evaluate-command';
import { modelCommands } from './model-commands';
import { nabCommands } from './nab-commands';
import { reportCommand } from './report-command';
import { rulesCommands } from './rules-commands';
import { scenarioCommands } from './scenario-commands';
import { serveCommand } from './serve-command';
import { CliFailure, type Command, type CommandGroup } from './shared';

const GROUPS: CommandGroup[] = [
  caseCommands,
  scenarioCommands,
  modelCommands,
  evaluateCommand,
  feedCommands,
  reportCommand,
  serveCommand,
  rulesCommands,
  nabCommands,
];
const COMMANDS = new Map<string, Command>(GROUPS.flatMap((g) => Object.entries(g.commands)));
const USAGE = `usage: sentinel <command> [options]\n${GROUPS.map((g) => g.usage).join('\n')}`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    process.stdout.write(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  const handler = COMMANDS.get(command);
  if (!handler) throw new UsageError(`unknown command "${command}"`);
  const args = parseArgs(rest);
  return handler(args, args.flags.get('json') === true, rest);
}

/**
 * Exits once stdout and stderr have taken everything written: a pipe reader that is slower than
 * the command (a large `--json` answer) must not see it cut off by the exit.
 */
function exitAfterOutput(code: number): void {
  let open = 2;
  const done = () => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

run(process.argv.slice(2)).then(exitAfterOutput, (e: unknown) => {
  if (e instanceof CliFailure) process.stderr.write(`sentinel: ${formatError(e.error)}\n`);
  else if (e instanceof UsageError) process.stderr.write(`sentinel: ${e.message}\n${USAGE}\n`);
  else process.stderr.write(`sentinel: internal error: ${(e as Error).stack ?? String(e)}\n`);
  exitAfterOutput(e instanceof UsageError ? 2 : 1);
});
