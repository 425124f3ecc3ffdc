// Reading an ONNX model's metadata without loading onnxruntime (which a process can load in
// one thread only: see onnx-client.ts).
import { readFields } from './protobuf';

/** The model's metadata_props (ModelProto field 14), read from its bytes. */
export function onnxMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    const decode = (v: bigint | Uint8Array | undefined) =>
      v instanceof Uint8Array ? new TextDecoder().decode(v) : '';
    for (const entry of readFields(bytes).get(14) ?? []) {
      if (!(entry instanceof Uint8Array)) continue;
      const f = readFields(entry);
      out[decode(f.get(1)?.[0])] = decode(f.get(2)?.[0]);
    }
  } catch {
    // not protobuf: the session has refused it already
  }
  return out;
}
