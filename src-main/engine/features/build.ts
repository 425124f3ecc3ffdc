// A feature build, from a read-only view of the case to the arrays the DB worker stores.
// Runs in a compute worker.
import { fail } from '../../../src-shared/result';
import { listDatasets } from '../db/case-store';
import { readFeatureSet, type FeatureWrite } from '../db/features-store';
import { closeCaseDb, openCaseDb } from '../db/open-case';
import { isCancelled } from '../ingest/protocol';
import { computeFeatures } from './compute';
import { loadFeatureConfig } from './config';
import { loadFeatureInput } from './load';
import { planFeatures } from './plan';

export interface BuildRequest {
  casePath: string;
  datasetId: number;
  force: boolean;
  configPath?: string;
}

export type BuildOutcome =
  | { mode: 'current'; names: string[]; rows: number }
  | { mode: 'full' | 'incremental'; reason: string; write: FeatureWrite };

export function buildFeatures(
  req: BuildRequest,
  cancel: Int32Array,
  progress: (phase: string, rows: number) => void,
): BuildOutcome {
  const started = performance.now();
  const config = loadFeatureConfig(req.configPath);
  const db = openCaseDb(req.casePath, { readonly: true });
  try {
    const ds =
      listDatasets(db).find((d) => d.id === req.datasetId) ??
      fail('BAD_REQUEST', `no dataset with id ${req.datasetId} in this case`);
    progress('reading', 0);
    const input = loadFeatureInput(db, ds, config.failureValues, (n) => progress('reading', n));
    if (isCancelled(cancel)) fail('CANCELLED', 'feature build cancelled');
    const stored = readFeatureSet(db, ds.id);
    const plan = planFeatures(config, input, stored, req.force);
    if (plan.mode === 'current') return { mode: 'current', names: stored!.names, rows: input.n };
    progress('computing', input.n);
    const want = plan.mode === 'incremental' ? plan.want : undefined;
    const out = computeFeatures(config, input, want);
    if (isCancelled(cancel)) fail('CANCELLED', 'feature build cancelled');
    const first = plan.mode === 'incremental' ? input.n - plan.newRows : 0;
    return {
      mode: plan.mode,
      reason: plan.mode === 'full' ? plan.reason : `${plan.newRows} new events`,
      write: {
        datasetId: ds.id,
        mode: plan.mode,
        names: out.names,
        configHash: config.hash,
        // (a full build hands over its arrays as they are; no copy of a million rows)
        ids: first === 0 ? Float64Array.from(input.id) : input.id.slice(first),
        values: first === 0 ? out.values : out.values.map((v) => v.slice(first)),
        maxEventId: input.n ? input.id[input.n - 1] : 0,
        totalRows: input.n,
        seconds: (performance.now() - started) / 1000,
      },
    };
  } finally {
    closeCaseDb(db);
  }
}
