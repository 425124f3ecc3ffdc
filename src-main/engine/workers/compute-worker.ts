// Compute worker: CPU work over a case read through its own read-only connection: feature
// builds, model training, scoring, rules replays. One task per worker (a cancel may end it at
// once); results go back to the host, which hands anything to store to the DB worker (the
// case's only writer).
import { parentPort } from 'node:worker_threads';
import { fail } from '../../../src-shared/result';
import { transferring } from '../../../src-shared/rpc';
import { listDatasets } from '../db/case-store';
import { closeCaseDb, openCaseDb } from '../db/open-case';
import { buildFeatures, type BuildOutcome, type BuildRequest } from '../features/build';
import {
  latestModelId,
  loadScoringInput,
  readModelFile,
  readStoredModel,
  scoresInProcess,
  scoreWithDetector,
  type StoredModel,
} from '../models/score-dataset';
import { trainOnDataset, type TrainedModel, type TrainRequest } from '../models/train-dataset';
import { featureBuffers, type FeatureInput } from '../models/feature-input';
import { isCancelled } from '../ingest/protocol';
import { replayDataset } from '../rules/replay';
import { loadRulesConfig } from '../rules/config';
import type { RulesRun } from '../db/rules-store';
import { serveWorker } from '../worker-rpc';
import { warmUpIds } from '../feed/rank';
import { certFolder, certUserDays, type CertSummary } from '../ingest/cert';
import { prepareIeee, type IeeeSummary } from '../ingest/ieee-cis';
import { preparePaysim } from '../ingest/paysim';
import { writeNabFolder, type NabFolderSummary } from '../nab/import';

export interface ScoreTask {
  casePath: string;
  datasetId: number;
  modelId?: number;
  modelFile?: string;
  /** Name to keep a model file under (an upload's own name, not its temporary one). */
  modelName?: string;
}

/** Scored here (detectors), or the model and its inputs for the ONNX worker (`scores` null). */
export interface ScoreReady {
  model: StoredModel;
  ids: Float64Array;
  features: FeatureInput;
  scores: Float64Array | null;
  /** Events whose scores raise no alert (a detector's warm-up: the dataset's first day). */
  quiet: number[];
}

export type ComputeApi = {
  /** The job's cancel flag: a worker is started before it knows which job it will serve. */
  arm: { params: { cancel: SharedArrayBuffer }; result: null };
  features: { params: BuildRequest; result: BuildOutcome };
  train: { params: TrainRequest & { casePath: string }; result: TrainedModel };
  score: { params: ScoreTask; result: ScoreReady };
  rules: { params: { casePath: string; datasetId: number; configPath?: string }; result: RulesRun };
  /** A CERT insider-threat folder read into user-days, written as CSV to `out`. */
  cert: { params: { folder: string; out: string }; result: CertSummary };
  /** A folder of NAB series, written as one CSV to `out` (with the label windows when found). */
  nabFolder: { params: { folder: string; out: string }; result: NabFolderSummary };
  /** PaySim transactions with their balance differences, written as CSV to `out`. */
  paysim: { params: { file: string; out: string }; result: { rows: number; columns: string[] } };
  /** IEEE-CIS transactions with their card_id and identity columns, written as CSV to `out`. */
  ieee: { params: { transactions: string; identity: string | null; out: string }; result: IeeeSummary };
};
export type ComputeEvents = { progress: { phase: string; rows: number } };

let cancel = new Int32Array(new SharedArrayBuffer(4));
const cancelled = () => isCancelled(cancel);

/** Runs `work` with a read-only view of the case and the dataset it is about. */
async function withDataset<T>(
  casePath: string,
  datasetId: number,
  work: (db: ReturnType<typeof openCaseDb>, ds: ReturnType<typeof listDatasets>[number]) => T | Promise<T>,
): Promise<T> {
  const db = openCaseDb(casePath, { readonly: true });
  try {
    const ds =
      listDatasets(db).find((d) => d.id === datasetId) ??
      fail('BAD_REQUEST', `no dataset with id ${datasetId} in this case`);
    return await work(db, ds);
  } finally {
    closeCaseDb(db);
  }
}

serveWorker<ComputeApi, ComputeEvents>(parentPort!, {
  arm: (task) => {
    cancel = new Int32Array(task.cancel);
    return null;
  },
  features: (task, { emit }) => {
    const outcome = buildFeatures(task, cancel, (phase, rows) => emit('progress', { phase, rows }));
    return transferring(
      outcome,
      outcome.mode === 'current'
        ? []
        : [outcome.write.ids.buffer, ...outcome.write.values.map((v) => v.buffer)],
    );
  },
  train: (task, { emit }) =>
    withDataset(task.casePath, task.datasetId, (db, ds) =>
      trainOnDataset(db, ds, task, (done) => emit('progress', { phase: 'training', rows: done }), cancelled),
    ),
  score: async (task, { emit }) => {
    // Detectors are scored here; ONNX models come back with their inputs for the ONNX worker.
    const out = await withDataset(task.casePath, task.datasetId, (db, ds): ScoreReady => {
      const model: StoredModel = task.modelFile
        ? readModelFile(task.modelFile, task.modelName)
        : readStoredModel(db, task.modelId ?? latestModelId(db, ds.id));
      emit('progress', { phase: 'reading', rows: 0 });
      const input = loadScoringInput(db, ds, model);
      emit('progress', { phase: 'scoring', rows: input.ids.length });
      const scores =
        scoresInProcess(model) && Array.isArray(input.features)
          ? scoreWithDetector(model, input.features)
          : null;
      const quiet = scores ? [...warmUpIds(db, ds.id)] : [];
      return { model, ids: input.ids, features: scores ? [] : input.features, scores, quiet };
    });
    return transferring(out, [
      out.ids.buffer,
      ...featureBuffers(out.features),
      ...(out.scores ? [out.scores.buffer] : []),
    ]);
  },
  cert: (task, { emit }) => {
    const folder =
      certFolder(task.folder) ??
      fail('IO', 'not a CERT insider-threat folder (no logon.csv)', { file: task.folder });
    return certUserDays(folder, task.out, cancelled, (phase, rows) => emit('progress', { phase, rows }));
  },
  nabFolder: (task, { emit }) =>
    writeNabFolder(task.folder, task.out, cancelled, (phase, rows) => emit('progress', { phase, rows })),
  paysim: (task, { emit }) =>
    preparePaysim(task.file, task.out, cancelled, (phase, rows) => emit('progress', { phase, rows })),
  ieee: (task, { emit }) =>
    prepareIeee(task.transactions, task.identity, task.out, cancelled, (phase, rows) =>
      emit('progress', { phase, rows }),
    ),
  rules: (task, { emit }) => {
    const cfg = loadRulesConfig(task.configPath);
    return withDataset(task.casePath, task.datasetId, (db, ds) =>
      replayDataset(db, ds, (phase, rows) => emit('progress', { phase, rows }), cancelled, cfg),
    );
  },
});
