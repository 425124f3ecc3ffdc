// `sentinel simulate apilog`, `rules`, `alerts`, `verdict`, `review-rule`: the rule engine from
// the command line.
import path from 'node:path';
import type { StoredAlert } from '../../src-shared/domain';
import { RULE_NAMES } from '../engine/rules/config';
import { SCENARIOS, writeApilog, type SimScenario } from '../engine/simulate/apilog';
import { checkFlags, numberFlag, str, UsageError, type Args } from './args';
import { findDataset, job, onCase, print, unwrap, type CommandGroup } from './shared';

const RULES_USAGE = `  simulate apilog --keys N --events N --days N --seed N [--scenario NAME ...] --out FILE.jsonl [--json]
                                                     API-gateway calls with login events mixed in
                                                     (scenarios: ${SCENARIOS.join(', ')})
  rules   --case FILE --dataset NAME|ID [--config rules.yaml] [--json]   run the nine rules over a dataset
  alerts  --case FILE [--dataset NAME|ID] [--limit N] [--json]           the stored alerts
  verdict --case FILE --alert ID --confirmed|--fp [--json]               an analyst's verdict on an alert
  review-rule --case FILE --rule NAME [--json]       re-enable a rule disabled by false positives`;

export const rulesCommands: CommandGroup = {
  usage: RULES_USAGE,
  commands: {
    simulate: async (args, json, argv) => simulateCommand(args, json, argv),

    async rules(args, json) {
      checkFlags(args, ['case', 'dataset', 'config', 'json']);
      const config = str(args, 'config');
      const options = config ? { rulesConfig: path.resolve(config) } : {};
      await onCase(
        args,
        json,
        async (host, info) => {
          const ds = findDataset(info, str(args, 'dataset', true));
          const r = await job(host, 'rules.run', { datasetId: ds.id });
          const by = Object.entries(r.byRule)
            .map(([rule, n]) => `${rule} ${n}`)
            .join(', ');
          print(
            json,
            r,
            `${ds.name}: ${r.events.toLocaleString('en-US')} events, ${r.alerts} alerts${by ? ` (${by})` : ''}, ${r.incidents} incidents in ${r.seconds.toFixed(2)} s${r.resumed ? ' (resumed from the kept baselines)' : ''}`,
          );
        },
        options,
      );
      return 0;
    },

    async alerts(args, json) {
      checkFlags(args, ['case', 'dataset', 'limit', 'json']);
      const limit = numberFlag(args, 'limit');
      await onCase(args, json, async (host, info) => {
        const wanted = str(args, 'dataset');
        const ds = wanted === undefined ? undefined : findDataset(info, wanted);
        // every stored alert unless --limit says otherwise (the host's default is a page for the UI)
        const alerts = unwrap(
          await host.call('alerts.list', { datasetId: ds?.id, limit: limit ?? Number.MAX_SAFE_INTEGER }),
        );
        print(json, alerts, alerts.map(alertLine).join('\n') || 'no alerts');
      });
      return 0;
    },

    async verdict(args, json) {
      checkFlags(args, ['case', 'alert', 'confirmed', 'fp', 'json']);
      const id = Number(str(args, 'alert', true));
      if (!Number.isInteger(id) || id < 1) throw new UsageError('--alert must be an alert id');
      const confirmed = args.flags.get('confirmed') === true;
      const fp = args.flags.get('fp') === true;
      if (confirmed === fp) throw new UsageError('give one of --confirmed or --fp');
      await onCase(args, json, async (host) => {
        const r = unwrap(
          await host.call('alert.verdict', {
            alertId: id,
            verdict: confirmed ? 'confirmed' : 'false_positive',
          }),
        );
        print(
          json,
          r,
          `alert ${id} (${r.alert.rule}): ${confirmed ? 'confirmed' : 'false positive'}; ${r.rule.rule} confidence ${r.rule.confidence}` +
            (r.rule.disabled ? ', disabled pending manual review' : '') +
            (r.rule.confirmed >= 5 ? ', its alerts escalate to CRITICAL' : ''),
        );
      });
      return 0;
    },

    'review-rule': async (args, json) => {
      checkFlags(args, ['case', 'rule', 'json']);
      const rule = str(args, 'rule', true);
      if (!(RULE_NAMES as readonly string[]).includes(rule))
        throw new UsageError(`--rule must be one of ${RULE_NAMES.join(', ')}`);
      await onCase(args, json, async (host) => {
        const r = unwrap(await host.call('rule.review', { rule }));
        print(json, r, `${r.rule}: enabled again (confidence ${r.confidence})`);
      });
      return 0;
    },
  },
};

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

function simulateCommand(args: Args, json: boolean, argv: string[]): number {
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
  print(
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
