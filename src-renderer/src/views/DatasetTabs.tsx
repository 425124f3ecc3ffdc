// The views of the selected dataset: anomalies, events, rule alerts, models, evaluation,
// scenarios (keys 1–6).
import { useEffect } from 'react';
import type { DatasetInfo } from '../../../src-shared/domain';
import { isEditable } from '../hooks/useShortcuts';
import { setTab, TABS, useStore, type Tab } from '../store';
import { AlertsView } from './AlertsView';
import { EvaluationView } from './EvaluationView';
import { EventsTable } from './EventsTable';
import { FeedView } from './feed/FeedView';
import { FilterBar } from './FilterBar';
import { ModelsView } from './ModelsView';
import { ScenariosView } from './ScenariosView';

const LABEL: Record<Tab, string> = {
  anomalies: 'Anomalies',
  events: 'Events',
  alerts: 'Rule alerts',
  models: 'Models',
  evaluation: 'Evaluation',
  scenarios: 'Scenarios',
};

export function DatasetTabs({ dataset }: { dataset: DatasetInfo }) {
  const tab = useStore((s) => s.tab);
  const epoch = useStore((s) => s.connectionEpoch);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isEditable(e.target)) return;
      const i = Number(e.key) - 1;
      if (Number.isInteger(i) && i >= 0 && i < TABS.length) {
        e.preventDefault();
        setTab(TABS[i]);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      <div className="tabs" role="tablist" aria-label={`Views of ${dataset.name}`}>
        {TABS.map((t, i) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={tab === t ? 'tab on' : 'tab'}
            onClick={() => setTab(t)}
            data-testid={`tab-${t}`}
            aria-keyshortcuts={String(i + 1)}
            title={`${LABEL[t]} (${i + 1})`}
          >
            {LABEL[t]} <kbd>{i + 1}</kbd>
          </button>
        ))}
        <span className="tabs-dataset">{dataset.name}</span>
      </div>
      <div className="tab-panel" role="tabpanel">
        {tab === 'anomalies' && <FeedView key={`a${epoch}:${dataset.id}`} dataset={dataset} />}
        {tab === 'events' && (
          <>
            <FilterBar key={`f${epoch}:${dataset.id}`} dataset={dataset} />
            <EventsTable key={`t${epoch}:${dataset.id}`} dataset={dataset} />
          </>
        )}
        {tab === 'alerts' && <AlertsView dataset={dataset} />}
        {tab === 'models' && <ModelsView dataset={dataset} />}
        {tab === 'evaluation' && <EvaluationView dataset={dataset} />}
        {tab === 'scenarios' && <ScenariosView dataset={dataset} />}
      </div>
    </>
  );
}
