// The streaming rule engine over stored datasets: a run replays a dataset in a compute worker
// and its alerts, incidents and baselines replace the last run's; alert verdicts move the
// rules' confidence.
import type { RulesResult } from '../../../src-shared/domain';
import { err, ok, type Result } from '../../../src-shared/result';
import { runCompute } from '../compute-client';
import { alertItem } from '../feed/rule-alerts';
import type { Job } from '../jobs';
import { RULE_NAMES, type RuleName } from '../rules/config';
import { loadScenarioConfig, loadUnmatchedRule, type ScenarioSpec } from '../scenarios/config';
import type { DomainHandlers, HandlerContext } from './context';

/** Runs the rules over a dataset and stores the run, inside a job (its own, or the demo's). */
export async function rulesStep(
  ctx: HandlerContext,
  job: Job,
  casePath: string,
  datasetId: number,
): Promise<Result<RulesResult>> {
  const started = performance.now();
  const run = await runCompute(job, 'rules', { casePath, datasetId, configPath: ctx.options.rulesConfig });
  if (!run.ok) return run;
  if (job.cancelled) return err('CANCELLED', 'rules run cancelled');
  job.phase('saving');
  const r = run.value;
  const saved = await ctx.db().call('saveRules', job.ticket, r);
  if (!saved.ok) return saved;
  const byRule: Record<string, number> = {};
  for (const a of r.alerts) byRule[a.rule] = (byRule[a.rule] ?? 0) + 1;
  return ok({
    datasetId,
    events: r.events,
    alerts: r.alerts.length,
    incidents: r.incidents.length,
    byRule,
    resumed: r.resumed,
    seconds: (performance.now() - started) / 1000,
  });
}

export const rulesHandlers = {
  'rules.run': ({ datasetId }, ctx) => {
    const open = ctx.dataset(datasetId);
    if (!open.ok) return open;
    const { ds, info } = open.value;
    const { jobId } = ctx.jobs.start('rules', `Running the rules over ${ds.name}`, (job) =>
      rulesStep(ctx, job, info.path, datasetId),
    );
    return ok({ jobId });
  },
  'alerts.list': async ({ datasetId, limit }, ctx) => {
    const r = await ctx.onCase('alerts', datasetId, limit);
    if (!r.ok) return r;
    const scenarios = loadScenarioConfig() as Map<string, ScenarioSpec>;
    const unmatched = loadUnmatchedRule();
    return ok(r.value.map((a) => alertItem(a, scenarios, unmatched)));
  },
  'incidents.list': ({ datasetId }, ctx) => ctx.onCase('incidents', datasetId),
  'alert.verdict': ({ alertId, verdict, note }, ctx) =>
    ctx.onCase('verdict', alertId, verdict, note, ctx.options.rulesConfig),
  'rules.confidence': (_p, ctx) => ctx.onCase('ruleConfidence', ctx.options.rulesConfig),
  /** A rule disabled by false positives has been reviewed: it runs again. */
  'rule.review': ({ rule }, ctx) => {
    if (!(RULE_NAMES as readonly string[]).includes(rule))
      return err('BAD_REQUEST', `no rule "${rule}" (rules: ${RULE_NAMES.join(', ')})`);
    return ctx.onCase('reviewRule', rule as RuleName, ctx.options.rulesConfig);
  },
} satisfies DomainHandlers;
