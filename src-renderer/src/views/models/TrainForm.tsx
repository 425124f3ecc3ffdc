// The form that trains a model on a dataset: trees (with labels) or an unsupervised detector,
// how its alert threshold is set, and which of the dataset's own columns it may read.
import { useState, type FormEvent } from 'react';
import {
  MODEL_KIND_LABEL,
  MODEL_KINDS,
  type DatasetInfo,
  type ModelKind,
} from '../../../../src-shared/domain';
import { useRequest } from '../../hooks/useRequest';
import { runJob } from '../../store';

type Kind = ModelKind;
/** Kinds with a number of trees to choose. */
const HAS_TREES: ReadonlySet<Kind> = new Set(['gbdt', 'iforest', 'eif']);

export function TrainForm({ dataset, busy }: { dataset: DatasetInfo; busy: boolean }) {
  const [kind, setKind] = useState<Kind>('gbdt');
  const [trees, setTrees] = useState('100');
  const [depth, setDepth] = useState('6');
  const [policy, setPolicy] = useState<'best_f1' | 'budget'>('best_f1');
  const [perDay, setPerDay] = useState('20');
  const labelColumns = dataset.columns.filter((c) => c.role === 'label');
  const [label, setLabel] = useState('');
  /** Columns the analyst unticked (by name). */
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const described = useRequest('dataset.columns', { datasetId: dataset.id }).data;
  const labelName = label || labelColumns[0]?.name;
  const candidates = dataset.columns.filter(
    (c) => c.role !== 'time' && c.name !== dataset.timeColumn && c.name !== labelName,
  );
  const toggle = (name: string) =>
    setExcluded((prev) => {
      const next = new Set(prev);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

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
        ...(kind === 'gbdt' ? { trees: t, maxDepth: d } : HAS_TREES.has(kind) ? { trees: t } : {}),
        ...(label ? { label } : {}),
        ...(policy === 'budget' ? { alertsPerDay: budget } : {}),
        ...(excluded.size ? { excludeColumns: [...excluded] } : {}),
      },
      `Could not train on ${dataset.name}`,
    );
  };

  return (
    <section className="card">
      <h3>Train a model on {dataset.name}</h3>
      <form className="form-grid" onSubmit={train} data-testid="train-form">
        <label>
          Model
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="train-kind">
            {MODEL_KINDS.map((k) => (
              <option key={k} value={k}>
                {MODEL_KIND_LABEL[k]} {k === 'gbdt' ? '(needs labels)' : '(no labels)'}
              </option>
            ))}
          </select>
        </label>
        {HAS_TREES.has(kind) && (
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
            <input type="number" min={1} max={16} value={depth} onChange={(e) => setDepth(e.target.value)} />
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
      <details className="column-picker" data-testid="train-columns">
        <summary>
          The dataset&apos;s own columns as inputs: {candidates.length - excluded.size} of {candidates.length}
        </summary>
        <p className="muted small">
          Numbers as they are, yes/no as 1/0, categories by how common each value was in training, free text
          by its character statistics; identifiers and constant columns are left out by themselves (the model
          lists them). Beside these, the point-in-time features.
        </p>
        <div className="column-chips">
          {candidates.map((c) => {
            const d = described?.find((x) => x.sqlName === c.sqlName);
            const title = d
              ? `${c.type.toLowerCase()}, ${d.distinct.toLocaleString('en-US')} distinct in the first ${d.sampled.toLocaleString('en-US')} rows${d.nulls ? `, ${d.nulls.toLocaleString('en-US')} empty` : ''}; e.g. ${d.examples.map((v) => JSON.stringify(v)).join(', ')}`
              : c.type.toLowerCase();
            return (
              <label key={c.sqlName} className="chip" title={title}>
                <input type="checkbox" checked={!excluded.has(c.name)} onChange={() => toggle(c.name)} />
                {c.name}
              </label>
            );
          })}
        </div>
      </details>
      <p className="muted small">
        Split: by time when the events have times (trained on the earliest 70%, threshold on the next 10%,
        metrics on the latest 20%); without times, a seeded shuffle stratified by label.
        {kind !== 'gbdt' &&
          ' Detectors are fitted on the training rows you marked normal (false positive) once there are 50 of them, else on all training rows but the attacks you confirmed.'}
      </p>
    </section>
  );
}
