// Evaluation of a dataset: every model kind trained on the same split and measured on its test
// rows, side by side (metrics at each one's threshold, alerts a day, ROC and PR curves), as the
// case keeps them; a new one with a click, any one exported as CSV.
import { useMemo, useState } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import { MODEL_KIND_LABEL, type DatasetInfo, type EvaluationResult } from '../../../src-shared/domain';
import { evaluationCsv } from '../../../src-shared/evaluation-csv';
import { downloadFile } from '../download';
import { chartColors, useChart } from '../charts/useChart';
import { formatInt } from '../format';
import { useRequest } from '../hooks/useRequest';
import { runJob, selectCaseBusy, useStore } from '../store';

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(3));
const PALETTE = ['#5b8def', '#e8a33d', '#3fb68b', '#c75dd6', '#e05b5b'];

function Curves({ e, which }: { e: EvaluationResult; which: 'roc' | 'pr' }) {
  const theme = useStore((s) => s.theme);
  const option = useMemo((): EChartsCoreOption => {
    const c = chartColors();
    const axis = (name: string) => ({
      type: 'value',
      min: 0,
      max: 1,
      name,
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: { color: c.muted, fontSize: 11 },
      axisLabel: { color: c.faint, fontSize: 10 },
      axisLine: { lineStyle: { color: c.border } },
      splitLine: { lineStyle: { color: c.border, opacity: 0.4 } },
    });
    const drawn = e.entries.filter((x) => x[which].length);
    return {
      animation: false,
      color: PALETTE,
      grid: { left: 44, right: 12, top: 34, bottom: 40 },
      legend: { top: 0, textStyle: { color: c.muted, fontSize: 11 }, itemHeight: 8 },
      tooltip: {
        trigger: 'item',
        backgroundColor: c.bg,
        borderColor: c.border,
        textStyle: { color: c.text, fontSize: 11 },
      },
      xAxis: axis(which === 'roc' ? 'false-positive rate' : 'recall'),
      yAxis: axis(which === 'roc' ? 'true-positive rate' : 'precision'),
      series: drawn.map((x) => ({
        name: `${x.kind} (${which === 'roc' ? 'ROC' : 'PR'} AUC ${f3(which === 'roc' ? x.test?.rocAuc : x.test?.prAuc)})`,
        type: 'line',
        data: x[which],
        showSymbol: false,
        lineStyle: { width: 1.5 },
        step: which === 'pr' ? 'end' : undefined,
      })),
    };
  }, [e, which]);
  const ref = useChart(option, theme);
  return <div ref={ref} className="eval-chart" data-testid={`eval-${which}`} />;
}

function download(e: EvaluationResult) {
  downloadFile(`${e.dataset}-evaluation-${e.id}.csv`, evaluationCsv(e), 'text/csv');
}

export function EvaluationView({ dataset }: { dataset: DatasetInfo }) {
  const busy = useStore(selectCaseBusy);
  const list = useRequest(
    'evaluation.list',
    { datasetId: dataset.id },
    'Could not list the evaluations',
  ).data;
  const [pick, setPick] = useState<number | null>(null);
  const e = list?.find((x) => x.id === pick) ?? list?.[0] ?? null;
  const perDay = e?.split.by === 'time' ? 'Alerts / day' : 'Alerts / 1,000 rows';
  return (
    <div className="panel-page" data-testid="evaluation-view">
      <section className="card">
        <div className="card-head">
          <h3>Evaluation</h3>
          <button
            type="button"
            className="btn primary"
            disabled={busy}
            onClick={() =>
              void runJob('model.evaluate', { datasetId: dataset.id }, 'Could not evaluate the models')
            }
            data-testid="evaluate"
          >
            Evaluate every model
          </button>
        </div>
        <p className="muted">
          Boosted trees and the four detectors trained on the same split of {dataset.name} (by time, or a
          stratified shuffle when there is none) and measured on its test rows. Kept in the case with the
          request and the engine version.
        </p>
        {list && list.length > 1 && (
          <label className="inline">
            Evaluation{' '}
            <select
              value={e?.id ?? ''}
              onChange={(ev) => setPick(Number(ev.target.value))}
              data-testid="evaluation-pick"
            >
              {list.map((x) => (
                <option key={x.id} value={x.id}>
                  {new Date(x.createdAt).toLocaleString()} · {x.entries.length} kinds
                </option>
              ))}
            </select>
          </label>
        )}
      </section>
      {list === null ? (
        <p className="muted">Loading…</p>
      ) : !e ? (
        <p className="muted" data-testid="evaluation-empty">
          No evaluation of this dataset yet. It needs labels: a label column, injected scenarios or verdicts.
        </p>
      ) : (
        <section className="card grow">
          <div className="card-head">
            <p className="muted small" data-testid="evaluation-split">
              {formatInt(e.datasetRows)} rows split by {e.split.by}: {formatInt(e.split.train)} train ·{' '}
              {formatInt(e.split.validation)} validation · {formatInt(e.split.test)} test · labels: {e.labels}{' '}
              · engine {e.appVersion}
            </p>
            <button
              type="button"
              className="btn small"
              onClick={() => download(e)}
              data-testid="evaluation-csv"
            >
              Export CSV
            </button>
          </div>
          <table className="grid-table" data-testid="evaluation-table">
            <thead>
              <tr>
                <th>Model</th>
                <th className="num">ROC AUC</th>
                <th className="num">PR AUC</th>
                <th className="num">Precision</th>
                <th className="num">Recall</th>
                <th className="num">F1</th>
                <th className="num">{perDay}</th>
                <th className="num">Seconds</th>
              </tr>
            </thead>
            <tbody>
              {e.entries.map((x) => (
                <tr key={x.kind} data-testid="evaluation-row">
                  <td>{MODEL_KIND_LABEL[x.kind]}</td>
                  {x.test ? (
                    <>
                      <td className="num">{f3(x.test.rocAuc)}</td>
                      <td className="num">{f3(x.test.prAuc)}</td>
                      <td className="num">{f3(x.test.precision)}</td>
                      <td className="num">{f3(x.test.recall)}</td>
                      <td className="num">{f3(x.test.f1)}</td>
                      <td className="num">{x.alertsPerDay === null ? '–' : x.alertsPerDay.toFixed(1)}</td>
                      <td className="num">{x.seconds.toFixed(1)}</td>
                    </>
                  ) : (
                    <td colSpan={7} className="muted">
                      {x.why}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          <div className="eval-charts">
            <Curves e={e} which="roc" />
            <Curves e={e} which="pr" />
          </div>
        </section>
      )}
    </div>
  );
}
