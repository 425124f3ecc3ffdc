// A model written out of the case: FILE.onnx (or FILE.json for unsupervised detectors) and
// its metadata sidecar FILE.meta.json (feature names and order, training data, parameters,
// metrics).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../../src-shared/result';
import type { TrainedModel } from './train-dataset';

export function writeModelFiles(
  out: string,
  model: TrainedModel,
): Result<{ model: string; metadata: string }> {
  const base = out.replace(/\.(onnx|json)$/i, '');
  const modelFile = model.kind === 'gbdt' ? `${base}.onnx` : `${base}.model.json`;
  const metaFile = `${base}.json`;
  try {
    writeFileSync(modelFile, model.body);
    writeFileSync(metaFile, JSON.stringify(model.metadata, null, 2) + '\n');
  } catch (e) {
    return err(
      'IO',
      `cannot write the model (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { file: path.basename(modelFile) },
    );
  }
  return ok({ model: modelFile, metadata: metaFile });
}
