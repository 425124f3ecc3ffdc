// Reading an ONNX model's metadata without loading onnxruntime (which a process can load in
// one thread only: see onnx-client.ts).
import { ModelProto, StringStringEntryProto } from './fields';
import { readFields } from './protobuf';

/** The model's metadata_props, read from its bytes. */
export function onnxMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    const decode = (v: bigint | Uint8Array | undefined) =>
      v instanceof Uint8Array ? new TextDecoder().decode(v) : '';
    for (const entry of readFields(bytes).get(ModelProto.metadata_props) ?? []) {
      if (!(entry instanceof Uint8Array)) continue;
      const f = readFields(entry);
      out[decode(f.get(StringStringEntryProto.key)?.[0])] = decode(f.get(StringStringEntryProto.value)?.[0]);
    }
  } catch {
    // not protobuf: the session has refused it already
  }
  return out;
}

/**
 * Feature names as a model's `feature_names` metadata gives them: a JSON array of strings, or
 * the names separated by commas. Throws an Error saying what is wrong with them.
 */
export function parseFeatureNames(raw: string): string[] {
  const t = raw.trim();
  let names: unknown;
  if (t.startsWith('[')) {
    try {
      names = JSON.parse(t);
    } catch {
      throw new Error('its "feature_names" starts like a JSON array but is not valid JSON');
    }
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string'))
      throw new Error('its "feature_names" is not a JSON array of strings');
  } else names = t.split(',').map((n) => n.trim());
  const list = names as string[];
  if (!list.length || list.some((n) => !n)) throw new Error('its "feature_names" has an empty name');
  const seen = new Set<string>();
  for (const n of list) {
    if (seen.has(n)) throw new Error(`its "feature_names" names "${n}" twice`);
    seen.add(n);
  }
  return list;
}
