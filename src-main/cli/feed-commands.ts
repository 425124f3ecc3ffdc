// `sentinel feed`, `explain`, `label`: the anomaly feed, its explanations and verdicts.
import { checkFlags, numberFlag, str, UsageError } from './args';
import { findDataset, onCase, print, READ_ONLY, unwrap, type CommandGroup } from './shared';

export const feedCommands: CommandGroup = {
  usage: `  feed    --case FILE --dataset NAME|ID [--view open|all|confirmed|false_positive] [--limit N] [--offset N] [--json]
                                                     events ranked by combined score (0-100) across models
  explain --case FILE --dataset NAME|ID --event ID [--json]   why, how bad, what it costs, what to do, by when
  label   --case FILE --dataset NAME|ID --event ID --verdict confirmed|false_positive|none [--json]`,
  commands: {
    async feed(args, json) {
      checkFlags(args, ['case', 'dataset', 'view', 'limit', 'offset', 'json']);
      await onCase(
        args,
        json,
        async (host, info) => {
          const ds = findDataset(info, str(args, 'dataset', true));
          const page = unwrap(
            await host.call('feed.page', {
              datasetId: ds.id,
              view: (str(args, 'view') ?? 'open') as 'open',
              offset: numberFlag(args, 'offset') ?? 0,
              limit: numberFlag(args, 'limit') ?? 20,
            }),
          );
          const lines = page.items.map(
            (i) =>
              `${String(i.rank).padStart(6)}  ${i.score.toFixed(2).padStart(6)}  event ${i.eventId}  ${i.entity ?? ''}  ${i.amount ?? ''}${i.scenario ? `  [${i.scenario}]` : ''}${i.verdict ? `  (${i.verdict})` : ''}`,
          );
          print(
            json,
            page,
            `${ds.name}: ${page.total.toLocaleString('en-US')} ${page.view} (ranked by ${page.models.map((m) => `${m.kind} #${m.id}`).join(' + ') || 'no model'})\n${lines.join('\n')}`,
          );
        },
        READ_ONLY,
      );
      return 0;
    },

    async explain(args, json) {
      checkFlags(args, ['case', 'dataset', 'event', 'json']);
      await onCase(
        args,
        json,
        async (host, info) => {
          const ds = findDataset(info, str(args, 'dataset', true));
          const eventId = numberFlag(args, 'event');
          if (eventId === undefined) throw new UsageError('--event is required');
          const ex = unwrap(await host.call('feed.explain', { datasetId: ds.id, eventId }));
          const top = (ex.contributions?.items ?? [])
            .slice(0, 5)
            .map(
              (c) =>
                `  ${`${c.contribution >= 0 ? '+' : ''}${c.contribution.toFixed(3)}`.padStart(8)}  ${c.label}: ${c.shown.value}${c.shown.entityTypical === null ? '' : ` (usually ${c.shown.entityTypical})`}`,
            );
          print(
            json,
            ex,
            [
              `event ${ex.eventId}: score ${ex.score.toFixed(2)}/100, ${ex.severity}`,
              ex.sentence,
              ex.summary,
              ...(top.length
                ? [`contributions to ${ex.contributions!.model.name} (exact, TreeSHAP):`, ...top]
                : []),
            ].join('\n'),
          );
        },
        READ_ONLY,
      );
      return 0;
    },

    async label(args, json) {
      checkFlags(args, ['case', 'dataset', 'event', 'verdict', 'json']);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const given = str(args, 'verdict', true);
        const eventId = numberFlag(args, 'event') as number;
        const verdict = (given === 'none' ? null : given) as 'confirmed' | null;
        const r = unwrap(await host.call('feed.verdict', { datasetId: ds.id, eventId, verdict }));
        print(json, r, `event ${eventId}: ${r.verdict ?? 'verdict cleared'}`);
      });
      return 0;
    },
  },
};
