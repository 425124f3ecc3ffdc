// Rule thresholds (config/rules.yaml), validated at load: a bad value is an error naming the field.
import path from 'node:path';
import { z } from 'zod';
import { fail } from '../../../src-shared/result';
import { parseYamlConfig, readConfigText } from '../config-file';
import { parseDuration, projectRoot } from '../features/config';

import { SEVERITIES, type Severity } from '../../../src-shared/domain';
export { SEVERITIES, type Severity };

export const RULE_NAMES = [
  'rate_spike',
  'complexity',
  'auth_failures',
  'new_field',
  'data_volume',
  'cross_table',
  'brute_force',
  'query_latency',
  'error_rate',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

const duration = z
  .string()
  .refine((s) => parseDuration(s) !== null, 'a duration is a number and a unit: 30s, 5m, 1h, 14d');
/** Windows of the per-key and per-operation counters: whole minutes, 1 to 30. */
const windowMinutes = duration.refine((s) => {
  const ms = parseDuration(s)!;
  return ms % 60_000 === 0 && ms >= 60_000 && ms <= 30 * 60_000;
}, 'a rule window is whole minutes, from 1m to 30m');
const multiplier = z.number().min(1).max(1000);
const positiveInt = z.number().int().min(1).max(1_000_000);

const common = {
  enabled: z.boolean(),
  severity: z.enum(SEVERITIES),
  /** The rule's starting confidence, in points (feedback moves it). */
  confidence: z.number().int().min(0).max(100),
};
const rule = <T extends z.ZodRawShape>(shape: T) => z.object({ ...common, ...shape }).strict();

const cidr = z
  .string()
  .refine((s) => parseCidr(s) !== null, 'a CIDR is an IPv4 address and a prefix length: 10.0.0.0/8');

const schema = z
  .object({
    version: z.literal(1),
    baselines: z
      .object({
        window: duration,
        silent_after: duration,
        warmup: duration,
        warmup_sets: duration,
        new_key_confidence: z.number().gt(0).max(1),
        new_key_learning: duration,
      })
      .strict(),
    cooldown: duration,
    correlation_window: duration,
    pii_fields: z.array(z.string().min(1)).min(1),
    admin_keys: z.object({ suffix: z.string(), keys: z.array(z.string().min(1)) }).strict(),
    allowlist_cidrs: z.array(cidr),
    rules: z
      .object({
        rate_spike: rule({
          window: windowMinutes,
          multiplier,
          noise_sigmas: z.number().min(0).max(20),
          min_events: positiveInt,
        }),
        complexity: rule({ threshold: z.number().positive(), consecutive: positiveInt }),
        auth_failures: rule({ per_minute: positiveInt }),
        new_field: rule({ pii_only: z.boolean(), bypass: z.array(z.string().min(1)) }),
        data_volume: rule({
          window: windowMinutes,
          multiplier,
          admin_multiplier: multiplier,
          noise_sigmas: z.number().min(0).max(20),
          min_rows: positiveInt,
        }),
        cross_table: rule({}),
        brute_force: rule({ alert_at: positiveInt, rate_limit_at: positiveInt }),
        query_latency: rule({ window: windowMinutes, multiplier, min_samples: positiveInt }),
        error_rate: rule({
          window: windowMinutes,
          threshold_pct: z.number().gt(0).max(100),
          min_requests: positiveInt,
        }),
      })
      .strict(),
  })
  .strict();

type Raw = z.output<typeof schema>;

export interface RuleCommon {
  enabled: boolean;
  severity: Severity;
  confidence: number;
}

export interface RulesConfig {
  baselineWindowMs: number;
  silentAfterMs: number;
  warmupMs: number;
  warmupSetsMs: number;
  newKeyConfidence: number;
  newKeyLearningMs: number;
  cooldownMs: number;
  correlationWindowMs: number;
  piiFields: string[];
  adminSuffix: string;
  adminKeys: string[];
  allowlist: { net: number; mask: number; text: string }[];
  rules: {
    rate_spike: RuleCommon & {
      windowMin: number;
      multiplier: number;
      noiseSigmas: number;
      minEvents: number;
    };
    complexity: RuleCommon & { threshold: number; consecutive: number };
    auth_failures: RuleCommon & { perMinute: number };
    new_field: RuleCommon & { piiOnly: boolean; bypass: RegExp[] };
    data_volume: RuleCommon & {
      windowMin: number;
      multiplier: number;
      adminMultiplier: number;
      noiseSigmas: number;
      minRows: number;
    };
    cross_table: RuleCommon;
    brute_force: RuleCommon & { alertAt: number; rateLimitAt: number };
    query_latency: RuleCommon & { windowMin: number; multiplier: number; minSamples: number };
    error_rate: RuleCommon & { windowMin: number; thresholdPct: number; minRequests: number };
  };
}

const ms = (s: string) => parseDuration(s)!;
const minutes = (s: string) => parseDuration(s)! / 60_000;
const base = (r: { enabled: boolean; severity: Severity; confidence: number }): RuleCommon => ({
  enabled: r.enabled,
  severity: r.severity,
  confidence: r.confidence,
});

/** "Beta.*" → /^beta\..*$/i: the bypass list's patterns. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** An IPv4 CIDR as a network and a mask (unsigned 32-bit), or null. */
export function parseCidr(text: string): { net: number; mask: number } | null {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const ip = ipv4ToInt(m[1]);
  const bits = m[2] === undefined ? 32 : Number(m[2]);
  if (ip === null || bits > 32) return null;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { net: (ip & mask) >>> 0, mask };
}

export function ipv4ToInt(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    v = v * 256 + Number(p);
  }
  return v;
}

export function parseRulesConfig(text: string, file: string): RulesConfig {
  const d: Raw = parseYamlConfig(text, file, schema);
  const r = d.rules;
  if (r.brute_force.rate_limit_at < r.brute_force.alert_at)
    fail('BAD_REQUEST', 'rules.brute_force.rate_limit_at: must not be below alert_at', { file });
  return {
    baselineWindowMs: ms(d.baselines.window),
    silentAfterMs: ms(d.baselines.silent_after),
    warmupMs: ms(d.baselines.warmup),
    warmupSetsMs: ms(d.baselines.warmup_sets),
    newKeyConfidence: d.baselines.new_key_confidence,
    newKeyLearningMs: ms(d.baselines.new_key_learning),
    cooldownMs: ms(d.cooldown),
    correlationWindowMs: ms(d.correlation_window),
    piiFields: d.pii_fields.map(normaliseFieldName),
    adminSuffix: d.admin_keys.suffix.toLowerCase(),
    adminKeys: d.admin_keys.keys,
    allowlist: d.allowlist_cidrs.map((c) => ({ ...parseCidr(c)!, text: c })),
    rules: {
      rate_spike: {
        ...base(r.rate_spike),
        windowMin: minutes(r.rate_spike.window),
        multiplier: r.rate_spike.multiplier,
        noiseSigmas: r.rate_spike.noise_sigmas,
        minEvents: r.rate_spike.min_events,
      },
      complexity: {
        ...base(r.complexity),
        threshold: r.complexity.threshold,
        consecutive: r.complexity.consecutive,
      },
      auth_failures: { ...base(r.auth_failures), perMinute: r.auth_failures.per_minute },
      new_field: {
        ...base(r.new_field),
        piiOnly: r.new_field.pii_only,
        bypass: r.new_field.bypass.map(globToRegExp),
      },
      data_volume: {
        ...base(r.data_volume),
        windowMin: minutes(r.data_volume.window),
        multiplier: r.data_volume.multiplier,
        adminMultiplier: r.data_volume.admin_multiplier,
        noiseSigmas: r.data_volume.noise_sigmas,
        minRows: r.data_volume.min_rows,
      },
      cross_table: base(r.cross_table),
      brute_force: {
        ...base(r.brute_force),
        alertAt: r.brute_force.alert_at,
        rateLimitAt: r.brute_force.rate_limit_at,
      },
      query_latency: {
        ...base(r.query_latency),
        windowMin: minutes(r.query_latency.window),
        multiplier: r.query_latency.multiplier,
        minSamples: r.query_latency.min_samples,
      },
      error_rate: {
        ...base(r.error_rate),
        windowMin: minutes(r.error_rate.window),
        thresholdPct: r.error_rate.threshold_pct,
        minRequests: r.error_rate.min_requests,
      },
    },
  };
}

/** "User.Date_Of_Birth" → "dateofbirth": how field names are compared with the PII list. */
export function normaliseFieldName(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot >= 0 ? name.slice(dot + 1) : name).toLowerCase().replace(/[_\-\s]/g, '');
}

export function defaultRulesPath(): string {
  return path.join(projectRoot(), 'config', 'rules.yaml');
}

export function loadRulesConfig(file = defaultRulesPath()): RulesConfig {
  return parseRulesConfig(readConfigText(file, 'rules configuration'), file);
}
