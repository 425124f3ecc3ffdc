// A replay: the rules over a stored dataset, in a compute worker. Reads the dataset's columns
// into typed columns (interning as it goes), resumes from the baselines kept in the case when
// the dataset comes after them, runs the engine, and hands back what to store.
import type { DatasetInfo } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { tableOf } from '../db/case-store';
import type { DB } from '../db/open-case';
import { readRuleStates, readSavedBaselines, type RulesRun } from '../db/rules-store';
import { loadRulesConfig, type RulesConfig } from './config';
import { RuleEngine } from './engine';
import {
  API_FIELDS,
  ColumnsBuilder,
  LOGIN_FIELDS,
  sortByTime,
  type Dictionaries,
  type EventColumns,
} from './events';

const CHUNK = 65_536;

/** Reads a dataset's API calls and logins into columns; a missing field is an error naming it. */
export function readEventColumns(
  db: DB,
  ds: DatasetInfo,
  dict: Dictionaries,
  onRows?: (n: number) => void,
): EventColumns {
  const byName = new Map(ds.columns.map((c) => [c.name, c.sqlName]));
  const apiMissing = API_FIELDS.filter((f) => f !== 'ts' && !byName.has(f));
  const loginMissing = LOGIN_FIELDS.filter((f) => f !== 'ts' && !byName.has(f));
  const hasApi = apiMissing.length === 0;
  const hasLogin = loginMissing.length === 0;
  if (!hasApi && !hasLogin)
    fail(
      'BAD_REQUEST',
      `dataset "${ds.name}" is not an API-gateway or login log: no field "${apiMissing[0]}" (API events need ${API_FIELDS.join(', ')}; logins need ${LOGIN_FIELDS.join(', ')})`,
      { column: apiMissing[0] },
    );
  if (ds.timeColumn === null)
    fail('BAD_REQUEST', `dataset "${ds.name}" has no time column: the rules need "ts"`);
  const wanted = [...(hasApi ? API_FIELDS : []), ...(hasLogin ? LOGIN_FIELDS : [])].filter(
    (f, i, a) => f !== 'ts' && a.indexOf(f) === i,
  );
  const col = new Map<string, number>(wanted.map((f, i) => [f, i + 2]));
  const select = ['_id', '_ts', ...wanted.map((f) => `"${byName.get(f)}"`)].join(', ');
  const n = db
    .prepare(`SELECT count(*) FROM ${tableOf(ds.id)}`)
    .pluck()
    .get() as number;
  const b = new ColumnsBuilder(dict, Math.max(1, n));
  const at = (f: string) => col.get(f)!;
  const missing = (id: number, field: string): never =>
    fail('MALFORMED_INPUT', `event ${id} of dataset "${ds.name}": missing field "${field}"`, {
      column: field,
    });
  const wrong = (id: number, field: string, what: string): never =>
    fail('MALFORMED_INPUT', `event ${id} of dataset "${ds.name}": field "${field}" ${what}`, {
      column: field,
    });
  // a wrong type would become NaN and quietly poison the key's windows and baselines
  const checked = (id: number, field: string, v: unknown): number => {
    const x = amount(v);
    if (!(x >= 0) || x === Infinity) wrong(id, field, 'must be a number ≥ 0');
    return x;
  };
  const stmt = db.prepare(`SELECT ${select} FROM ${tableOf(ds.id)} ORDER BY _id`).raw();
  // the fields after `ts`, in their order
  const [iKey, iIp, iOp, iCx, iF, iT, iRows, iBytes, iStatus, iAuth, iLat] = hasApi
    ? API_FIELDS.slice(1).map(at)
    : [];
  const [iUser, iLoginIp, iResult] = hasLogin ? LOGIN_FIELDS.slice(1).map(at) : [];
  let read = 0;
  for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
    const id = row[0] as number;
    const ts = row[1] as number | null;
    if (ts === null) missing(id, 'ts');
    const login = hasLogin && row[iResult!] !== null && (!hasApi || row[iKey!] === null);
    if (login) {
      if (row[iUser!] === null) missing(id, 'user');
      if (row[iLoginIp!] === null) missing(id, 'ip');
      const result = String(row[iResult!]);
      if (result !== 'success' && result !== 'failure')
        fail(
          'MALFORMED_INPUT',
          `event ${id} of dataset "${ds.name}": field "result" must be success or failure`,
          {
            column: 'result',
          },
        );
      b.login(id, ts!, String(row[iUser!]), String(row[iLoginIp!]), result === 'failure');
    } else {
      // a server log's other lines (sessions, cron, the kernel) are not sign-ins: not events here
      if (!hasApi && ds.format === 'syslog') continue;
      if (!hasApi) missing(id, 'result');
      for (const [f, i] of col)
        if (row[i] === null && (API_FIELDS as readonly string[]).includes(f)) missing(id, f);
      const where = (f: string) => () => `event ${id} of dataset "${ds.name}", field "${f}"`;
      const auth = row[iAuth!];
      if (auth !== 'ok' && auth !== 'denied') wrong(id, 'auth', 'must be ok or denied');
      const status = amount(row[iStatus!]);
      if (!Number.isInteger(status) || status < 100 || status > 599)
        wrong(id, 'status', 'must be an HTTP status code');
      const i = b.cols.n;
      b.api(
        id,
        ts!,
        String(row[iKey!]),
        String(row[iIp!]),
        String(row[iOp!]),
        checked(id, 'complexity', row[iCx!]),
        NO_NAMES,
        NO_NAMES,
        checked(id, 'rows', row[iRows!]),
        checked(id, 'bytes', row[iBytes!]),
        status,
        auth === 'denied',
        checked(id, 'latency_ms', row[iLat!]),
      );
      b.cols.fieldSet[i] = dict.fieldSets.ofText(row[iF!] as string, where('fields'));
      b.cols.tableSet[i] = dict.tableSets.ofText(row[iT!] as string, where('tables'));
    }
    if ((++read & 0xffff) === 0) onRows?.(read);
  }
  return sortByTime(b.cols);
}

const NO_NAMES: readonly string[] = [];

/** A stored number (a number, or the text of one in a TEXT column); NaN otherwise. */
function amount(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
}

export interface ReplayRequest {
  casePath: string;
  datasetId: number;
  configPath?: string;
}

export type ReplayProgress = (phase: string, rows: number) => void;

/** The whole replay of a dataset; `cancelled` is polled between chunks. */
export function replayDataset(
  db: DB,
  ds: DatasetInfo,
  progress: ReplayProgress,
  cancelled: () => boolean,
  cfg: RulesConfig = loadRulesConfig(),
): RulesRun {
  const started = performance.now();
  const saved = readSavedBaselines(db);
  const first = db
    .prepare(`SELECT min(_ts) FROM ${tableOf(ds.id)}`)
    .pluck()
    .get() as number | null;
  // the kept baselines apply when this dataset comes after what they learned from
  const resumed = saved !== null && first !== null && saved.asOf <= first;
  const engine = new RuleEngine(cfg, { states: readRuleStates(db), saved: resumed ? saved : null });
  progress('reading', 0);
  const cols = readEventColumns(db, ds, engine.dict, (n) => progress('reading', n));
  for (let from = 0; from < cols.n; from += CHUNK) {
    if (cancelled()) fail('CANCELLED', 'rules run cancelled');
    engine.process(cols, from, Math.min(cols.n, from + CHUNK));
    progress('rules', Math.min(cols.n, from + CHUNK));
  }
  const { alerts, incidents } = engine.finish();
  return {
    datasetId: ds.id,
    events: engine.events.api + engine.events.login,
    seconds: (performance.now() - started) / 1000,
    resumed,
    alerts,
    incidents,
    baselines: engine.save(),
  };
}
