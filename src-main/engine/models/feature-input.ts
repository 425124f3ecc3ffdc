// The features a model scores, as columns or as rows. Rows are an ONNX model's own input and go
// to onnxruntime as they are; the detectors read columns.

/** Rows of features, row by row (row r, feature f at r * features + f). */
export interface FeatureRows {
  data: Float32Array;
  features: number;
}

/** Features as columns (one array per feature, in the model's order) or as rows. */
export type FeatureInput = Float32Array[] | FeatureRows;

/** The buffers to transfer when posting features to another thread. */
export const featureBuffers = (input: FeatureInput): ArrayBuffer[] =>
  (Array.isArray(input) ? input.map((c) => c.buffer) : [input.data.buffer]) as ArrayBuffer[];
