// The rule engine's input: API-gateway calls and login events as typed columns, with every
// text (keys, IPs, operations, fields, tables, users) interned to a small integer once, so the
// rules work on numbers. Columns come from a stored dataset (replay), from the simulator, or
// one object at a time (live).
import { fail } from '../../../src-shared/result';

export const KIND_API = 0;
export const KIND_LOGIN = 1;

export class Interner {
  private readonly map = new Map<string, number>();
  readonly names: string[] = [];

  id(s: string): number {
    let v = this.map.get(s);
    if (v === undefined) {
      v = this.names.length;
      this.map.set(s, v);
      this.names.push(s);
    }
    return v;
  }

  find(s: string): number | undefined {
    return this.map.get(s);
  }

  get size(): number {
    return this.names.length;
  }
}

/** Sets of fields (or tables) read by one call, interned as sorted lists of ids. */
export class SetInterner {
  readonly members: Int32Array[] = [];
  private readonly byCanon = new Map<string, number>();
  private readonly byText = new Map<string, number>();
  private readonly byArray = new WeakMap<readonly string[], number>();

  constructor(readonly items: Interner) {}

  /** A list of names → set id. The same array object is looked up by identity. */
  ofList(list: readonly string[]): number {
    const known = this.byArray.get(list);
    if (known !== undefined) return known;
    const ids = new Int32Array(list.length);
    for (let i = 0; i < list.length; i++) ids[i] = this.items.id(list[i]);
    ids.sort();
    let n = 0;
    for (let i = 0; i < ids.length; i++) if (i === 0 || ids[i] !== ids[i - 1]) ids[n++] = ids[i];
    const canon = ids.subarray(0, n).join(',');
    let id = this.byCanon.get(canon);
    if (id === undefined) {
      id = this.members.length;
      this.byCanon.set(canon, id);
      this.members.push(ids.slice(0, n));
    }
    this.byArray.set(list, id);
    return id;
  }

  /** The JSON text of an array of names (as a dataset stores it) → set id; null → the empty set. */
  ofText(text: string | null, where: () => string): number {
    if (text === null) return this.ofList(EMPTY);
    const known = this.byText.get(text);
    if (known !== undefined) return known;
    let v: unknown;
    if (text.trimStart().startsWith('[')) {
      try {
        v = JSON.parse(text);
      } catch {
        v = null;
      }
    } else {
      // CSV cells: names separated by ';', '|', ',' or spaces ("User.id;User.name").
      v = text.split(/[;|,\s]+/).filter((x) => x !== '');
    }
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      fail(
        'MALFORMED_INPUT',
        `${where()}: must be a JSON array of names or names separated by ';', not ${text.slice(0, 60)}`,
      );
    const id = this.ofList(v as string[]);
    if (this.byText.size > 100_000) this.byText.clear();
    this.byText.set(text, id);
    return id;
  }
}

const EMPTY: readonly string[] = [];

export class Dictionaries {
  readonly keys = new Interner();
  readonly ips = new Interner();
  readonly ops = new Interner();
  readonly users = new Interner();
  readonly fields = new Interner();
  readonly tables = new Interner();
  readonly fieldSets = new SetInterner(this.fields);
  readonly tableSets = new SetInterner(this.tables);
}

export interface EventColumns {
  n: number;
  id: Float64Array;
  ts: Float64Array;
  kind: Uint8Array;
  key: Int32Array;
  ip: Int32Array;
  op: Int32Array;
  complexity: Float32Array;
  rows: Float64Array;
  bytes: Float64Array;
  status: Uint16Array;
  denied: Uint8Array;
  latency: Float32Array;
  fieldSet: Int32Array;
  tableSet: Int32Array;
  user: Int32Array;
  failure: Uint8Array;
}

export function allocColumns(capacity: number): EventColumns {
  return {
    n: 0,
    id: new Float64Array(capacity),
    ts: new Float64Array(capacity),
    kind: new Uint8Array(capacity),
    key: new Int32Array(capacity),
    ip: new Int32Array(capacity),
    op: new Int32Array(capacity),
    complexity: new Float32Array(capacity),
    rows: new Float64Array(capacity),
    bytes: new Float64Array(capacity),
    status: new Uint16Array(capacity),
    denied: new Uint8Array(capacity),
    latency: new Float32Array(capacity),
    fieldSet: new Int32Array(capacity),
    tableSet: new Int32Array(capacity),
    user: new Int32Array(capacity),
    failure: new Uint8Array(capacity),
  };
}

/** The first `n` events of `c` in time order (stable): a replay reads in id order. */
export function sortByTime(c: EventColumns): EventColumns {
  let sorted = true;
  for (let i = 1; i < c.n && sorted; i++) if (c.ts[i] < c.ts[i - 1]) sorted = false;
  if (sorted) return c;
  const order = new Uint32Array(c.n);
  for (let i = 0; i < c.n; i++) order[i] = i;
  order.sort((a, b) => c.ts[a] - c.ts[b] || a - b);
  const out = allocColumns(c.n);
  out.n = c.n;
  for (const k of Object.keys(out) as (keyof EventColumns)[]) {
    if (k === 'n') continue;
    const src = c[k] as Float64Array;
    const dst = out[k] as Float64Array;
    for (let i = 0; i < c.n; i++) dst[i] = src[order[i]];
  }
  return out;
}

// ---- validation ----------------------------------------------------------------------

export const API_FIELDS = [
  'ts',
  'api_key',
  'ip',
  'operation',
  'complexity',
  'fields',
  'tables',
  'rows',
  'bytes',
  'status',
  'auth',
  'latency_ms',
] as const;
export const LOGIN_FIELDS = ['ts', 'user', 'ip', 'result'] as const;

/** A login event has `result` (or `user` and no `api_key`); anything else is an API call. */
export function isLoginObject(o: Record<string, unknown>): boolean {
  return o.result !== undefined || (o.user !== undefined && o.api_key === undefined);
}

/** Event time: epoch ms, or an ISO 8601 text. NaN when it is neither. */
export function eventTime(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'string') {
    if (/^\d{10,15}$/.test(v)) return Number(v);
    return /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
  }
  return NaN;
}

type Where = { file?: string; line: number };

function bad(where: Where, column: string, message: string): never {
  return fail('MALFORMED_INPUT', `field "${column}": ${message}`, {
    file: where.file,
    line: where.line,
    column,
  });
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Checks one event object; an error names the line and the field. Extra fields are allowed. */
export function checkEvent(o: Record<string, unknown>, where: Where): typeof KIND_API | typeof KIND_LOGIN {
  const login = isLoginObject(o);
  for (const f of login ? LOGIN_FIELDS : API_FIELDS)
    if (o[f] === undefined || o[f] === null)
      bad(
        where,
        f,
        `missing (a${login ? ' login event' : 'n API event'} needs ${(login ? LOGIN_FIELDS : API_FIELDS).join(', ')})`,
      );
  if (Number.isNaN(eventTime(o.ts))) bad(where, 'ts', 'must be an ISO 8601 time or epoch milliseconds');
  if (typeof o.ip !== 'string') bad(where, 'ip', 'must be text');
  if (login) {
    if (typeof o.user !== 'string') bad(where, 'user', 'must be text');
    if (o.result !== 'success' && o.result !== 'failure') bad(where, 'result', 'must be success or failure');
    return KIND_LOGIN;
  }
  if (typeof o.api_key !== 'string') bad(where, 'api_key', 'must be text');
  if (typeof o.operation !== 'string') bad(where, 'operation', 'must be text');
  for (const f of ['complexity', 'rows', 'bytes', 'latency_ms'] as const)
    if (!isNumber(o[f]) || o[f] < 0) bad(where, f, 'must be a number ≥ 0');
  if (!Number.isInteger(o.status) || (o.status as number) < 100 || (o.status as number) > 599)
    bad(where, 'status', 'must be an HTTP status code');
  if (o.auth !== 'ok' && o.auth !== 'denied') bad(where, 'auth', 'must be ok or denied');
  if (!isNames(o.fields) || o.fields.some((f) => !/^[^.\s]+\.[^.\s]+$/.test(f)))
    bad(where, 'fields', 'must be an array of Type.field names');
  if (!isNames(o.tables)) bad(where, 'tables', 'must be an array of table names');
  return KIND_API;
}

/** Appends event objects to columns (growing them), interning through `dict`. */
export class ColumnsBuilder {
  cols: EventColumns;

  constructor(
    readonly dict: Dictionaries,
    capacity = 1024,
  ) {
    this.cols = allocColumns(capacity);
  }

  private room(): number {
    const c = this.cols;
    if (c.n === c.id.length) {
      const next = allocColumns(c.id.length * 2);
      next.n = c.n;
      for (const k of Object.keys(next) as (keyof EventColumns)[])
        if (k !== 'n') (next[k] as Float64Array).set(c[k] as Float64Array);
      this.cols = next;
    }
    return this.cols.n++;
  }

  /** An API call; strings and name arrays may be shared objects (looked up by identity). */
  api(
    id: number,
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
  ): void {
    const i = this.room();
    const c = this.cols;
    const d = this.dict;
    c.id[i] = id;
    c.ts[i] = ts;
    c.kind[i] = KIND_API;
    c.key[i] = d.keys.id(key);
    c.ip[i] = d.ips.id(ip);
    c.op[i] = d.ops.id(op);
    c.complexity[i] = complexity;
    c.fieldSet[i] = d.fieldSets.ofList(fields);
    c.tableSet[i] = d.tableSets.ofList(tables);
    c.rows[i] = rows;
    c.bytes[i] = bytes;
    c.status[i] = status;
    c.denied[i] = denied ? 1 : 0;
    c.latency[i] = latency;
    c.user[i] = -1;
    c.failure[i] = 0;
  }

  login(id: number, ts: number, user: string, ip: string, failure: boolean): void {
    const i = this.room();
    const c = this.cols;
    c.id[i] = id;
    c.ts[i] = ts;
    c.kind[i] = KIND_LOGIN;
    c.key[i] = -1;
    c.ip[i] = this.dict.ips.id(ip);
    c.op[i] = -1;
    c.fieldSet[i] = -1;
    c.tableSet[i] = -1;
    c.user[i] = this.dict.users.id(user);
    c.failure[i] = failure ? 1 : 0;
    c.complexity[i] = 0;
    c.rows[i] = 0;
    c.bytes[i] = 0;
    c.status[i] = 0;
    c.denied[i] = 0;
    c.latency[i] = 0;
  }

  /** A checked event object (see checkEvent). */
  object(id: number, o: Record<string, unknown>, where: Where): void {
    if (checkEvent(o, where) === KIND_LOGIN)
      this.login(id, eventTime(o.ts), o.user as string, o.ip as string, o.result === 'failure');
    else
      this.api(
        id,
        eventTime(o.ts),
        o.api_key as string,
        o.ip as string,
        o.operation as string,
        o.complexity as number,
        o.fields as string[],
        o.tables as string[],
        o.rows as number,
        o.bytes as number,
        o.status as number,
        o.auth === 'denied',
        o.latency_ms as number,
      );
  }

  clear(): void {
    this.cols.n = 0;
  }
}
