// `sentinel evaluate`: every model kind side by side on the same split of a dataset.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MODEL_KINDS, type ModelKind } from '../../src-shared/domain';
import { evaluationCsv } from '../../src-shared/evaluation-csv';
import { checkFlags, numberFlag, str, UsageError } from './args';
import { findDataset, job, onCase, print, type CommandGroup } from './shared';

const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '–' : x.toFixed(d));

export const evaluateCommand: CommandGroup = {
  usage: `  evaluate --case FILE --dataset NAME|ID [--label COL] [--positive V,W | --negative V,W]
          [--models ${MODEL_KINDS.join(',')}] [--seed N] [--csv FILE] [--json]
                                                     every model kind on the same split, side by side
                                                     (kept in the case; --csv writes a row a kind)`,
  commands: {
    async evaluate(args, json) {
      checkFlags(args, ['case', 'dataset', 'label', 'positive', 'negative', 'models', 'seed', 'csv', 'json']);
      const list = (name: string) =>
        str(args, name)
          ?.split(',')
          .map((v) => v.trim())
          .filter(Boolean);
      const models = list('models');
      for (const m of models ?? [])
        if (!(MODEL_KINDS as readonly string[]).includes(m))
          throw new UsageError(`--models: "${m}" is not a model kind (${MODEL_KINDS.join(', ')})`);
      const csv = str(args, 'csv');
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const seed = numberFlag(args, 'seed');
        const r = await job(host, 'model.evaluate', {
          datasetId: ds.id,
          ...(str(args, 'label') ? { label: str(args, 'label') } : {}),
          ...(list('positive') ? { positive: list('positive') } : {}),
          ...(list('negative') ? { negative: list('negative') } : {}),
          ...(models ? { models: models as ModelKind[] } : {}),
          ...(seed === undefined ? {} : { seed }),
        });
        if (csv) writeFileSync(path.resolve(csv), evaluationCsv(r));
        const lines = [
          `${r.dataset}: split by ${r.split.by} (train ${r.split.train}, validation ${r.split.validation}, test ${r.split.test}); labels: ${r.labels}`,
          `model     ROC AUC  PR AUC  precision  recall     F1  ${r.split.by === 'time' ? 'alerts/day' : 'alerts/1k '}  seconds`,
          ...r.entries.map((e) =>
            e.test
              ? `${e.kind.padEnd(8)}  ${f(e.test.rocAuc).padStart(7)}  ${f(e.test.prAuc).padStart(6)}  ${f(e.test.precision).padStart(9)}  ${f(e.test.recall).padStart(6)}  ${f(e.test.f1).padStart(5)}  ${f(e.alertsPerDay, 1).padStart(10)}  ${e.seconds.toFixed(1).padStart(7)}`
              : `${e.kind.padEnd(8)}  ${e.why}`,
          ),
          ...(csv ? [`written to ${csv}`] : []),
        ];
        print(json, r, lines.join('\n'));
      });
      return 0;
    },
  },
};
