// `sentinel features`, `train`, `score`: point-in-time features and the models over them.
import path from 'node:path';
import { MODEL_KINDS, type ColumnUseInfo, type ModelKind } from '../../src-shared/domain';
import { checkFlags, numberFlag, str } from './args';
import { defined, findDataset, job, onCase, print, type CommandGroup } from './shared';

/** The dataset's columns as the model took them, a line each kind. */
function columnsText(columns: ColumnUseInfo[]): string {
  const by = (use: ColumnUseInfo['use']) => columns.filter((c) => c.use === use).map((c) => c.column);
  const lines = (['number', 'flag', 'category', 'text'] as const)
    .map((use) => [use, by(use)] as const)
    .filter(([, cs]) => cs.length)
    .map(([use, cs]) => `\n  columns as ${use}: ${cs.join(', ')}`);
  const skipped = columns.filter((c) => c.use === 'skipped').map((c) => `${c.column} (${c.why})`);
  return lines.join('') + (skipped.length ? `\n  columns left out: ${skipped.join('; ')}` : '');
}

export const modelCommands: CommandGroup = {
  usage: `  train   --case FILE --dataset NAME|ID [--model ${MODEL_KINDS.join('|')}] [--label COL] [--trees N]
          [--max-depth N] [--eta X] [--seed N] [--class-weight balanced|none] [--early-stopping N]
          [--alerts-per-day N] [--columns A,B] [--exclude-columns A,B] [--positive V,W | --negative V,W]
          [--out FILE.onnx] [--json]
  score   --case FILE --dataset NAME|ID [--model ID|FILE.onnx] [--json]
  features --case FILE --dataset NAME|ID [--force] [--json]
                                                     build point-in-time features (only new events if it can)`,
  commands: {
    async features(args, json) {
      checkFlags(args, ['case', 'dataset', 'force', 'json']);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const r = await job(host, 'features.build', {
          datasetId: ds.id,
          force: args.flags.get('force') === true,
        });
        print(
          json,
          r,
          `${ds.name}: ${r.features.length} features for ${r.written.toLocaleString('en-US')} of ${r.rows.toLocaleString('en-US')} events (${r.mode}: ${r.reason}) in ${r.seconds.toFixed(2)} s`,
        );
      });
      return 0;
    },

    async train(args, json) {
      checkFlags(args, [
        'case',
        'dataset',
        'model',
        'label',
        'trees',
        'max-depth',
        'eta',
        'seed',
        'alerts-per-day',
        'class-weight',
        'early-stopping',
        'columns',
        'exclude-columns',
        'positive',
        'negative',
        'out',
        'json',
      ]);
      const list = (flag: string) =>
        str(args, flag)
          ?.split(',')
          .map((c) => c.trim())
          .filter(Boolean);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const num = (name: string) => numberFlag(args, name);
        const out = str(args, 'out');
        const model = (str(args, 'model') ?? 'gbdt') as ModelKind;
        const r = await job(
          host,
          'model.train',
          defined({
            datasetId: ds.id,
            model,
            label: str(args, 'label'),
            trees: num('trees'),
            maxDepth: num('max-depth'),
            eta: num('eta'),
            seed: num('seed'),
            alertsPerDay: num('alerts-per-day'),
            classWeight: str(args, 'class-weight') as 'none' | undefined,
            earlyStopping: num('early-stopping'),
            columns: list('columns'),
            excludeColumns: list('exclude-columns'),
            positive: list('positive'),
            negative: list('negative'),
            out: out && path.resolve(out),
          }),
        );
        const m = r.test;
        const metrics = m
          ? {
              rocAuc: m.rocAuc,
              prAuc: m.prAuc,
              precision: m.precision,
              recall: m.recall,
              f1: m.f1,
              threshold: m.threshold,
              confusion: m.confusion,
            }
          : null;
        print(
          json,
          {
            model: r.model.name,
            modelId: r.model.id,
            kind: r.model.kind,
            seconds: r.seconds,
            metrics,
            all: r.all && { rocAuc: r.all.rocAuc, prAuc: r.all.prAuc },
            split: r.split,
            fittedOn: r.model.fittedOn,
            features: r.model.featureNames.length,
            columns: r.columns,
          },
          `${r.model.name} (model ${r.model.id}) trained in ${r.seconds.toFixed(2)} s on ${r.model.featureNames.length} features` +
            (m
              ? `; on ${r.split === 'time' ? 'the latest 20% by time' : 'a held-out 20% (shuffled, stratified: no times)'}: ` +
                (m.positives === 0
                  ? 'no labelled attacks fall there, so no ROC or PR AUC can be measured'
                  : `ROC AUC ${m.rocAuc?.toFixed(4)}, PR AUC ${m.prAuc?.toFixed(4)}, precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}, F1 ${m.f1.toFixed(3)}`)
              : '') +
            (r.model.fittedOn ? `; fitted on ${r.model.fittedOn}` : '') +
            (r.all
              ? `; fitted and scored on every row: ROC AUC ${r.all.rocAuc?.toFixed(4)}, PR AUC ${r.all.prAuc?.toFixed(4)}`
              : '') +
            columnsText(r.columns),
        );
      });
      return 0;
    },

    async score(args, json) {
      checkFlags(args, ['case', 'dataset', 'model', 'json']);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const model = str(args, 'model');
        const which =
          model === undefined
            ? {}
            : /^\d+$/.test(model)
              ? { modelId: Number(model) }
              : { path: path.resolve(model) };
        const r = await job(host, 'model.score', { datasetId: ds.id, ...which });
        print(
          json,
          r,
          `${ds.name}: ${r.rows.toLocaleString('en-US')} events scored with model ${r.modelId}, ${r.anomalies.toLocaleString('en-US')} at or above ${r.threshold.toFixed(4)}, in ${r.seconds.toFixed(2)} s; ${r.openAlerts.toLocaleString('en-US')} open alerts in the feed`,
        );
      });
      return 0;
    },
  },
};
