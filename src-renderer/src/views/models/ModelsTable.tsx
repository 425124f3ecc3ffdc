// The case's models with their metrics on the latest 20% of their training data; score the
// dataset with any of them, or with an ONNX file trained elsewhere.
import { useRef } from 'react';
import { MODEL_KIND_LABEL, type DatasetInfo, type ModelInfo } from '../../../../src-shared/domain';
import { formatInt } from '../../format';
import { appBridge, runJob, showError } from '../../store';

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(3));

/** "29 columns as inputs · 2 left out", the details in its tooltip. */
function ColumnsLine({ model }: { model: ModelInfo }) {
  const used = model.columns.filter((c) => c.use !== 'skipped');
  const left = model.columns.filter((c) => c.use === 'skipped');
  const title = [
    ...used.map((c) => `${c.column}: ${c.use}`),
    ...left.map((c) => `${c.column}: left out, ${c.why ?? ''}`),
  ].join('\n');
  return (
    <div className="muted small" title={title} data-testid="model-columns">
      {used.length} column{used.length === 1 ? '' : 's'} as inputs
      {left.length > 0 && ` · ${left.length} left out`}
      {model.split === 'shuffle' && ' · no times: shuffled split'}
      {model.fittedOn && ` · fitted on ${model.fittedOn}`}
    </div>
  );
}

export function ModelsTable({
  dataset,
  models,
  busy,
}: {
  dataset: DatasetInfo;
  models: ModelInfo[] | null;
  busy: boolean;
}) {
  const fileInput = useRef<HTMLInputElement | null>(null);

  /** Scores with an ONNX file trained elsewhere; the model is kept in the case with its scores. */
  const scoreWithFile = async (file: File) => {
    const staged = await appBridge().stageFile(file);
    if (!staged.ok) {
      showError(staged.error, `Could not read ${file.name}`);
      return;
    }
    const { path, uploadId, fileName } = staged.value;
    await runJob(
      'model.score',
      uploadId !== undefined
        ? { datasetId: dataset.id, uploadId, fileName }
        : { datasetId: dataset.id, path, fileName },
      `Could not score ${dataset.name} with ${file.name}`,
    );
  };

  const mine = models?.filter((m) => m.datasetId === dataset.id) ?? [];
  const others = models?.filter((m) => m.datasetId !== dataset.id) ?? [];
  // Models from files (the bundled default) first among the others: they fit any dataset with their features.
  others.sort((a, b) => Number(a.datasetId !== null) - Number(b.datasetId !== null));
  return (
    <section className="card grow">
      <div className="card-head">
        <h3>Models</h3>
        <button
          type="button"
          className="btn small"
          disabled={busy}
          onClick={() => fileInput.current?.click()}
          title="An XGBoost or LightGBM tree ensemble converted to ONNX, with feature_names in its metadata"
          data-testid="model-file"
        >
          Score with an ONNX file…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".onnx"
          hidden
          data-testid="model-file-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void scoreWithFile(f);
          }}
        />
      </div>
      {models === null ? (
        <p className="muted">Loading…</p>
      ) : models.length === 0 ? (
        <p className="muted">No models in this case yet.</p>
      ) : (
        <table className="grid-table" data-testid="models-table">
          <thead>
            <tr>
              <th>Model</th>
              <th>Kind</th>
              <th className="num">Features</th>
              <th className="num">ROC AUC</th>
              <th className="num">PR AUC</th>
              <th className="num">Precision</th>
              <th className="num">Recall</th>
              <th className="num">F1</th>
              <th className="num">TP / FP / FN</th>
              <th className="num">Threshold</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...mine, ...others].map((m) => (
              <tr
                key={m.id}
                data-testid="model-row"
                className={m.datasetId === dataset.id || m.datasetId === null ? undefined : 'dim'}
              >
                <td title={`created ${m.createdAt}`}>
                  {m.name}
                  {m.datasetId === null ? (
                    <span className="muted"> (from a file)</span>
                  ) : (
                    m.datasetId !== dataset.id && <span className="muted"> (another dataset)</span>
                  )}
                  {m.columns.length > 0 && <ColumnsLine model={m} />}
                </td>
                <td>{MODEL_KIND_LABEL[m.kind]}</td>
                <td className="num">{m.featureNames.length}</td>
                <td className="num">{f3(m.metrics?.rocAuc)}</td>
                <td className="num">{f3(m.metrics?.prAuc)}</td>
                <td className="num">{f3(m.metrics?.precision)}</td>
                <td className="num">{f3(m.metrics?.recall)}</td>
                <td className="num">{f3(m.metrics?.f1)}</td>
                <td className="num">
                  {m.metrics
                    ? `${formatInt(m.metrics.confusion.tp)} / ${formatInt(m.metrics.confusion.fp)} / ${formatInt(m.metrics.confusion.fn)}`
                    : '–'}
                </td>
                <td className="num">{m.threshold === null ? '–' : m.threshold.toPrecision(4)}</td>
                <td>
                  <button
                    type="button"
                    className="btn small"
                    disabled={busy}
                    onClick={() =>
                      void runJob(
                        'model.score',
                        { datasetId: dataset.id, modelId: m.id },
                        `Could not score ${dataset.name}`,
                      )
                    }
                    data-testid="model-score"
                  >
                    Score {dataset.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">
        Metrics are on the latest 20% of the training dataset, at the model&apos;s threshold.
      </p>
    </section>
  );
}
