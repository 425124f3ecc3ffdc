// `sentinel report`: the case report, as HTML or as a PDF printed by the browser engine.
import path from 'node:path';
import { checkFlags, str, UsageError } from './args';
import { findDataset, job, onCase, print, type CommandGroup } from './shared';

export const reportCommand: CommandGroup = {
  usage: `  report  --case FILE [--dataset NAME|ID] --out FILE.html|FILE.pdf [--json]
                                                     confirmed and open incidents with their headlines,
                                                     contributions, notes and verdict history, the models
                                                     and rules behind them and the data they came from`,
  commands: {
    async report(args, json) {
      checkFlags(args, ['case', 'dataset', 'out', 'json']);
      const out = str(args, 'out', true);
      if (!/\.(html?|pdf)$/i.test(out)) throw new UsageError('--out must end in .html or .pdf');
      await onCase(args, json, async (host, info) => {
        const given = str(args, 'dataset');
        const ds = given === undefined ? undefined : findDataset(info, given);
        const r = await job(host, 'report.build', {
          ...(ds ? { datasetId: ds.id } : {}),
          out: path.resolve(out),
        });
        print(
          json,
          { ...r, html: undefined },
          `case report (${r.format.toUpperCase()}, ${r.items.toLocaleString('en-US')} incidents and alerts, ${r.bytes.toLocaleString('en-US')} bytes) written to ${r.path}`,
        );
      });
      return 0;
    },
  },
};
