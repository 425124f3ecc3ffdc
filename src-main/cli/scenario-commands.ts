// `sentinel inject`, `uninject`: attack scenarios in a stored dataset.
import { parseDuration } from '../engine/features/config';
import { checkFlags, numberFlag, str, UsageError } from './args';
import { defined, findDataset, onCase, print, unwrap, type CommandGroup } from './shared';

export const scenarioCommands: CommandGroup = {
  usage: `  inject  --case FILE --dataset NAME|ID --scenario S [--entity E] [--intensity N] [--duration 5m]
          [--start ISO-TIME] [--factor X] [--seed N] [--json]   inject an attack scenario
  uninject --case FILE --injection ID [--json]        remove an injection's events`,
  commands: {
    async inject(args, json) {
      checkFlags(args, [
        'case',
        'dataset',
        'scenario',
        'entity',
        'intensity',
        'duration',
        'start',
        'factor',
        'seed',
        'json',
      ]);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const num = (name: string) => numberFlag(args, name);
        const duration = str(args, 'duration');
        const startText = str(args, 'start');
        const start = startText === undefined ? undefined : Date.parse(startText);
        if (start !== undefined && Number.isNaN(start))
          throw new UsageError(`--start must be an ISO 8601 time, not "${startText}"`);
        const durationMs = duration === undefined ? undefined : parseDuration(duration);
        if (durationMs === null)
          throw new UsageError(`--duration must be like 30s, 5m, 2h, not "${duration}"`);
        const r = unwrap(
          await host.call(
            'scenario.inject',
            defined({
              datasetId: ds.id,
              scenario: str(args, 'scenario', true),
              entity: str(args, 'entity'),
              intensity: num('intensity'),
              durationMinutes: durationMs === undefined ? undefined : durationMs / 60_000,
              start,
              factor: num('factor'),
              seed: num('seed'),
            }),
          ),
        );
        const b = r.business;
        print(
          json,
          { injected: r.events, ...r },
          `${r.scenario}: injected ${r.events} events into ${ds.name}${r.entity ? ` for ${r.entity}` : ''} (injection ${r.injectionId})\n` +
            `  risk ${b.risk}, est. cost $${b.cost.toLocaleString('en-US')}, SLA ${b.slaMinutes} min: ${b.action} → ${b.escalation.join(' → ')}`,
        );
      });
      return 0;
    },

    async uninject(args, json) {
      checkFlags(args, ['case', 'injection', 'json']);
      await onCase(args, json, async (host) => {
        const id = Number(str(args, 'injection', true));
        if (!Number.isInteger(id) || id < 1) throw new UsageError('--injection must be an injection id');
        const r = unwrap(await host.call('scenario.remove', { injectionId: id }));
        print(json, r, `removed ${r.removed} injected events`);
      });
      return 0;
    },
  },
};
