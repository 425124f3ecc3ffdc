// Attack scenarios: the configured catalogue, injecting one into a dataset (its events labelled
// with the scenario) and removing it again.
import type { ScenarioInfo } from '../../../src-shared/domain';
import { err, ok, type Result } from '../../../src-shared/result';
import { loadScenarioConfig } from '../scenarios/config';
import type { DomainHandlers, HandlerContext } from './context';

/** The configured attack scenarios, for the inject form. */
function scenarioCatalog(): ScenarioInfo[] {
  return [...loadScenarioConfig().values()].map((s) => ({
    name: s.name,
    description: s.description,
    needs: s.needs,
    domains: s.domains,
    defaults: { intensity: s.intensity, durationMinutes: s.durationMs / 60_000, factor: s.factor },
    risk: s.business.risk,
    slaMinutes: s.business.slaMinutes,
    action: s.business.action,
  }));
}

/** An injection or a removal changes the events that jobs read: none may run meanwhile. */
async function changeEvents<T>(
  ctx: HandlerContext,
  what: string,
  change: () => Promise<Result<T>>,
): Promise<Result<T>> {
  const open = ctx.openCase({ forWork: true });
  if (!open.ok) return open;
  if (ctx.jobs.caseJobs())
    return err('BUSY', `wait for the running jobs to finish: ${what} changes the events they read`);
  const r = await change();
  if (r.ok) await ctx.refreshCase();
  return r;
}

export const scenariosHandlers = {
  'scenario.catalog': () => ok(scenarioCatalog()),
  'scenario.list': (_p, ctx) => ctx.onCase('injections'),
  'scenario.inject': ({ datasetId, scenario, durationMinutes, ...rest }, ctx) =>
    changeEvents(ctx, 'an injection', () =>
      ctx.onCase('inject', datasetId, scenario, {
        ...rest,
        durationMs: durationMinutes === undefined ? undefined : Math.round(durationMinutes * 60_000),
      }),
    ),
  'scenario.remove': ({ injectionId }, ctx) =>
    changeEvents(ctx, 'a removal', () => ctx.onCase('uninject', injectionId)),
} satisfies DomainHandlers;
