// `sentinel simulate apilog`, `rules`, `alerts`, `verdict`, `review-rule`: the rule engine from
// the command line. Registered by index.ts, whose helpers (case opening, output, errors) it uses.
import path from 'node:path';
import type { CaseInfo, DatasetInfo, RulesResult, StoredAlert } from '../../src-shared/domain';
import type { Result } from '../../src-shared/result';
import type { EngineHost } from '../engine/host';
import { RULE_NAMES, type RuleName } from '../engine/rules/config';
import { SCENARIOS, writeApilog, type SimScenario } from '../engine/simulate/apilog';
import { checkFlags, numberFlag, str, UsageError, type Args } from './args';

export const RULES_USAGE = `  simulate apilog --keys N --events N --days N --seed N [--scenario NAME ...] --out FILE.jsonl [--json]
                                                     API-gateway calls with login events mixed in
                                                     (scenarios: ${SCENARIOS.join(', ')})
  rules   --case FILE --dataset NAME|ID [--config rules.yaml] [--json]   run the nine rules over a dataset
  alerts  --case FILE [--dataset NAME|ID] [--limit N] [--json]           the stored alerts
  verdict --case FILE --alert ID --confirmed|--fp [--json]               an analyst's verdict on an alert
  review-rule --case FILE --rule NAME [--json]       re-enable a rule disabled by false positives`;

export interface CliHelpers {
  unwrap<T>(r: Result<T>): T;
  print(json: boolean, value: unknown, text: string): void;
  onCase(args: Args, json: boolean, work: (host: EngineHost, info: CaseInfo) => Promise<void>): Promise<void>;
  findDataset(info: CaseInfo, wanted: string): DatasetInfo;
}

/** Runs a rule-engine command; null when `command` is not one of them. */
export async function runRulesCommand(
  command: string,
  args: Args,
  json: boolean,
  h: CliHelpers,
  argv: string[] = [],
): Promise<number | null> {
  switch (command) {
    case 'simulate':
      return simulateCommand(args, json, h, argv);
    case 'rules': {
      checkFlags(args, ['case', 'dataset', 'config', 'json']);
      const config = str(args, 'config');
      await h.onCase(args, json, async (host, info) => {
        const ds = h.findDataset(info, str(args, 'dataset', true));
        const r: RulesResult = h.unwrap(
          await h.unwrap(host.startRules(ds.id, config ? path.resolve(config) : undefined)).done,
        );
        const by = Object.entries(r.byRule)
          .map(([rule, n]) => `${rule} ${n}`)
          .join(', ');
        h.print(
          json,
          r,
          `${ds.name}: ${r.events.toLocaleString('en-US')} events, ${r.alerts} alerts${by ? ` (${by})` : ''}, ${r.incidents} incidents in ${r.seconds.toFixed(2)} s${r.resumed ? ' (resumed from the kept baselines)' : ''}`,
        );
      });
      return 0;
    }
    case 'alerts': {
      checkFlags(args, ['case', 'dataset', 'limit', 'json']);
      const limit = numberFlag(args, 'limit');
      await h.onCase(args, json, async (host, info) => {
        const wanted = str(args, 'dataset');
        const ds = wanted === undefined ? undefined : h.findDataset(info, wanted);
        // every stored alert unless --limit says otherwise (the host's default is a page for the UI)
        const alerts = h.unwrap(await host.listAlerts(ds?.id, limit ?? Number.MAX_SAFE_INTEGER));
        h.print(json, alerts, alerts.map(alertLine).join('\n') || 'no alerts');
      });
      return 0;
    }
    case 'verdict': {
      checkFlags(args, ['case', 'alert', 'confirmed', 'fp', 'json']);
      const id = Number(str(args, 'alert', true));
      if (!Number.isInteger(id) || id < 1) throw new UsageError('--alert must be an alert id');
      const confirmed = args.flags.get('confirmed') === true;
      const fp = args.flags.get('fp') === true;
      if (confirmed === fp) throw new UsageError('give one of --confirmed or --fp');
      await h.onCase(args, json, async (host) => {
        const r = h.unwrap(await host.verdict(id, confirmed ? 'confirmed' : 'false_positive'));
        h.print(
          json,
          r,
          `alert ${id} (${r.alert.rule}): ${confirmed ? 'confirmed' : 'false positive'}; ${r.rule.rule} confidence ${r.rule.confidence}` +
            (r.rule.disabled ? ', disabled pending manual review' : '') +
            (r.rule.confirmed >= 5 ? ', its alerts escalate to CRITICAL' : ''),
        );
      });
      return 0;
    }
    case 'review-rule': {
      checkFlags(args, ['case', 'rule', 'json']);
      const rule = str(args, 'rule', true);
      if (!(RULE_NAMES as readonly string[]).includes(rule))
        throw new UsageError(`--rule must be one of ${RULE_NAMES.join(', ')}`);
      await h.onCase(args, json, async (host) => {
        const r = h.unwrap(await host.reviewRule(rule as RuleName));
        h.print(json, r, `${r.rule}: enabled again (confidence ${r.confidence})`);
      });
      return 0;
    }
  }
  return null;
}

function alertLine(a: StoredAlert): string {
  return `${String(a.id).padStart(5)}  ${a.severity.padEnd(8)} ${a.rule.padEnd(13)} ${a.entityKind} ${a.entity}  ${new Date(a.start).toISOString()}  observed ${a.observed}${a.baseline === null ? '' : ` vs ${a.baseline}`}  ×${a.count}  confidence ${a.confidence}${a.incidentId ? `  incident ${a.incidentId}` : ''}${a.verdict ? `  [${a.verdict}]` : ''}`;
}

/** Every value given to --scenario: repeated, `--scenario a b`, or `a,b`. */
function scenarioNames(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--scenario=')) out.push(argv[i].slice('--scenario='.length));
    else if (argv[i] === '--scenario')
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.push(argv[++i]);
  }
  return out.flatMap((s) => s.split(/[,\s]+/)).filter(Boolean);
}

function simulateCommand(args: Args, json: boolean, h: CliHelpers, argv: string[]): number {
  const [kind] = args.positional;
  if (kind !== 'apilog') throw new UsageError('simulate needs a kind: simulate apilog');
  checkFlags(args, ['keys', 'events', 'days', 'seed', 'scenario', 'out', 'json']);
  const need = (name: string) => {
    const v = numberFlag(args, name);
    if (v === undefined) throw new UsageError(`missing --${name}`);
    return v;
  };
  const scenarios = scenarioNames(argv);
  for (const s of scenarios)
    if (!(SCENARIOS as readonly string[]).includes(s))
      throw new UsageError(`unknown scenario "${s}" (scenarios: ${SCENARIOS.join(', ')})`);
  const out = path.resolve(str(args, 'out', true));
  const started = performance.now();
  const summary = writeApilog(
    {
      keys: need('keys'),
      events: need('events'),
      days: need('days'),
      seed: need('seed'),
      scenarios: scenarios as SimScenario[],
    },
    out,
  );
  const seconds = (performance.now() - started) / 1000;
  h.print(
    json,
    { out, ...summary, seconds },
    `${out}: ${summary.events.toLocaleString('en-US')} events (${summary.api.toLocaleString('en-US')} API calls, ${summary.logins.toLocaleString('en-US')} logins) of ${summary.keys} keys in ${seconds.toFixed(2)} s` +
      summary.scenarios
        .map(
          (s) => `\n  ${s.scenario}: ${s.entity}, ${s.events} events from ${new Date(s.start).toISOString()}`,
        )
        .join(''),
  );
  return 0;
}
