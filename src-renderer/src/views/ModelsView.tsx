// Features and models of a dataset: build features, train (trees, Isolation Forest, HBOS) with a
// stated threshold policy, score with any model of the case, and read each model's metrics.
import { useRef, useState, type FormEvent } from 'react';
import type { DatasetInfo, ModelInfo } from '../../../src-shared/domain';
import { formatInt } from '../format';
import { useRequest } from '../hooks/useRequest';
import { appBridge, runJob, showError, useStore, selectCaseBusy } from '../store';

type Kind = 'gbdt' | 'iforest' | 'hbos';

const KIND_LABEL: Record<ModelInfo['kind'], string> = {
  gbdt: 'Gradient-boosted trees',
  iforest: 'Isolation Forest',
  hbos: 'HBOS',
  onnx: 'Imported ONNX',
};

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(3));

export function ModelsView({ dataset }: { dataset: DatasetInfo }) {
  const busy = useStore(selectCaseBusy);
  const models = useRequest('model.list', {}, 'Could not list the models').data;
  const [kind, setKind] = useState<Kind>('gbdt');
  const [trees, setTrees] = useState('100');
  const [depth, setDepth] = useState('6');
  const [policy, setPolicy] = useState<'best_f1' | 'budget'>('best_f1');
  const [perDay, setPerDay] = useState('20');
  const labelColumns = dataset.columns.filter((c) => c.role === 'label');
  const [label, setLabel] = useState('');
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

  const train = (e: FormEvent) => {
    e.preventDefault();
    const t = Number(trees);
    const d = Number(depth);
    const budget = Number(perDay);
    void runJob(
      'model.train',
      {
        datasetId: dataset.id,
        model: kind,
        ...(kind === 'gbdt' ? { trees: t, maxDepth: d } : kind === 'iforest' ? { trees: t } : {}),
        ...(label ? { label } : {}),
        ...(policy === 'budget' ? { alertsPerDay: budget } : {}),
      },
      `Could not train on ${dataset.name}`,
    );
  };

  const mine = models?.filter((m) => m.datasetId === dataset.id) ?? [];
  const others = models?.filter((m) => m.datasetId !== dataset.id) ?? [];
  // Models from files (the bundled default) first among the others: they fit any dataset with their features.
  others.sort((a, b) => Number(a.datasetId !== null) - Number(b.datasetId !== null));
  return (
    <div className="panel-page" data-testid="models-view">
      <section className="card">
        <h3>Features</h3>
        <p className="muted">
          Point-in-time features per entity and per source IP (config/feature_config.yaml). Only events added
          since the last build are computed.
        </p>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void runJob('features.build', { datasetId: dataset.id }, 'Could not build features')}
          data-testid="build-features"
        >
          Build features
        </button>
      </section>
      <section className="card">
        <h3>Train a model on {dataset.name}</h3>
        <form className="form-grid" onSubmit={train} data-testid="train-form">
          <label>
            Model
            <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="train-kind">
              <option value="gbdt">Gradient-boosted trees (needs labels)</option>
              <option value="iforest">Isolation Forest (no labels)</option>
              <option value="hbos">HBOS (no labels)</option>
            </select>
          </label>
          {kind !== 'hbos' && (
            <label>
              Trees
              <input
                type="number"
                min={1}
                max={5000}
                value={trees}
                onChange={(e) => setTrees(e.target.value)}
              />
            </label>
          )}
          {kind === 'gbdt' && (
            <label>
              Depth
              <input
                type="number"
                min={1}
                max={16}
                value={depth}
                onChange={(e) => setDepth(e.target.value)}
              />
            </label>
          )}
          {kind === 'gbdt' && (
            <label>
              Labels
              <select value={label} onChange={(e) => setLabel(e.target.value)}>
                <option value="">
                  {labelColumns.length ? `column ${labelColumns[0].name}` : 'injected scenarios'} + your
                  verdicts
                </option>
                {dataset.columns
                  .filter((c) => c.type !== 'REAL')
                  .map((c) => (
                    <option key={c.sqlName} value={c.name}>
                      column {c.name}
                    </option>
                  ))}
              </select>
            </label>
          )}
          <label>
            Alert threshold
            <select value={policy} onChange={(e) => setPolicy(e.target.value as 'best_f1' | 'budget')}>
              <option value="best_f1">best F1 on the validation slice</option>
              <option value="budget">an alert budget per day</option>
            </select>
          </label>
          {policy === 'budget' && (
            <label>
              Alerts per day
              <input type="number" min={1} value={perDay} onChange={(e) => setPerDay(e.target.value)} />
            </label>
          )}
          <button type="submit" className="btn primary" disabled={busy} data-testid="train-submit">
            Train
          </button>
        </form>
        <p className="muted small">
          Time-ordered split: trained on the earliest 70%, threshold on the next 10%, metrics on the latest
          20%.
        </p>
      </section>
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
                  </td>
                  <td>{KIND_LABEL[m.kind]}</td>
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
    </div>
  );
}
