// Attack scenarios and their business rules (config/adversarial_config.yaml), validated at load.
import path from 'node:path';
import { z } from 'zod';
import { CANONICAL_ROLES, type CanonicalRole } from '../../../src-shared/domain';
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

const configSchema = z
  .object({ version: z.literal(1), scenarios: z.record(z.string(), scenarioSchema) })
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
  intensity: number;
  durationMs: number;
  factor: number;
  business: BusinessRule;
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
      intensity: s.defaults.intensity,
      durationMs: parseDuration(s.defaults.duration)!,
      factor: s.defaults.factor ?? 1,
      business: {
        risk: s.business.risk,
        cost: compileFormula(String(s.business.cost), COST_VARIABLES, where),
        costFormula: String(s.business.cost),
        slaMinutes: s.business.sla_minutes,
        action: s.business.action,
        escalation: s.business.escalation,
      },
    });
  }
  return out;
}

export function loadScenarioConfig(
  file = path.join(projectRoot(), 'config', 'adversarial_config.yaml'),
): Map<ScenarioName, ScenarioSpec> {
  return parseScenarioConfig(readConfigText(file, 'scenario configuration'), file);
}
