// An evaluation as CSV: one row a model kind, its metrics on the test rows at its threshold.
// Shared by the CLI (--csv) and the workstation's export.
import type { EvaluationResult } from './domain';

const HEADER = [
  'dataset',
  'split',
  'labels',
  'model',
  'test_rows',
  'test_attacks',
  'roc_auc',
  'pr_auc',
  'threshold',
  'precision',
  'recall',
  'f1',
  'alerts_per_day',
  'seconds',
  'note',
  'app_version',
  'evaluated_at',
];

/**
 * A CSV field: quoted when it holds a comma, a quote or a line break; text a spreadsheet would
 * run as a formula (= + - @ at its start) gets a leading apostrophe.
 */
const field = (v: unknown): string => {
  const s =
    v === null || v === undefined ? '' : typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v);
  const safe = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function evaluationCsv(e: EvaluationResult): string {
  // without times, alerts are counted per 1,000 rows
  const header = HEADER.map((h) =>
    h === 'alerts_per_day' && e.split.by !== 'time' ? 'alerts_per_1000_rows' : h,
  );
  const split = `${e.split.by} (train ${e.split.train}, validation ${e.split.validation}, test ${e.split.test})`;
  const rows = e.entries.map((x) =>
    [
      e.dataset,
      split,
      e.labels,
      x.kind,
      x.test?.rows,
      x.test?.positives,
      x.test?.rocAuc,
      x.test?.prAuc,
      x.test?.threshold,
      x.test?.precision,
      x.test?.recall,
      x.test?.f1,
      x.alertsPerDay,
      x.seconds,
      x.why,
      e.appVersion,
      e.createdAt,
    ]
      .map(field)
      .join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}
