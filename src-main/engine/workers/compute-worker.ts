// Compute worker: CPU work over a case read through its own read-only connection: feature
// builds, model training, scoring. One task per worker; results go back to the host, which
// hands anything to store to the DB worker (the case's only writer).
import { parentPort, workerData } from 'node:worker_threads';
import { fail, toAppError } from '../../../src-shared/result';
import { listDatasets } from '../db/case-store';
import { closeCaseDb, openCaseDb } from '../db/open-case';
import { buildFeatures, type BuildRequest } from '../features/build';
import {
  latestModelId,
  loadScoringInput,
  readModelFile,
  readStoredModel,
  scoresInProcess,
  scoreWithDetector,
  type StoredModel,
} from '../models/score-dataset';
import { trainOnDataset, type TrainRequest } from '../models/train-dataset';
import { featureBuffers } from '../models/feature-input';
import { isCancelled } from '../ingest/protocol';
import { replayDataset } from '../rules/replay';
import { loadRulesConfig } from '../rules/config';

export type ComputeTask =
  | ({ type: 'features' } & BuildRequest)
  | ({ type: 'train'; casePath: string } & TrainRequest)
  | {
      type: 'score';
      casePath: string;
      datasetId: number;
      modelId?: number;
      modelFile?: string;
      modelName?: string;
    }
  | { type: 'rules'; casePath: string; datasetId: number; configPath?: string };

const { task, cancel } = workerData as { task: ComputeTask; cancel: SharedArrayBuffer };
const port = parentPort!;
const progress = (phase: string, rows: number) => port.postMessage({ type: 'progress', phase, rows });

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

async function run(): Promise<void> {
  switch (task.type) {
    case 'features': {
      const outcome = buildFeatures(task, new Int32Array(cancel), progress);
      const transfer =
        outcome.mode === 'current'
          ? []
          : [outcome.write.ids.buffer, ...outcome.write.values.map((v) => v.buffer)];
      port.postMessage({ type: 'done', outcome }, transfer as ArrayBuffer[]);
      return;
    }
    case 'train': {
      const flag = new Int32Array(cancel);
      const trained = await withDataset(task.casePath, task.datasetId, (db, ds) =>
        trainOnDataset(
          db,
          ds,
          task,
          (done) => progress('training', done),
          () => isCancelled(flag),
        ),
      );
      port.postMessage({ type: 'done', outcome: trained });
      return;
    }
    case 'score': {
      // Detectors are scored here; ONNX models come back with their inputs for the ONNX worker.
      const out = await withDataset(task.casePath, task.datasetId, (db, ds) => {
        const model: StoredModel = task.modelFile
          ? readModelFile(task.modelFile, task.modelName)
          : readStoredModel(db, task.modelId ?? latestModelId(db, ds.id));
        progress('reading', 0);
        const input = loadScoringInput(db, ds, model);
        progress('scoring', input.ids.length);
        const scores =
          scoresInProcess(model) && Array.isArray(input.features)
            ? scoreWithDetector(model, input.features)
            : null;
        return { model, ids: input.ids, features: scores ? [] : input.features, scores };
      });
      const transfer = [
        out.ids.buffer,
        ...featureBuffers(out.features),
        ...(out.scores ? [out.scores.buffer] : []),
      ];
      port.postMessage({ type: 'done', outcome: out }, transfer as ArrayBuffer[]);
      return;
    }
    case 'rules': {
      const flag = new Int32Array(cancel);
      const cfg = loadRulesConfig(task.configPath);
      const run = await withDataset(task.casePath, task.datasetId, (db, ds) =>
        replayDataset(db, ds, progress, () => isCancelled(flag), cfg),
      );
      port.postMessage({ type: 'done', outcome: run });
      return;
    }
  }
}

run().catch((e: unknown) => port.postMessage({ type: 'error', error: toAppError(e) }));
