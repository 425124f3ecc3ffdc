// What a feature build has to do: everything, only the events added since the last build, or
// nothing. Only-new is right when the configuration is the same and no new event is earlier
// than an already-featurised event of its group (point-in-time: earlier values cannot change).
import type { FeatureConfig } from './config';
import type { FeatureInput } from './compute';
import { applicableFeatures } from './compute';

export interface StoredFeatureSet {
  names: string[];
  configHash: string;
  maxEventId: number;
}

export type FeaturePlan =
  | { mode: 'current' }
  | { mode: 'full'; reason: string }
  | { mode: 'incremental'; want: Uint8Array; newRows: number };

export function planFeatures(
  config: FeatureConfig,
  input: FeatureInput,
  stored: StoredFeatureSet | null,
  force: boolean,
): FeaturePlan {
  if (force) return { mode: 'full', reason: 'asked for' };
  if (!stored) return { mode: 'full', reason: 'first build' };
  const names = applicableFeatures(config, input).map((f) => f.name);
  if (stored.configHash !== config.hash || stored.names.join() !== names.join()) {
    return { mode: 'full', reason: 'the feature configuration changed' };
  }
  const n = input.n;
  let first = n; // index of the first new event (ids ascend)
  while (first > 0 && input.id[first - 1] > stored.maxEventId) first--;
  if (first === n) return { mode: 'current' };
  for (const key of ['entity', 'src_ip'] as const) {
    const codes = key === 'entity' ? (input.codes.entity ?? null) : (input.codes.src_ip ?? null);
    if (key === 'src_ip' && !config.features.some((f) => f.by === 'src_ip')) continue;
    if (key === 'src_ip' && !codes) continue;
    const latest = new Map<number, number>();
    for (let i = 0; i < first; i++) {
      const g = codes ? codes[i] : 0;
      const t = input.ts[i];
      if (t === t && !(latest.get(g)! >= t)) latest.set(g, t);
    }
    for (let i = first; i < n; i++) {
      const t = input.ts[i];
      const before = latest.get(codes ? codes[i] : 0);
      if (before !== undefined && !(t >= before))
        return { mode: 'full', reason: 'new events are earlier than events already featurised' };
    }
  }
  const want = new Uint8Array(n);
  want.fill(1, first);
  return { mode: 'incremental', want, newRows: n - first };
}
