// What each attack scenario injects: a list of events, each a time plus the values of the
// canonical columns (and of a few well-known source columns) that make it that attack.
// Every other column is copied from a real event of the target, so injected events look like
// the dataset's own.
import type { CanonicalRole, CellValue } from '../../../src-shared/domain';

export interface ScenarioContext {
  rng: () => number;
  start: number;
  durationMs: number;
  intensity: number;
  factor: number;
  /** The target's usual amounts (p95 and median of its history). */
  amountP95: number;
  amountMedian: number;
  /** Status values from the dataset's own vocabulary. */
  failure: CellValue;
  success: CellValue;
  /** Values never seen in the dataset. */
  newIp: () => string;
  newDevice: () => string;
  /** Other entities of the dataset (for attacks on many accounts). */
  entities: CellValue[];
  /** Resources the target has never used, when the dataset has any. */
  unusedResources: CellValue[];
}

export interface InjectedEvent {
  t: number;
  set: Partial<Record<CanonicalRole, CellValue>>;
  /** Source columns by name (lower case), set when the dataset has them. */
  columns?: Record<string, CellValue>;
}

/** `n` times spread over the scenario's span, in order, with a little jitter. */
function times(ctx: ScenarioContext, n: number): number[] {
  const step = ctx.durationMs / Math.max(1, n);
  return Array.from({ length: n }, (_, i) => Math.round(ctx.start + i * step + ctx.rng() * step * 0.5));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export const GENERATORS = {
  login_burst(ctx: ScenarioContext): InjectedEvent[] {
    const ip = ctx.newIp();
    const device = ctx.newDevice();
    return times(ctx, ctx.intensity).map((t, i, all) => ({
      t,
      set: { src_ip: ip, device, status: i === all.length - 1 ? ctx.success : ctx.failure },
    }));
  },
  velocity_spike(ctx: ScenarioContext): InjectedEvent[] {
    return times(ctx, ctx.intensity).map((t) => ({
      t,
      set: { amount: round2(ctx.amountMedian * (0.8 + ctx.rng() * 1.5)), status: ctx.success },
    }));
  },
  off_hours(ctx: ScenarioContext): InjectedEvent[] {
    const day = Math.floor(ctx.start / 86_400_000) * 86_400_000;
    const from = day + 2 * 3_600_000;
    return Array.from({ length: ctx.intensity }, (_, i) => ({
      t: Math.round(from + ((i + ctx.rng()) * 2 * 3_600_000) / ctx.intensity),
      set: { amount: round2(ctx.amountMedian * 2), status: ctx.success },
    }));
  },
  high_value_sudden(ctx: ScenarioContext): InjectedEvent[] {
    return times(ctx, ctx.intensity).map((t) => ({
      t,
      set: { amount: round2(ctx.amountP95 * ctx.factor * (1 + ctx.rng() * 0.5)), status: ctx.success },
    }));
  },
  new_device_high_value(ctx: ScenarioContext): InjectedEvent[] {
    const device = ctx.newDevice();
    const ip = ctx.newIp();
    return times(ctx, ctx.intensity).map((t) => ({
      t,
      set: {
        device,
        src_ip: ip,
        amount: round2(ctx.amountP95 * ctx.factor * (1 + ctx.rng() * 0.3)),
        status: ctx.success,
      },
    }));
  },
  card_testing(ctx: ScenarioContext): InjectedEvent[] {
    const ip = ctx.newIp();
    return times(ctx, ctx.intensity).map((t) => ({
      t,
      set: {
        amount: round2(0.5 + ctx.rng() * 1.5),
        src_ip: ip,
        status: ctx.rng() < 0.75 ? ctx.failure : ctx.success,
      },
    }));
  },
  impossible_travel(ctx: ScenarioContext): InjectedEvent[] {
    const [a, b] = times(ctx, 2);
    return [
      { t: a, set: { src_ip: ctx.newIp(), status: ctx.success }, columns: { country: 'US' } },
      { t: b, set: { src_ip: ctx.newIp(), status: ctx.success }, columns: { country: 'SG' } },
    ];
  },
  rate_spike(ctx: ScenarioContext): InjectedEvent[] {
    return times(ctx, ctx.intensity).map((t) => ({ t, set: { status: ctx.success } }));
  },
  data_exfiltration(ctx: ScenarioContext): InjectedEvent[] {
    return times(ctx, ctx.intensity).map((t) => ({
      t,
      set: { status: ctx.success },
      columns: {
        fields: '["User.id","User.name","User.ssn","User.email","User.date_of_birth"]',
        rows: 500,
        bytes: 500 * 180 + 400,
      },
    }));
  },
  brute_force(ctx: ScenarioContext): InjectedEvent[] {
    const ip = ctx.newIp();
    return times(ctx, ctx.intensity).map((t, i) => ({
      t,
      set: {
        src_ip: ip,
        status: ctx.failure,
        entity: ctx.entities.length ? ctx.entities[i % ctx.entities.length] : undefined,
      },
    }));
  },
  lateral_movement(ctx: ScenarioContext): InjectedEvent[] {
    const targets = ctx.unusedResources.length ? ctx.unusedResources : ['orders', 'payments', 'inventory'];
    return times(ctx, ctx.intensity).map((t, i) => ({
      t,
      set: { resource: targets[i % targets.length], status: ctx.success },
    }));
  },
} satisfies Record<string, (ctx: ScenarioContext) => InjectedEvent[]>;

export type ScenarioName = keyof typeof GENERATORS;
