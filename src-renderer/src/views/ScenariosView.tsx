// Attack scenarios for trainers and for testing models: inject one into the dataset (labelled,
// removable), see its business rule and cost, then bring the features and scores up to date.
import { useMemo, useState, type FormEvent } from 'react';
import { domainOf, type DatasetInfo, type InjectionInfo } from '../../../src-shared/domain';
import { formatInt, formatNumber, formatTs } from '../format';
import { useRequest } from '../hooks/useRequest';
import { appBridge, bumpData, showError, showNotice, updateScores, useStore, selectCaseBusy } from '../store';
import { SeverityBadge } from './feed/Severity';

export function ScenariosView({ dataset }: { dataset: DatasetInfo }) {
  const busy = useStore(selectCaseBusy);
  const catalog = useRequest('scenario.catalog', {}, 'Could not read the scenarios').data;
  const listed = useRequest('scenario.list', {}, 'Could not list the injections').data;
  const injections = useMemo(
    () => (listed ?? []).filter((i) => i.datasetId === dataset.id),
    [listed, dataset.id],
  );
  const [name, setName] = useState('');
  const [entity, setEntity] = useState('');
  const [intensity, setIntensity] = useState('');
  const [minutes, setMinutes] = useState('');
  const [working, setWorking] = useState(false);
  const roles = useMemo(() => new Set(dataset.columns.map((c) => c.role)), [dataset]);

  // The dataset's own kind of attack first (card fraud for transactions, API abuse for gateway logs).
  const domain = domainOf([...roles]);
  const applicable = (catalog ?? [])
    .filter((s) => s.needs.every((r) => roles.has(r)))
    .sort((a, b) => Number(!a.domains.includes(domain)) - Number(!b.domains.includes(domain)));
  const chosen = applicable.find((s) => s.name === name) ?? applicable[0] ?? null;

  const inject = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    setWorking(true);
    const r = await appBridge().invoke('scenario.inject', {
      datasetId: dataset.id,
      scenario: chosen.name,
      ...(entity.trim() ? { entity: entity.trim() } : {}),
      ...(intensity ? { intensity: Number(intensity) } : {}),
      ...(minutes ? { durationMinutes: Number(minutes) } : {}),
    });
    setWorking(false);
    if (!r.ok) {
      showError(r.error, `Could not inject ${chosen.name}`);
      return;
    }
    showNotice(
      `Injected ${formatInt(r.value.events)} ${chosen.name.replace(/_/g, ' ')} events on ${r.value.entity ?? 'the dataset'}: update the scores to see them in the feed`,
    );
    bumpData();
  };

  const remove = async (inj: InjectionInfo) => {
    const r = await appBridge().invoke('scenario.remove', { injectionId: inj.injectionId });
    if (!r.ok) showError(r.error, 'Could not remove the injection');
    else {
      showNotice(`Removed ${formatInt(r.value.removed)} injected events`);
      bumpData();
    }
  };

  return (
    <div className="panel-page" data-testid="scenarios-view">
      <section className="card">
        <h3>Inject an attack into {dataset.name}</h3>
        {catalog === null ? (
          <p className="muted">Loading…</p>
        ) : applicable.length === 0 ? (
          <p className="muted">
            No scenario applies: they need an entity column, and some an amount, status, device, IP or
            resource.
          </p>
        ) : (
          <form className="form-grid" onSubmit={(e) => void inject(e)} data-testid="inject-form">
            <label>
              Scenario
              <select
                value={chosen?.name ?? ''}
                onChange={(e) => setName(e.target.value)}
                data-testid="inject-scenario"
              >
                {applicable.map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.name.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Target entity
              <input
                value={entity}
                onChange={(e) => setEntity(e.target.value)}
                placeholder="any (chosen by seed)"
                maxLength={500}
              />
            </label>
            <label>
              Events
              <input
                type="number"
                min={1}
                max={100000}
                value={intensity}
                placeholder={chosen ? String(chosen.defaults.intensity) : ''}
                onChange={(e) => setIntensity(e.target.value)}
              />
            </label>
            <label>
              Over minutes
              <input
                type="number"
                min={0.1}
                step="any"
                value={minutes}
                placeholder={chosen ? String(chosen.defaults.durationMinutes) : ''}
                onChange={(e) => setMinutes(e.target.value)}
              />
            </label>
            <button
              type="submit"
              className="btn primary"
              disabled={working || busy}
              data-testid="inject-submit"
            >
              Inject
            </button>
          </form>
        )}
        {chosen && (
          <div className="scenario-card" data-testid="scenario-card">
            <p>{chosen.description}</p>
            <p className="muted">
              <SeverityBadge severity={chosen.risk} /> · respond within {chosen.slaMinutes} min ·{' '}
              {chosen.action}
            </p>
          </div>
        )}
      </section>
      <section className="card grow">
        <div className="card-head">
          <h3>Injected into {dataset.name}</h3>
          <button
            type="button"
            className="btn small"
            disabled={busy || injections.length === 0}
            onClick={() => void rescore(dataset.id)}
            title="Featurise the new events and score them with the models of the feed"
            data-testid="scenarios-update"
          >
            Update features and scores
          </button>
        </div>
        {injections.length === 0 ? (
          <p className="muted">
            Nothing injected yet. Injected events are labelled with their scenario and can be removed.
          </p>
        ) : (
          <table className="grid-table" data-testid="injections-table">
            <thead>
              <tr>
                <th>Scenario</th>
                <th>Entity</th>
                <th className="num">Events</th>
                <th>From (UTC)</th>
                <th>To</th>
                <th>Risk</th>
                <th className="num">Cost</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {injections.map((i) => (
                <tr key={i.injectionId} data-testid="injection-row">
                  <td>{i.scenario.replace(/_/g, ' ')}</td>
                  <td>{i.entity ?? '–'}</td>
                  <td className="num">{formatInt(i.events)}</td>
                  <td>{formatTs(i.start)}</td>
                  <td>{formatTs(i.end)}</td>
                  <td>
                    <SeverityBadge severity={i.business.risk} />
                  </td>
                  <td className="num" title={i.business.costFormula}>
                    {formatNumber(i.business.cost)}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn small ghost"
                      disabled={busy}
                      onClick={() => void remove(i)}
                      data-testid="injection-remove"
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

/** Features for the new events, then every model of the feed scores again. */
async function rescore(datasetId: number): Promise<void> {
  const feed = await appBridge().invoke('feed.page', { datasetId, view: 'open', offset: 0, limit: 1 });
  if (!feed.ok) {
    showError(feed.error, 'Could not read the feed');
    return;
  }
  await updateScores(
    datasetId,
    feed.value.models.map((m) => m.id),
  );
}
