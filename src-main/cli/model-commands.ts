// `sentinel features`, `train`, `score`: point-in-time features and the models over them.
import path from 'node:path';
import { checkFlags, numberFlag, str } from './args';
import { defined, findDataset, job, onCase, print, type CommandGroup } from './shared';

export const modelCommands: CommandGroup = {
  usage: `  train   --case FILE --dataset NAME|ID [--model gbdt|iforest|hbos] [--label COL] [--trees N]
          [--max-depth N] [--eta X] [--seed N] [--alerts-per-day N] [--out FILE.onnx] [--json]
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
        'out',
        'json',
      ]);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const num = (name: string) => numberFlag(args, name);
        const out = str(args, 'out');
        const model = (str(args, 'model') ?? 'gbdt') as 'gbdt' | 'iforest' | 'hbos';
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
            features: r.model.featureNames.length,
          },
          `${r.model.name} (model ${r.model.id}) trained in ${r.seconds.toFixed(2)} s` +
            (m
              ? `; on the latest 20% by time: ROC AUC ${m.rocAuc?.toFixed(4)}, PR AUC ${m.prAuc?.toFixed(4)}, precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}, F1 ${m.f1.toFixed(3)}`
              : ''),
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
          `${ds.name}: ${r.rows.toLocaleString('en-US')} events scored with model ${r.modelId}, ${r.anomalies.toLocaleString('en-US')} at or above ${r.threshold.toFixed(4)}, in ${r.seconds.toFixed(2)} s`,
        );
      });
      return 0;
    },
  },
};
