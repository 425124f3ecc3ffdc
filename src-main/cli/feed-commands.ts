// `sentinel feed`, `explain`, `label`: the anomaly feed, its explanations and verdicts.
import { VERDICTS, type Verdict } from '../../src-shared/domain';
import { checkFlags, numberFlag, str, UsageError } from './args';
import { findDataset, onCase, print, READ_ONLY, unwrap, type CommandGroup } from './shared';

export const feedCommands: CommandGroup = {
  usage: `  feed    --case FILE --dataset NAME|ID [--view open|all|confirmed|false_positive] [--limit N] [--offset N] [--json]
                                                     events ranked by combined score (0-100) across models
  explain --case FILE --dataset NAME|ID --event ID [--json]   why, how bad, what it costs, what to do, by when
  label   --case FILE (--dataset NAME|ID --event ID | --alert ID) [--verdict confirmed|false_positive|unsure|none]
          [--note TEXT] [--json]                      a verdict (changeable; none clears it) and/or a note`,
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
      checkFlags(args, ['case', 'dataset', 'event', 'alert', 'verdict', 'note', 'json']);
      const given = str(args, 'verdict');
      const note = str(args, 'note');
      if (given !== undefined && given !== 'none' && !(VERDICTS as readonly string[]).includes(given))
        throw new UsageError(`--verdict must be one of ${VERDICTS.join(', ')} or none`);
      if (given === undefined && note === undefined) throw new UsageError('give --verdict, --note or both');
      const verdict = given === undefined ? undefined : given === 'none' ? null : (given as Verdict);
      const alertId = numberFlag(args, 'alert');
      const eventId = numberFlag(args, 'event');
      if ((alertId === undefined) === (eventId === undefined))
        throw new UsageError('give one of --event or --alert');
      const said = (v: Verdict | null) => (v === null ? 'verdict cleared' : v.replace('_', ' '));
      await onCase(args, json, async (host, info) => {
        if (alertId !== undefined) {
          if (verdict === undefined) {
            const r = unwrap(await host.call('review.note', { alertId, note: note! }));
            print(json, r, `alert ${alertId}: note kept`);
            return;
          }
          const r = unwrap(
            await host.call('alert.verdict', { alertId, verdict, ...(note === undefined ? {} : { note }) }),
          );
          print(
            json,
            r,
            `alert ${alertId} (${r.alert.rule}): ${said(verdict)}${note === undefined ? '' : ', note kept'}; ` +
              `${r.rule.rule} confidence ${r.rule.confidence}` +
              (r.rule.disabled ? ', disabled pending manual review' : ''),
          );
          return;
        }
        const ds = findDataset(info, str(args, 'dataset', true));
        if (verdict === undefined) {
          const r = unwrap(
            await host.call('review.note', { datasetId: ds.id, eventId: eventId!, note: note! }),
          );
          print(json, r, `event ${eventId}: note kept`);
          return;
        }
        const r = unwrap(
          await host.call('feed.verdict', {
            datasetId: ds.id,
            eventId: eventId!,
            verdict,
            ...(note === undefined ? {} : { note }),
          }),
        );
        print(json, r, `event ${eventId}: ${said(r.verdict)}${note === undefined ? '' : ', note kept'}`);
      });
      return 0;
    },
  },
};
