// The feature configuration (config/feature_config.yaml), validated at load.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fail } from '../../../src-shared/result';
import { parseYamlConfig, readConfigText } from '../config-file';

export const FEATURE_KINDS = [
  'count',
  'time_since_last',
  'value',
  'zscore',
  'rolling_std',
  'max',
  'sum',
  'vs_p95',
  'distinct',
  'failure_ratio',
  'hour',
  'weekday',
  'off_hours',
  'first_seen',
] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

/** Columns a feature can read, by canonical role. */
export const FEATURE_COLUMNS = ['amount', 'src_ip', 'device', 'resource', 'status', 'entity'] as const;
export type FeatureColumn = (typeof FEATURE_COLUMNS)[number];
export const GROUP_KEYS = ['entity', 'src_ip'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

const windowRe = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration such as 30s, 5m, 1h, 7d, in milliseconds; null when it is not one. */
export function parseDuration(text: string): number | null {
  const m = windowRe.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : null;
}

const featureSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'feature names are lower_snake_case'),
    kind: z.enum(FEATURE_KINDS),
    column: z.enum(FEATURE_COLUMNS).optional(),
    window: z.string().regex(windowRe, 'a window is a number and a unit: 30m, 1h, 7d').optional(),
    by: z.enum(GROUP_KEYS).optional(),
  })
  .strict();

const configSchema = z
  .object({
    version: z.literal(1),
    off_hours: z
      .object({ from: z.number().int().min(0).max(23), to: z.number().int().min(0).max(23) })
      .strict(),
    failure_values: z.array(z.string().min(1)).min(1),
    features: z.array(featureSchema).min(1).max(200),
  })
  .strict();

export interface FeatureSpec {
  name: string;
  kind: FeatureKind;
  column: FeatureColumn | null;
  windowMs: number | null;
  by: GroupKey;
}

export interface FeatureConfig {
  offHours: { from: number; to: number };
  failureValues: string[];
  features: FeatureSpec[];
  /** Hash of the configuration: stored features are recomputed when it changes. */
  hash: string;
}

const NEEDS_COLUMN = new Set<FeatureKind>([
  'value',
  'zscore',
  'rolling_std',
  'max',
  'sum',
  'vs_p95',
  'distinct',
  'failure_ratio',
  'first_seen',
]);
const NEEDS_WINDOW = new Set<FeatureKind>([
  'count',
  'rolling_std',
  'max',
  'sum',
  'distinct',
  'failure_ratio',
]);

export function parseFeatureConfig(text: string, file: string): FeatureConfig {
  const data = parseYamlConfig(text, file, configSchema);
  const names = new Set<string>();
  const features = data.features.map((f, i): FeatureSpec => {
    const where = `features.${i} (${f.name})`;
    if (names.has(f.name)) fail('BAD_REQUEST', `${where}: the name is used twice`, { file });
    names.add(f.name);
    if (NEEDS_COLUMN.has(f.kind) && !f.column)
      fail('BAD_REQUEST', `${where}: a ${f.kind} feature needs a column`, { file });
    if (NEEDS_WINDOW.has(f.kind) && !f.window)
      fail('BAD_REQUEST', `${where}: a ${f.kind} feature needs a window`, { file });
    const windowMs = f.window ? parseDuration(f.window) : null;
    return {
      name: f.name,
      kind: f.kind,
      column: f.column ?? null,
      windowMs,
      by: f.by ?? 'entity',
    };
  });
  return {
    offHours: data.off_hours,
    failureValues: data.failure_values.map((v) => v.toLowerCase()),
    features,
    hash: createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16),
  };
}

/** The project's folder (where package.json is), from source or from the build. */
export function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export function loadFeatureConfig(
  file = path.join(projectRoot(), 'config', 'feature_config.yaml'),
): FeatureConfig {
  return parseFeatureConfig(readConfigText(file, 'feature configuration'), file);
}
