// The bundled demo case: 14 days of card transactions, logins, API-gateway calls and service
// metrics (with one service incident). Its attacks are injected afterwards as labelled
// scenarios (DEMO_INJECTIONS), so the events a model learns from carry their labels.
// Deterministic: a fixed seed, a fixed start date.
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { rng } from '../random';

export const DEMO_START = Date.UTC(2026, 9, 5); // 2026-10-05, a Monday
/**
 * What the demo case holds moves with the product (the default model, the rules run over it):
 * a demo built by an older recipe is set aside and built again when the workstation starts.
 */
export const DEMO_RECIPE = 3; // 3: the default model reads the card columns too
export const DEMO_RECIPE_KEY = 'demo_recipe';
export const DEMO_DATASETS = ['card_transactions', 'logins', 'api_gateway', 'service_metrics'];
const DAY = 86_400_000;
const DAYS = 14;

export interface DemoFile {
  name: string;
  file: string;
  format: 'csv' | 'jsonl';
  rows: number;
}

export { rng };

class Gen {
  constructor(readonly r: () => number) {}
  int = (lo: number, hi: number) => lo + Math.floor(this.r() * (hi - lo + 1));
  pick = <T>(xs: readonly T[]): T => xs[Math.floor(this.r() * xs.length)];
  gauss = () => {
    const u = this.r() || 1e-12;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.r());
  };
  /** A time in the demo window, more likely in the day than at night. */
  dayTime = (day: number) => {
    for (;;) {
      const h = this.r() * 24;
      const w = 0.15 + Math.exp(-((h - 14) ** 2) / 18);
      if (this.r() < w) return DEMO_START + day * DAY + Math.floor(h * 3_600_000);
    }
  };
  ip = (a: number) => `${a}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
}

const iso = (t: number) => new Date(t).toISOString();

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  let buf = '';
  for (const l of lines) {
    buf += l + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  await new Promise<void>((resolve, reject) => {
    out.end(buf, () => resolve());
    out.on('error', reject);
  });
}

const MERCHANTS = [
  ['Corner Grocery', 5411, 'grocery'],
  ['City Fuel', 5541, 'fuel'],
  ['Northwind Books', 5942, 'retail'],
  ['Bluebird Cafe', 5814, 'restaurant'],
  ['MegaMart Online', 5311, 'ecommerce'],
  ['SkyAir Tickets', 4511, 'travel'],
  ['Metro Transit', 4111, 'transport'],
  ['PixelPlay Games', 5816, 'digital'],
  ['Harbor Hotel', 7011, 'travel'],
  ['QuickPharma', 5912, 'pharmacy'],
  ['ElectroHub', 5732, 'electronics'],
  ['GiftCards4U', 5947, 'gift_cards'],
] as const;
const COUNTRIES = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'CA', 'NL'];

function cardTransactions(g: Gen): string[] {
  const rows: [number, string][] = [];
  const cards = Array.from({ length: 2000 }, (_, i) => ({
    id: `card_${String(100000 + i * 37).padStart(6, '0')}`,
    country: g.pick(COUNTRIES),
    mu: 2.6 + g.r() * 1.4,
    perDay: 0.8 + g.r() * 3.2,
    device: `dev_${g.int(10000, 99999)}`,
    ip: g.ip(g.int(20, 200)),
  }));
  const line = (
    t: number,
    c: (typeof cards)[number],
    m: (typeof MERCHANTS)[number],
    amount: number,
    country: string,
    channel: string,
    device: string,
    ip: string,
    status: string,
  ) =>
    `${iso(t)},${c.id},${m[0]},${m[1]},${m[2]},${amount.toFixed(2)},USD,${country},${channel},${device},${ip},${status}`;
  for (const c of cards) {
    for (let d = 0; d < DAYS; d++) {
      const n = Math.floor(c.perDay + g.r());
      for (let k = 0; k < n; k++) {
        const t = g.dayTime(d);
        const m = g.pick(MERCHANTS);
        const amount = Math.exp(c.mu + g.gauss() * 0.7);
        const ecom = m[2] === 'ecommerce' || m[2] === 'digital' || g.r() < 0.2;
        const status = g.r() < 0.02 ? 'declined' : 'approved';
        rows.push([
          t,
          line(t, c, m, amount, c.country, ecom ? 'ecom' : 'pos', c.device, ecom ? c.ip : '', status),
        ]);
      }
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  return [
    'ts,card_id,merchant,mcc,category,amount,currency,country,channel,device_id,ip,status',
    ...rows.map((r) => r[1]),
  ];
}

function logins(g: Gen): string[] {
  const rows: [number, string][] = [];
  const users = Array.from({ length: 1500 }, (_, i) => ({
    id: `user_${3576000 + i * 7}`,
    ip: g.ip(g.int(20, 120)),
    device: `dev_${g.int(10000, 99999)}`,
    country: g.pick(COUNTRIES),
    perDay: 0.6 + g.r() * 1.8,
  }));
  const office = (n: number) => `10.20.${n % 8}.${10 + (n % 200)}`;
  for (const u of users) {
    for (let d = 0; d < DAYS; d++) {
      const n = Math.floor(u.perDay + g.r());
      for (let k = 0; k < n; k++) {
        const t = g.dayTime(d);
        const fromOffice = g.r() < 0.4;
        const fail = g.r() < 0.04;
        rows.push([
          t,
          `${iso(t)},${u.id},${fromOffice ? office(g.int(0, 999)) : u.ip},${u.country},${u.device},${g.pick(['password', 'sso', 'sso', 'mfa'])},${fail ? 'failure' : 'success'}`,
        ]);
        if (fail) {
          const t2 = t + g.int(5_000, 60_000);
          rows.push([
            t2,
            `${iso(t2)},${u.id},${fromOffice ? office(g.int(0, 999)) : u.ip},${u.country},${u.device},password,success`,
          ]);
        }
      }
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  return ['ts,user,ip,country,device,method,result', ...rows.map((r) => r[1])];
}

const OPERATIONS = [
  ['getUser', ['User.id', 'User.name'], ['users'], 1, 2],
  ['listOrders', ['Order.id', 'Order.total', 'Order.status'], ['orders'], 20, 8],
  ['getOrder', ['Order.id', 'Order.total', 'Order.items'], ['orders', 'order_items'], 1, 5],
  ['searchProducts', ['Product.id', 'Product.name', 'Product.price'], ['products'], 50, 12],
  ['getInventory', ['Inventory.sku', 'Inventory.count'], ['inventory'], 30, 6],
  ['createPayment', ['Payment.id', 'Payment.amount'], ['payments'], 1, 9],
] as const;

function apiGateway(g: Gen): string[] {
  const rows: [number, string][] = [];
  const keys = Array.from({ length: 60 }, (_, i) => ({
    key: i % 15 === 0 ? `key_${i}_admin` : `key_${String(i).padStart(3, '0')}`,
    ops: OPERATIONS.filter(() => g.r() < 0.5).concat([OPERATIONS[i % OPERATIONS.length]]),
    perDay: 20 + g.r() * 50,
    ip: g.ip(g.int(30, 90)),
  }));
  const call = (
    t: number,
    key: string,
    ip: string,
    op: string,
    fields: readonly string[],
    tables: readonly string[],
    nrows: number,
    complexity: number,
    status = 200,
    auth = 'ok',
  ) =>
    JSON.stringify({
      ts: iso(t),
      api_key: key,
      ip,
      operation: op,
      complexity,
      fields,
      tables,
      rows: nrows,
      bytes: nrows * 180 + 400,
      status,
      auth,
      latency_ms: Math.round(20 + complexity * 3 + nrows * 0.4 + g.r() * 40),
    });
  for (const k of keys) {
    for (let d = 0; d < DAYS; d++) {
      const weekend = (d + 0) % 7 >= 5;
      const n = Math.floor(k.perDay * (weekend ? 0.4 : 1) + g.r());
      for (let i = 0; i < n; i++) {
        const t = g.dayTime(d);
        const op = g.pick(k.ops);
        const nrows = Math.max(1, Math.round(op[3] * (0.5 + g.r())));
        const status = g.r() < 0.005 ? 500 : g.r() < 0.01 ? 403 : 200;
        rows.push([
          t,
          call(
            t,
            k.key,
            k.ip,
            op[0],
            op[1],
            op[2],
            nrows,
            op[4] + g.int(0, 4),
            status,
            status === 403 ? 'denied' : 'ok',
          ),
        ]);
      }
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  return rows.map((r) => r[1]);
}

function serviceMetrics(g: Gen): string[] {
  const lines = ['ts,service,metric,value'];
  const services = ['checkout', 'auth', 'search'];
  const incident = DEMO_START + 10 * DAY + 15 * 3_600_000;
  for (let t = DEMO_START; t < DEMO_START + DAYS * DAY; t += 300_000) {
    const hour = ((t - DEMO_START) % DAY) / 3_600_000;
    const load = 0.5 + 0.4 * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
    for (const s of services) {
      const hit = s === 'checkout' && t >= incident && t < incident + 45 * 60_000;
      const cpu = Math.min(100, 25 + load * 40 + g.gauss() * 4 + (hit ? 45 : 0));
      const lat = 80 + load * 60 + g.gauss() * 8 + (hit ? 900 : 0);
      const errs = Math.max(0, 0.2 + g.gauss() * 0.1 + (hit ? 6 : 0));
      lines.push(`${iso(t)},${s},cpu_pct,${cpu.toFixed(1)}`);
      lines.push(`${iso(t)},${s},latency_p95_ms,${lat.toFixed(1)}`);
      lines.push(`${iso(t)},${s},error_rate_pct,${errs.toFixed(3)}`);
    }
  }
  return lines;
}

/** Writes the four demo files into `dir`. */
export async function writeDemoFiles(dir: string, onFile?: (name: string) => void): Promise<DemoFile[]> {
  const specs: [string, string, 'csv' | 'jsonl', (g: Gen) => string[], boolean][] = [
    ['card_transactions', 'card_transactions.csv', 'csv', cardTransactions, true],
    ['logins', 'logins.csv', 'csv', logins, true],
    ['api_gateway', 'api_gateway.jsonl', 'jsonl', apiGateway, false],
    ['service_metrics', 'service_metrics.csv', 'csv', serviceMetrics, true],
  ];
  const out: DemoFile[] = [];
  for (const [i, [name, file, format, make, header]] of specs.entries()) {
    onFile?.(name);
    const lines = make(new Gen(rng(1000 + i)));
    await writeLines(path.join(dir, file), lines);
    out.push({ name, file: path.join(dir, file), format, rows: lines.length - (header ? 1 : 0) });
  }
  return out;
}

/** Attacks injected into the demo case, spread over its two weeks (deterministic seeds). */
export const DEMO_INJECTIONS: { dataset: string; scenario: string; count: number }[] = [
  { dataset: 'card_transactions', scenario: 'velocity_spike', count: 8 },
  { dataset: 'card_transactions', scenario: 'high_value_sudden', count: 8 },
  { dataset: 'card_transactions', scenario: 'card_testing', count: 8 },
  { dataset: 'card_transactions', scenario: 'new_device_high_value', count: 8 },
  { dataset: 'card_transactions', scenario: 'off_hours', count: 8 },
  { dataset: 'logins', scenario: 'login_burst', count: 6 },
  { dataset: 'logins', scenario: 'brute_force', count: 3 },
  { dataset: 'logins', scenario: 'impossible_travel', count: 4 },
  { dataset: 'api_gateway', scenario: 'rate_spike', count: 2 },
  { dataset: 'api_gateway', scenario: 'data_exfiltration', count: 2 },
  { dataset: 'api_gateway', scenario: 'lateral_movement', count: 3 },
];

/** The k-th of `count` injections: a start time spread over the demo's days. */
export function demoInjectionStart(k: number, count: number, salt: number): number {
  const span = DAYS * DAY;
  const slot = span / count;
  return Math.round(
    DEMO_START + DAY / 4 + ((k + 0.5) * (span - DAY / 2)) / count + ((salt * 7919) % 1000) * (slot / 4000),
  );
}
