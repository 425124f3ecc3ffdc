// What the analyst is told when a job succeeds, by its kind: the result's type follows the kind.
import type { JobFinished } from '../../../src-shared/jobs';
import { formatCount, formatInt } from '../format';

export function jobNotice(f: Extract<JobFinished, { ok: true }>): string {
  switch (f.kind) {
    case 'ingest': {
      const { dataset, rows, seconds } = f.result;
      const secs = seconds < 10 ? seconds.toFixed(1) : formatInt(seconds);
      return `Imported ${formatCount(rows, 'row')} into “${dataset.name}” in ${secs} s`;
    }
    case 'demo':
      return `Demo case ready: ${formatCount(f.result.datasets, 'dataset')}`;
    case 'features':
      return `Features: ${f.result.features.length} for ${formatCount(f.result.written, 'event')} (${f.result.mode})`;
    case 'train': {
      const m = f.result.test;
      return `Model “${f.result.model.name}” trained${m ? `: ROC AUC ${m.rocAuc?.toFixed(3) ?? '–'}, F1 ${m.f1.toFixed(3)} on the latest events` : ''}`;
    }
    case 'evaluate': {
      const best = f.result.entries
        .filter((e) => e.test?.prAuc !== null && e.test !== null)
        .sort((a, b) => (b.test!.prAuc ?? 0) - (a.test!.prAuc ?? 0))[0];
      return `Evaluated ${formatCount(f.result.entries.length, 'model kind')} on “${f.result.dataset}”${best ? `: best PR AUC ${best.test!.prAuc!.toFixed(3)} (${best.kind})` : ''}`;
    }
    case 'score':
      return `Scored ${formatCount(f.result.rows, 'event')}: ${formatCount(f.result.openAlerts, 'open alert')} in the feed`;
    case 'refresh': {
      const { built, trained, scored } = f.result;
      const last = scored[scored.length - 1];
      return (
        (trained?.model.kind === 'iforest'
          ? 'No labels in this dataset: trained an Isolation Forest. '
          : '') +
        (last
          ? `Scores updated: ${formatCount(last.rows, 'event')}, ${formatCount(last.openAlerts, 'open alert')} in the feed`
          : `Features: ${built.features.length} for ${formatCount(built.written, 'event')} (${built.mode})`)
      );
    }
    case 'rules':
      return `Rules over ${formatCount(f.result.events, 'event')}: ${formatCount(f.result.alerts, 'alert')}, ${formatCount(f.result.incidents, 'incident')}`;
    case 'report':
      return `Case report written: ${f.result.path}`;
    case 'stream':
      return `Live stream ended: ${formatCount(f.result.events, 'event')}, ${formatCount(f.result.alerts, 'alert')}`;
  }
}
