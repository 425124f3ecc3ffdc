// `sentinel simulate apilog`: realistic API-gateway traffic with login events mixed in (the
// gateway's sign-in endpoint), deterministic for a seed. Daily and weekly cycles, per-key
// differences (business-hours, batch and consumer keys, heavy and light), admin keys with a
// nightly bulk export, office and partner addresses, occasional legitimate new fields; and
// attack scenarios on top. Events are produced in time order into a sink: a JSON Lines file
// written as it goes (1M events never sit in memory as text), or the rule engine's columns.
import { closeSync, openSync, writeSync } from 'node:fs';
import { LIVE_ATTACKS } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { rng } from '../random';

/** The attacks a trainer launches into a live stream, and a key woken after 14 silent days. */
export const SCENARIOS = [...LIVE_ATTACKS, 'dormant_key'] as const;
export type SimScenario = (typeof SCENARIOS)[number];

export interface SimOptions {
  keys: number;
  /** Normal events (API calls and logins); scenarios and nightly exports come on top. */
  events: number;
  days: number;
  seed: number;
  scenarios?: SimScenario[];
  /** Share of normal events that are logins (default 0.03). */
  loginShare?: number;
  /** First event time (default 2026-01-05T00:00:00Z, a Monday). */
  start?: number;
}

export interface SimSink {
  api(
    ts: number,
    key: string,
    ip: string,
    op: string,
    complexity: number,
    fields: readonly string[],
    tables: readonly string[],
    rows: number,
    bytes: number,
    status: number,
    denied: boolean,
    latency: number,
    scenario: string | null,
  ): void;
  login(ts: number, user: string, ip: string, failure: boolean, scenario: string | null): void;
}

export interface ScenarioInfo {
  scenario: SimScenario;
  /** The key or IP it is about. */
  entity: string;
  start: number;
  end: number;
  events: number;
  /** brute_force: the allowlisted IP of its second burst. */
  allowlistedIp?: string;
}

export interface SimSummary {
  events: number;
  api: number;
  logins: number;
  keys: number;
  start: number;
  end: number;
  scenarios: ScenarioInfo[];
}

interface Op {
  name: string;
  fields: readonly string[];
  tables: readonly string[];
  rows: [number, number];
  bytesPerRow: number;
  complexity: [number, number];
  latency: number;
}

const op = (
  name: string,
  fields: string[],
  tables: string[],
  rows: [number, number],
  bytesPerRow: number,
  complexity: [number, number],
  latency: number,
): Op => ({ name, fields, tables, rows, bytesPerRow, complexity, latency });

const OPS = {
  getUser: op('getUser', ['User.id', 'User.name'], ['User'], [1, 1], 200, [10, 40], 12),
  listUsers: op('listUsers', ['User.id', 'User.name', 'User.email'], ['User'], [10, 100], 220, [50, 200], 40),
  getOrder: op('getOrder', ['Order.id', 'Order.total', 'Order.status'], ['Order'], [1, 1], 400, [10, 50], 15),
  listOrders: op(
    'listOrders',
    ['Order.id', 'Order.total', 'Order.status'],
    ['Order'],
    [10, 200],
    380,
    [80, 300],
    60,
  ),
  getPayment: op(
    'getPayment',
    ['Payment.id', 'Payment.amount', 'Payment.status'],
    ['Payment'],
    [1, 1],
    300,
    [15, 60],
    25,
  ),
  getInventory: op(
    'getInventory',
    ['Inventory.sku', 'Inventory.qty'],
    ['Inventory'],
    [1, 20],
    120,
    [10, 40],
    10,
  ),
  search: op(
    'search',
    ['Product.id', 'Product.name', 'Product.price'],
    ['Product'],
    [5, 50],
    250,
    [200, 900],
    120,
  ),
  orderReport: op(
    'orderReport',
    ['Order.id', 'Order.total', 'Customer.id'],
    ['Order', 'Customer'],
    [100, 1000],
    300,
    [300, 800],
    300,
  ),
  exportUsers: op(
    'exportUsers',
    ['User.id', 'User.name', 'User.email', 'User.phone'],
    ['User'],
    [30_000, 45_000],
    250,
    [400, 900],
    4000,
  ),
  // scenario-only shapes
  exfil: op('getUser', ['User.id', 'User.name', 'User.ssn'], ['User'], [10, 10], 260, [10, 40], 14),
};

/** Fields that legitimately appear now and then (new, not personal data, or behind a flag). */
const NEW_FIELDS = ['User.avatar_url', 'Order.gift_note', 'Beta.recommendations', 'Product.badge'];

type Team = 'crm' | 'crmfull' | 'shop' | 'pay' | 'wms' | 'ops';
const TEAM_OPS: Record<Team, [Op, number][]> = {
  crm: [[OPS.getUser, 1]],
  crmfull: [
    [OPS.getUser, 0.7],
    [OPS.listUsers, 0.3],
  ],
  shop: [
    [OPS.getOrder, 0.5],
    [OPS.listOrders, 0.2],
    [OPS.search, 0.3],
  ],
  pay: [
    [OPS.getPayment, 0.7],
    [OPS.getOrder, 0.3],
  ],
  wms: [
    [OPS.getInventory, 0.8],
    [OPS.search, 0.2],
  ],
  ops: [
    [OPS.orderReport, 0.5],
    [OPS.listUsers, 0.25],
    [OPS.listOrders, 0.25],
  ],
};
const TEAMS: Team[] = ['crm', 'shop', 'crmfull', 'pay', 'wms'];

/** Hourly shapes (UTC) of the three kinds of key, and their weekend factor. */
const SHAPES = {
  business: {
    hours: [
      0.12, 0.1, 0.1, 0.1, 0.12, 0.18, 0.3, 0.55, 0.85, 1, 1, 0.95, 0.85, 0.9, 1, 1, 0.95, 0.8, 0.55, 0.4,
      0.3, 0.22, 0.18, 0.14,
    ],
    weekend: 0.25,
  },
  batch: { hours: new Array<number>(24).fill(0.6), weekend: 0.9 },
  consumer: {
    hours: [
      0.35, 0.22, 0.14, 0.1, 0.1, 0.12, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.55, 0.5, 0.5, 0.55, 0.65, 0.8,
      0.95, 1, 0.95, 0.8, 0.55,
    ],
    weekend: 1.3,
  },
};
type Shape = keyof typeof SHAPES;
const SHAPE_NAMES: Shape[] = ['business', 'batch', 'consumer'];

interface Key {
  name: string;
  team: Team;
  shape: Shape;
  weight: number;
  ips: string[];
  admin: boolean;
  /** Cumulative op weights. */
  ops: Op[];
  opCum: number[];
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
export const DEFAULT_START = Date.UTC(2026, 0, 5);

const dowOf = (t: number) => (Math.floor(t / DAY) + 4) % 7;
const isWeekend = (t: number) => {
  const d = dowOf(t);
  return d === 0 || d === 6;
};

/** The simulation's random numbers, one stream for a seed (the order of draws is the output). */
interface Draws {
  r: () => number;
  pick<T>(xs: readonly T[]): T;
  between(lo: number, hi: number): number;
  int(lo: number, hi: number): number;
}

function draws(seed: number): Draws {
  const r = rng(seed);
  const between = (lo: number, hi: number) => lo + r() * (hi - lo);
  return {
    r,
    pick: (xs) => xs[Math.floor(r() * xs.length)],
    between,
    int: (lo, hi) => Math.floor(between(lo, hi + 1)),
  };
}

/** The keys: Zipf weights, a shape, a team, one or two source addresses; 3% admin keys. */
function makeKeys(n: number, { r, int }: Draws): Key[] {
  const admins = Math.max(1, Math.round(n * 0.03));
  const keys: Key[] = [];
  let harmonic = 0;
  for (let i = 0; i < n; i++) harmonic += 1 / (i + 1);
  for (let i = 0; i < n; i++) {
    const admin = i >= n - admins && n > 1;
    const team: Team = admin ? 'ops' : i === 0 ? 'shop' : i < 3 ? 'crm' : TEAMS[int(0, TEAMS.length - 1)];
    const shape: Shape = admin
      ? 'batch'
      : i < 3
        ? 'business'
        : SHAPE_NAMES[r() < 0.6 ? 0 : r() < 0.5 ? 1 : 2];
    const nIps = r() < 0.5 ? 1 : 2;
    const ips: string[] = [];
    for (let j = 0; j < nIps; j++) {
      const where = r();
      ips.push(
        where < 0.5
          ? `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`
          : where < 0.7
            ? `203.0.113.${int(1, 254)}`
            : `34.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
      );
    }
    let acc = 0;
    const ops: Op[] = [];
    const opCum: number[] = [];
    for (const [o, w] of TEAM_OPS[team]) {
      ops.push(o);
      opCum.push((acc += w));
    }
    const name = admin
      ? `key-ops-${String(i).padStart(3, '0')}-admin`
      : `key-${team}-${String(i).padStart(3, '0')}`;
    keys.push({ name, team, shape, weight: 1 / (i + 1) / harmonic, ips, admin, ops, opCum });
  }
  return keys;
}

/**
 * How busy each shape of key is, minute by minute (daily and weekly cycles, a small day-to-day
 * wobble: the report's ±3%), scaled so that the whole simulation holds `events` normal events.
 */
function makeTraffic(opts: SimOptions, keys: Key[], start: number, end: number, d: Draws) {
  // light keys still call often enough to show every operation in a day
  const byShape = SHAPE_NAMES.map((s) => keys.filter((k) => k.shape === s && !k.admin));
  byShape[1] = byShape[1].concat(keys.filter((k) => k.admin));
  const shapeWeight = byShape.map((ks) => ks.reduce((a, k) => a + k.weight, 0));
  const shapeCum = byShape.map((ks) => {
    let a = 0;
    const total = ks.reduce((s, k) => s + k.weight, 0);
    return ks.map((k) => (a += k.weight / total));
  });
  const users = Array.from({ length: Math.max(50, opts.keys * 5) }, (_, i) => ({
    name: `user${String(i).padStart(5, '0')}`,
    ip:
      d.r() < 0.4
        ? `10.1.${d.int(0, 255)}.${d.int(1, 254)}`
        : `${d.int(11, 99)}.${d.int(0, 255)}.${d.int(0, 255)}.${d.int(1, 254)}`,
  }));
  const minutes = Math.round((end - start) / MINUTE);
  const dayJitter = Array.from({ length: opts.days + 1 }, () => SHAPE_NAMES.map(() => d.between(0.97, 1.03)));
  const shapeAt = (s: number, t: number) => {
    const sh = SHAPES[SHAPE_NAMES[s]];
    const h = Math.floor(t / HOUR) % 24;
    const next = sh.hours[(h + 1) % 24];
    const frac = (t % HOUR) / HOUR; // smooth from hour to hour
    const v = sh.hours[h] * (1 - frac) + next * frac;
    return v * (isWeekend(t) ? sh.weekend : 1) * dayJitter[Math.floor((t - start) / DAY)][s];
  };
  let totalIntensity = 0;
  for (let m = 0; m < minutes; m++) {
    const t = start + m * MINUTE;
    for (let s = 0; s < 3; s++) totalIntensity += shapeWeight[s] * shapeAt(s, t);
  }
  const perUnit = opts.events / totalIntensity;
  return {
    byShape,
    shapeWeight,
    shapeCum,
    users,
    minutes,
    shapeAt,
    perUnit,
    /** Expected calls per minute of key k at time t. */
    keyRate: (k: Key, t: number) => perUnit * k.weight * shapeAt(SHAPE_NAMES.indexOf(k.shape), t),
  };
}

type Traffic = ReturnType<typeof makeTraffic>;

/** What a scenario needs: the keys and users, the traffic, when, and how to add its events. */
interface ScenarioContext {
  d: Draws;
  opts: SimOptions;
  keys: Key[];
  traffic: Traffic;
  start: number;
  lastDay: number;
  lastWeekday: number;
  heaviest: Key;
  crm: Key[];
  /** An API call of key k at ts (drawn now; its complexity and bytes when it is emitted). */
  call(ts: number, k: Key, o: Op, scenario: SimScenario | null): void;
  login(ts: number, user: string, ip: string, scenario: SimScenario): void;
}

/** Each scenario's events, added in this order (the order draws are taken in). */
const SCENARIO_EVENTS: [SimScenario, (c: ScenarioContext) => ScenarioInfo][] = [
  [
    'rate_spike',
    ({ d, traffic, lastWeekday, heaviest, call }) => {
      const t0 = lastWeekday + 14 * HOUR + 7 * MINUTE;
      const extraRate = 1.4 * traffic.keyRate(heaviest, t0); // 1 + 1.4 = 2.4× its usual pace
      const n = Math.round(extraRate * 5);
      for (let j = 0; j < n; j++)
        call(t0 + Math.floor(d.r() * 5 * MINUTE), heaviest, pickOp(heaviest, d.r), 'rate_spike');
      return { scenario: 'rate_spike', entity: heaviest.name, start: t0, end: t0 + 5 * MINUTE, events: n };
    },
  ],
  [
    'exfiltration',
    ({ lastWeekday, crm, call }) => {
      const k = crm[0];
      const t0 = lastWeekday + 15 * HOUR + 3 * MINUTE;
      for (let j = 0; j < 10_000; j++)
        call(t0 + Math.floor((j * 10 * MINUTE) / 10_000), k, OPS.exfil, 'exfiltration');
      return { scenario: 'exfiltration', entity: k.name, start: t0, end: t0 + 10 * MINUTE, events: 10_000 };
    },
  ],
  [
    'lateral_movement',
    ({ lastWeekday, crm, call }) => {
      const k = crm[1] ?? crm[0];
      const t0 = lastWeekday + 16 * HOUR + 11 * MINUTE;
      let j = 0;
      for (const o of [OPS.getOrder, OPS.getPayment, OPS.getInventory])
        for (let c = 0; c < 5; c++, j++) call(t0 + j * 20_000, k, o, 'lateral_movement');
      return { scenario: 'lateral_movement', entity: k.name, start: t0, end: t0 + j * 20_000, events: j };
    },
  ],
  [
    'one_second_spike',
    ({ d, traffic, lastWeekday, heaviest, call }) => {
      const t0 = lastWeekday + 10 * HOUR + 30 * MINUTE;
      const n = Math.max(20, Math.round((30 * traffic.keyRate(heaviest, t0)) / 60));
      for (let j = 0; j < n; j++)
        call(t0 + Math.floor((j * 1000) / n), heaviest, pickOp(heaviest, d.r), 'one_second_spike');
      return { scenario: 'one_second_spike', entity: heaviest.name, start: t0, end: t0 + 1000, events: n };
    },
  ],
  [
    'new_key',
    ({ d, keys, traffic, lastDay, call }) => {
      const k: Key = { ...keys[Math.min(5, keys.length - 1)], name: 'key-shop-new-001', admin: false };
      const t0 = lastDay + 9 * HOUR;
      let n = 0;
      const step = (t: number) =>
        Math.max(1000, Math.floor(MINUTE / Math.max(0.2, traffic.keyRate(keys[5] ?? k, t))));
      for (let t = t0; t < lastDay + 18 * HOUR; t += step(t)) {
        call(t, k, pickOp(k, d.r), 'new_key');
        n++;
      }
      return { scenario: 'new_key', entity: k.name, start: t0, end: lastDay + 18 * HOUR, events: n };
    },
  ],
  [
    'dormant_key',
    ({ d, opts, start, lastDay, crm, call }) => {
      if (opts.days < 16) fail('BAD_REQUEST', 'the dormant_key scenario needs --days 16 or more');
      const k: Key = { ...crm[0], name: 'key-crm-dormant', admin: false };
      let n = 0;
      for (const day of [start, lastDay])
        for (let t = day + 9 * HOUR; t < day + 17 * HOUR; t += 20_000 + Math.floor(d.r() * 20_000)) {
          call(t, k, pickOp(k, d.r), 'dormant_key');
          n++;
        }
      return {
        scenario: 'dormant_key',
        entity: k.name,
        start: lastDay + 9 * HOUR,
        end: lastDay + 17 * HOUR,
        events: n,
      };
    },
  ],
  [
    'brute_force',
    ({ d, traffic, lastWeekday, login }) => {
      const bursts: [string, number][] = [
        ['198.51.100.23', lastWeekday + 11 * HOUR],
        ['10.20.30.40', lastWeekday + 12 * HOUR],
      ];
      for (const [ip, t0] of bursts)
        for (let j = 0; j < 50; j++) login(t0 + j * 1150, d.pick(traffic.users).name, ip, 'brute_force'); // 50 failures within 57 s
      const [[entity, t0], [allowlistedIp]] = bursts;
      return { scenario: 'brute_force', entity, start: t0, end: t0 + 49 * 1150, events: 100, allowlistedIp };
    },
  ],
];

/** The normal stream, minute by minute, with the scenario events (`flushExtra`) merged in time order. */
function normalStream(
  opts: SimOptions,
  start: number,
  keys: Key[],
  t: Traffic,
  d: Draws,
  sink: SimSink,
  flushExtra: (upTo: number) => void,
): void {
  const { r, pick, int, between } = d;
  const loginShare = opts.loginShare ?? 0.03;
  let emitted = 0;
  let carry = 0;
  const offsets = new Float64Array(4096);
  const newFieldLists = new Map<Op, (readonly string[])[]>();
  for (let m = 0; m < t.minutes; m++) {
    const minute = start + m * MINUTE;
    const w = [0, 0, 0];
    let total = 0;
    for (let s = 0; s < 3; s++) total += w[s] = t.shapeWeight[s] * t.shapeAt(s, minute);
    carry += total * t.perUnit * between(0.95, 1.05);
    let n = Math.floor(carry);
    carry -= n;
    if (emitted + n > opts.events) n = opts.events - emitted;
    if (m === t.minutes - 1) n = opts.events - emitted; // exactly --events
    if (n > offsets.length) n = offsets.length;
    for (let j = 0; j < n; j++) offsets[j] = Math.floor(r() * MINUTE);
    const sorted = offsets.subarray(0, n).sort();
    for (let j = 0; j < n; j++) {
      const ts = minute + sorted[j];
      flushExtra(ts);
      emitted++;
      if (r() < loginShare) {
        const u = pick(t.users);
        sink.login(ts, u.name, u.ip, r() < 0.05, null);
        continue;
      }
      let u = r() * total;
      let s = 0;
      while (s < 2 && u >= w[s]) u -= w[s++];
      const k = t.byShape[s].length ? t.byShape[s][search(t.shapeCum[s], r())] : keys[0];
      const o = pickOp(k, r);
      let fields = o.fields;
      if (r() < 2e-5) {
        let lists = newFieldLists.get(o);
        if (!lists) newFieldLists.set(o, (lists = NEW_FIELDS.map((f) => [...o.fields, f])));
        fields = pick(lists);
      }
      const rows = int(o.rows[0], o.rows[1]);
      const roll = r();
      const denied = roll < 0.001;
      const status = denied ? 403 : roll < 0.004 ? (r() < 0.5 ? 500 : 503) : roll < 0.014 ? 404 : 200;
      const load = 1 + 0.2 * t.shapeAt(s, ts);
      const latency = Math.round(o.latency * load * Math.exp(0.35 * gauss(r)) * 10) / 10;
      // drawn in this order: the address, the complexity, then the bytes
      const ip = pick(k.ips);
      const complexity = int(o.complexity[0], o.complexity[1]);
      const bytes = denied ? 0 : Math.round(rows * o.bytesPerRow * between(0.8, 1.2));
      sink.api(
        ts,
        k.name,
        ip,
        o.name,
        complexity,
        fields,
        o.tables,
        denied ? 0 : rows,
        bytes,
        status,
        denied,
        latency,
        null,
      );
    }
  }
}

export function simulate(opts: SimOptions, target: SimSink): SimSummary {
  const counts = { api: 0, logins: 0 };
  const sink: SimSink = {
    api(...a) {
      counts.api++;
      target.api(...a);
    },
    login(...a) {
      counts.logins++;
      target.login(...a);
    },
  };
  if (!(opts.keys >= 1 && opts.keys <= 1_000_000)) fail('BAD_REQUEST', '--keys must be from 1 to 1,000,000');
  if (!(opts.events >= 0 && opts.events <= 1e9)) fail('BAD_REQUEST', '--events must be from 0 to 1e9');
  if (!(opts.days > 0 && opts.days <= 366)) fail('BAD_REQUEST', '--days must be from 1 to 366');
  const d = draws(opts.seed);
  const start = opts.start ?? DEFAULT_START;
  const end = start + opts.days * DAY;
  const keys = makeKeys(opts.keys, d);
  const traffic = makeTraffic(opts, keys, start, end, d);

  // ---- scenario events and the nightly exports, generated first (few), merged into the stream
  const extra: { ts: number; emit: () => void }[] = [];
  const lastDay = start + (opts.days - 1) * DAY;
  let lastWeekday = lastDay;
  while (isWeekend(lastWeekday) && lastWeekday > start) lastWeekday -= DAY;
  const call = (ts: number, k: Key, o: Op, scenario: SimScenario | null) => {
    const rows = d.int(o.rows[0], o.rows[1]);
    const latency = Math.round(o.latency * Math.exp(0.35 * gauss(d.r)) * 10) / 10;
    const ip = k.ips[0];
    extra.push({
      ts,
      emit: () => {
        const complexity = d.int(o.complexity[0], o.complexity[1]);
        const bytes = Math.round(rows * o.bytesPerRow * d.between(0.8, 1.2));
        sink.api(
          ts,
          k.name,
          ip,
          o.name,
          complexity,
          o.fields,
          o.tables,
          rows,
          bytes,
          200,
          false,
          latency,
          scenario,
        );
      },
    });
  };
  const context: ScenarioContext = {
    d,
    opts,
    keys,
    traffic,
    start,
    lastDay,
    lastWeekday,
    heaviest: keys[0],
    crm: keys.filter((k) => k.team === 'crm'),
    call,
    login: (ts, user, ip, scenario) =>
      extra.push({ ts, emit: () => sink.login(ts, user, ip, true, scenario) }),
  };
  const wanted = new Set(opts.scenarios ?? []);
  const infos = SCENARIO_EVENTS.filter(([name]) => wanted.has(name)).map(([, events]) => events(context));
  // nightly bulk exports by the admin keys, 02:00–02:10
  for (const k of keys.filter((x) => x.admin))
    for (let day = 0; day < opts.days; day++)
      call(start + day * DAY + 2 * HOUR + d.int(0, 10 * MINUTE), k, OPS.exportUsers, null);
  extra.sort((a, b) => a.ts - b.ts);
  let x = 0;
  const flushExtra = (upTo: number) => {
    while (x < extra.length && extra[x].ts <= upTo) extra[x++].emit();
  };

  normalStream(opts, start, keys, traffic, d, sink, flushExtra);
  flushExtra(Infinity);
  return {
    events: counts.api + counts.logins,
    api: counts.api,
    logins: counts.logins,
    keys: keys.length,
    start,
    end,
    scenarios: infos,
  };
}

function pickOp(k: Key, r: () => number): Op {
  const u = r() * k.opCum[k.opCum.length - 1];
  let i = 0;
  while (i < k.opCum.length - 1 && u >= k.opCum[i]) i++;
  return k.ops[i];
}

function search(cum: number[], u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Writes the simulation as JSON Lines to `file`, a megabyte at a time. */
export function writeApilog(opts: SimOptions, file: string): SimSummary {
  const fd = openSync(file, 'w');
  let buf = '';
  const json = new WeakMap<readonly string[], string>();
  const arr = (a: readonly string[]) => {
    let s = json.get(a);
    if (s === undefined) json.set(a, (s = JSON.stringify(a)));
    return s;
  };
  const out = (line: string) => {
    buf += line;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  };
  try {
    const summary = simulate(opts, {
      api(ts, key, ip, op, complexity, fields, tables, rows, bytes, status, denied, latency, scenario) {
        out(
          `{"ts":"${new Date(ts).toISOString()}","api_key":"${key}","ip":"${ip}","operation":"${op}","complexity":${complexity},"fields":${arr(fields)},"tables":${arr(tables)},"rows":${rows},"bytes":${bytes},"status":${status},"auth":"${denied ? 'denied' : 'ok'}","latency_ms":${latency}${scenario ? `,"scenario":"${scenario}"` : ''}}\n`,
        );
      },
      login(ts, user, ip, failure, scenario) {
        out(
          `{"ts":"${new Date(ts).toISOString()}","user":"${user}","ip":"${ip}","result":"${failure ? 'failure' : 'success'}"${scenario ? `,"scenario":"${scenario}"` : ''}}\n`,
        );
      },
    });
    if (buf) writeSync(fd, buf);
    return summary;
  } finally {
    closeSync(fd);
  }
}
