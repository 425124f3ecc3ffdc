// Features and models of a dataset: build features, train (trees, Isolation Forest, HBOS) with a
// stated threshold policy (models/TrainForm), score with any model of the case, and read each
// model's metrics (models/ModelsTable).
import type { DatasetInfo } from '../../../src-shared/domain';
import { useRequest } from '../hooks/useRequest';
import { runJob, selectCaseBusy, useStore } from '../store';
import { ModelsTable } from './models/ModelsTable';
import { TrainForm } from './models/TrainForm';

export function ModelsView({ dataset }: { dataset: DatasetInfo }) {
  const busy = useStore(selectCaseBusy);
  const models = useRequest('model.list', {}, 'Could not list the models').data;
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
      <TrainForm dataset={dataset} busy={busy} />
      <ModelsTable dataset={dataset} models={models} busy={busy} />
    </div>
  );
}
