// Datasets of the open case (a listbox: arrows move, click selects), then the running jobs.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { DatasetInfo } from '../../../src-shared/domain';
import { formatInt } from '../format';
import { selectDatasetId, useStore } from '../store';
import { JobsPanel } from './JobsPanel';

const FORMAT_LABEL: Record<DatasetInfo['format'], string> = {
  csv: 'CSV',
  tsv: 'TSV',
  jsonl: 'JSONL',
  syslog: 'server log',
  parquet: 'Parquet',
};

function datasetTitle(d: DatasetInfo): string {
  const parts = [
    d.name,
    `${formatInt(d.rows)} rows · ${d.columns.length} columns · ${FORMAT_LABEL[d.format]}`,
  ];
  if (d.sourceFile) parts.push(`from ${d.sourceFile}`);
  if (d.timeColumn) parts.push(`time: ${d.timeColumn}`);
  return parts.join('\n');
}

export function Sidebar() {
  const datasets = useStore((s) => s.caseInfo?.datasets ?? null);
  const selected = useStore((s) => s.selectedDatasetId);
  const items = useRef(new Map<number, HTMLLIElement>());
  const moved = useRef(false);

  // Keyboard moves focus along with the selection.
  useEffect(() => {
    if (moved.current && selected !== null) {
      moved.current = false;
      items.current.get(selected)?.focus();
    }
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (!datasets?.length) return;
    const i = datasets.findIndex((d) => d.id === selected);
    let next = -1;
    if (e.key === 'ArrowDown') next = Math.min(datasets.length - 1, i + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, i < 0 ? 0 : i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = datasets.length - 1;
    else return;
    e.preventDefault();
    moved.current = true;
    if (datasets[next].id === selected) items.current.get(selected)?.focus();
    else selectDatasetId(datasets[next].id);
  };

  return (
    <nav className="sidebar" aria-label="Datasets">
      <div className="sidebar-head">
        <h2 className="sidebar-title" id="datasets-title">
          Datasets
        </h2>
        {datasets && <span className="sidebar-count">{datasets.length}</span>}
      </div>
      {datasets === null ? (
        <p className="sidebar-empty">No case open</p>
      ) : datasets.length === 0 ? (
        <p className="sidebar-empty">No datasets yet</p>
      ) : (
        <ul className="dataset-list" role="listbox" aria-labelledby="datasets-title" onKeyDown={onKeyDown}>
          {datasets.map((d) => {
            const isSelected = d.id === selected;
            return (
              <li
                key={d.id}
                ref={(el) => {
                  if (el) items.current.set(d.id, el);
                  else items.current.delete(d.id);
                }}
                role="option"
                aria-selected={isSelected}
                tabIndex={isSelected || (selected === null && d === datasets[0]) ? 0 : -1}
                className={isSelected ? 'dataset-item selected' : 'dataset-item'}
                data-testid="dataset-item"
                data-dataset-id={d.id}
                title={datasetTitle(d)}
                onClick={() => selectDatasetId(d.id)}
              >
                <span className="dataset-name">{d.name}</span>
                <span className="dataset-meta">
                  <span className="dataset-rows">{formatInt(d.rows)}</span>
                  <span className={`format-badge fmt-${d.format}`}>{FORMAT_LABEL[d.format]}</span>
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <JobsPanel />
      <p className="sidebar-hint">↑ ↓ to switch datasets</p>
    </nav>
  );
}
