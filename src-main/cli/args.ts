// A small argument parser: positionals, --flag, --key value, --key=value.
export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags.set(a.slice(2), argv[++i]);
      else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

export class UsageError extends Error {}

export function str(args: Args, name: string, required: true): string;
export function str(args: Args, name: string, required?: false): string | undefined;
export function str(args: Args, name: string, required = false): string | undefined {
  const v = args.flags.get(name);
  if (v === undefined) {
    if (required) throw new UsageError(`missing --${name}`);
    return undefined;
  }
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

export function checkFlags(args: Args, allowed: string[]): void {
  for (const k of args.flags.keys()) {
    if (!allowed.includes(k))
      throw new UsageError(`unknown option --${k} (options: ${allowed.map((a) => '--' + a).join(', ')})`);
  }
}

export function numberFlag(args: Args, name: string): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, not "${v}"`);
  return n;
}

/** Every value given to a flag that may repeat: `--role a=x --role b=y`, `--role=a=x`. */
export function repeated(argv: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith(`--${name}=`)) out.push(argv[i].slice(name.length + 3));
    else if (argv[i] === `--${name}` && i + 1 < argv.length && !argv[i + 1].startsWith('--'))
      out.push(argv[++i]);
  }
  return out;
}
