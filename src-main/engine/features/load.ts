// Reading the columns features need from a dataset's table into typed arrays, in id order.
import type { DatasetInfo } from '../../../src-shared/domain';
import { tableOf } from '../db/case-store';
import type { DB } from '../db/open-case';
import type { FeatureInput } from './compute';

const CODED = ['entity', 'src_ip', 'device', 'resource'] as const;

/** A status is a failure when its text is listed, or when it is an HTTP error code (≥ 400). */
export function isFailure(v: unknown, failureValues: Set<string>): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'number') return v >= 400;
  const s = String(v).trim().toLowerCase();
  return failureValues.has(s) || (/^\d{3}$/.test(s) && Number(s) >= 400);
}

export function loadFeatureInput(
  db: DB,
  ds: DatasetInfo,
  failureValues: string[],
  onRow?: (n: number) => void,
): FeatureInput {
  const byRole = new Map(ds.columns.filter((c) => c.role).map((c) => [c.role!, c.sqlName]));
  const select = ['_id', '_ts'];
  const coded = CODED.filter((r) => byRole.has(r));
  for (const r of coded) select.push(`"${byRole.get(r)}"`);
  const amountCol = byRole.get('amount');
  const statusCol = byRole.get('status');
  if (amountCol) select.push(`"${amountCol}"`);
  if (statusCol) select.push(`"${statusCol}"`);

  const n = db
    .prepare(`SELECT count(*) FROM ${tableOf(ds.id)}`)
    .pluck()
    .get() as number;
  const id = new Float64Array(n);
  const ts = new Float64Array(n);
  const codes = Object.fromEntries(coded.map((r) => [r, new Int32Array(n)])) as FeatureInput['codes'];
  const dictionaries = coded.map(() => new Map<string, number>());
  const amount = amountCol ? new Float64Array(n) : null;
  const failure = statusCol ? new Uint8Array(n) : null;
  const failures = new Set(failureValues);
  const codeArrays = coded.map((r) => codes[r]!);

  const stmt = db.prepare(`SELECT ${select.join(', ')} FROM ${tableOf(ds.id)} ORDER BY _id`).raw();
  let i = 0;
  for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
    if (i >= n) break; // rows added since the count (not possible on a read snapshot, but cheap to guard)
    id[i] = row[0] as number;
    ts[i] = row[1] === null ? NaN : (row[1] as number);
    let k = 2;
    for (let c = 0; c < coded.length; c++, k++) {
      const v = row[k];
      if (v === null) codeArrays[c][i] = -1;
      else {
        const key = String(v);
        const dict = dictionaries[c];
        let code = dict.get(key);
        if (code === undefined) dict.set(key, (code = dict.size));
        codeArrays[c][i] = code;
      }
    }
    if (amount) {
      const v = row[k++];
      amount[i] = v === null ? NaN : Number(v);
    }
    if (failure) failure[i] = isFailure(row[k++], failures) ? 1 : 0;
    i++;
    if (onRow && (i & 0xffff) === 0) onRow(i);
  }
  return {
    n: i,
    id: id.subarray(0, i),
    ts: ts.subarray(0, i),
    codes,
    amount: amount?.subarray(0, i) ?? null,
    failure: failure?.subarray(0, i) ?? null,
  };
}
