// Attack scenarios and their business rules (config/adversarial_config.yaml), validated at load.
import path from 'node:path';
import { z } from 'zod';
import { CANONICAL_ROLES, DOMAINS, type CanonicalRole, type Domain } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { parseYamlConfig, readConfigText } from '../config-file';
import { parseDuration, projectRoot } from '../features/config';
import { compileFormula, type Formula } from './formula';
import { GENERATORS, type ScenarioName } from './generators';

export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const COST_VARIABLES = ['events', 'amount_total', 'amount_max', 'duration_minutes'] as const;

const duration = z
  .string()
  .refine((s) => parseDuration(s) !== null, 'a duration is a number and a unit: 30s, 5m, 1h, 7d');

const scenarioSchema = z
  .object({
    description: z.string().min(1),
    needs: z.array(z.enum(CANONICAL_ROLES)),
    /** Features whose high values point to this scenario: how an explanation picks its playbook. */
    signals: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).default([]),
    /** Kinds of dataset whose anomalies can look like this scenario. */
    domains: z.array(z.enum(DOMAINS)).default([...DOMAINS]),
    defaults: z
      .object({
        intensity: z.number().int().min(1).max(100_000),
        duration,
        factor: z.number().positive().optional(),
      })
      .strict(),
    business: z
      .object({
        risk: z.enum(RISK_LEVELS),
        cost: z.union([z.string(), z.number()]),
        sla_minutes: z.number().int().positive(),
        action: z.string().min(1),
        escalation: z.array(z.string().min(1)).min(1),
      })
      .strict(),
  })
  .strict();

const businessSchema = scenarioSchema.shape.business;

const configSchema = z
  .object({
    version: z.literal(1),
    scenarios: z.record(z.string(), scenarioSchema),
    /** The business rule of an anomaly that looks like none of the scenarios. */
    unmatched: z
      .object({ description: z.string().min(1), business: businessSchema })
      .strict()
      .optional(),
  })
  .strict();

export interface BusinessRule {
  risk: RiskLevel;
  cost: Formula;
  costFormula: string;
  slaMinutes: number;
  action: string;
  escalation: string[];
}

export interface ScenarioSpec {
  name: ScenarioName;
  description: string;
  needs: CanonicalRole[];
  signals: string[];
  domains: Domain[];
  intensity: number;
  durationMs: number;
  factor: number;
  business: BusinessRule;
}

export interface UnmatchedRule {
  description: string;
  business: BusinessRule;
}

const DEFAULT_UNMATCHED: { description: string; business: z.infer<typeof businessSchema> } = {
  description: 'Unusual activity that matches no known attack pattern.',
  business: {
    risk: 'MEDIUM',
    cost: '0',
    sla_minutes: 240,
    action: 'Review the event and its entity history',
    escalation: ['fraud-analyst'],
  },
};

function businessRule(b: z.infer<typeof businessSchema>, where: string): BusinessRule {
  return {
    risk: b.risk,
    cost: compileFormula(String(b.cost), COST_VARIABLES, where),
    costFormula: String(b.cost),
    slaMinutes: b.sla_minutes,
    action: b.action,
    escalation: [...b.escalation],
  };
}

/** The rule for anomalies that look like no scenario (config `unmatched`, or a default). */
export function parseUnmatchedRule(text: string, file: string): UnmatchedRule {
  const u = parseYamlConfig(text, file, configSchema).unmatched ?? DEFAULT_UNMATCHED;
  return {
    description: u.description,
    business: businessRule(u.business, `${path.basename(file)}: unmatched`),
  };
}

export function parseScenarioConfig(text: string, file: string): Map<ScenarioName, ScenarioSpec> {
  const data = parseYamlConfig(text, file, configSchema);
  const out = new Map<ScenarioName, ScenarioSpec>();
  for (const [name, s] of Object.entries(data.scenarios)) {
    if (!(name in GENERATORS)) {
      fail(
        'BAD_REQUEST',
        `scenarios.${name}: no such scenario (known: ${Object.keys(GENERATORS).join(', ')})`,
        { file },
      );
    }
    const where = `${path.basename(file)}: scenarios.${name}`;
    out.set(name as ScenarioName, {
      name: name as ScenarioName,
      description: s.description,
      needs: s.needs,
      signals: s.signals,
      domains: s.domains,
      intensity: s.defaults.intensity,
      durationMs: parseDuration(s.defaults.duration)!,
      factor: s.defaults.factor ?? 1,
      business: businessRule(s.business, where),
    });
  }
  return out;
}

const defaultConfigFile = () => path.join(projectRoot(), 'config', 'adversarial_config.yaml');

export function loadUnmatchedRule(file = defaultConfigFile()): UnmatchedRule {
  return parseUnmatchedRule(readConfigText(file, 'scenario configuration'), file);
}

export function loadScenarioConfig(file = defaultConfigFile()): Map<ScenarioName, ScenarioSpec> {
  return parseScenarioConfig(readConfigText(file, 'scenario configuration'), file);
}
