// Parquet files (issue 12): imported like any table (a public layout recognised from its
// columns), read in slices of row groups, their types kept; a damaged file refused by name.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { call, hostWithCase, ingest, snapshot } from './helpers';

/** PaySim's columns as a Parquet file, in row groups of 10,000, with a few empty amounts. */
function paysimParquet(dir: string, n: number): string {
  const types = ['PAYMENT', 'TRANSFER', 'CASH_OUT', 'DEBIT'];
  const col = <T>(f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'step', data: col((i) => 1 + Math.floor(i / 500)), type: 'INT32' },
      { name: 'type', data: col((i) => types[i % 4]), type: 'STRING' },
      {
        name: 'amount',
        data: col((i) => (i % 997 === 5 ? null : ((i * 37) % 10_000) + 0.25)),
        type: 'DOUBLE',
      },
      { name: 'nameOrig', data: col((i) => `C${1000 + (i % 300)}`), type: 'STRING' },
      { name: 'oldbalanceOrg', data: col((i) => i * 1.5), type: 'DOUBLE' },
      { name: 'newbalanceOrig', data: col(() => 0), type: 'DOUBLE' },
      { name: 'nameDest', data: col((i) => `M${2000 + (i % 50)}`), type: 'STRING' },
      { name: 'oldbalanceDest', data: col(() => 0), type: 'DOUBLE' },
      { name: 'newbalanceDest', data: col(() => 0), type: 'DOUBLE' },
      { name: 'isFraud', data: col((i) => (i % 101 === 7 ? 1 : 0)), type: 'INT32' },
      { name: 'isFlaggedFraud', data: col(() => 0), type: 'INT32' },
      { name: 'ref', data: col((i) => BigInt(2) ** BigInt(60) + BigInt(i)), type: 'INT64' },
    ],
    rowGroupSize: 10_000,
  });
  const file = path.join(dir, 'paysim.parquet');
  writeFileSync(file, new Uint8Array(buf));
  return file;
}

describe('a Parquet file', () => {
  it('is imported with its types, a known layout recognised, in slices of its row groups', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const file = paysimParquet(dir, 25_000);
    const p = await call(host, 'ingest.preview', { path: file });
    expect(p).toMatchObject({
      format: 'parquet',
      rows: 1000,
      complete: false,
      source: 'PaySim mobile-money transactions',
    });
    const r = await ingest(host, { path: file });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({
      rows: 25_000,
      dataset: { name: 'paysim', format: 'parquet', timeColumn: 'step' },
    });
    const types = Object.fromEntries(r.value.dataset.columns.map((c) => [c.name, c.type]));
    expect(types).toMatchObject({
      step: 'INTEGER',
      type: 'TEXT',
      amount: 'REAL',
      isFraud: 'INTEGER',
      ref: 'TEXT',
    });
    const roles = Object.fromEntries(
      r.value.dataset.columns.filter((c) => c.role).map((c) => [c.role, c.name]),
    );
    expect(roles).toMatchObject({
      entity: 'nameOrig',
      resource: 'nameDest',
      amount: 'amount',
      label: 'isFraud',
    });
    const db = new Database(casePath, { readonly: true });
    try {
      const rows = db.prepare('SELECT _ts, amount, type, ref FROM ds_1 ORDER BY _id').all() as {
        _ts: number;
        amount: number | null;
        type: string;
        ref: string;
      }[];
      expect(rows.length).toBe(25_000);
      expect(rows[0]).toEqual({
        _ts: Date.UTC(2016, 0, 1, 1),
        amount: 0.25,
        type: 'PAYMENT',
        ref: '1152921504606846976',
      });
      expect(rows[5].amount).toBeNull(); // empty in the file
      expect(rows[24_999]).toMatchObject({ amount: ((24_999 * 37) % 10_000) + 0.25, type: 'DEBIT' });
    } finally {
      db.close();
    }
  });

  it('is refused by name when it is damaged; the case is unchanged', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const good = paysimParquet(dir, 100);
    const bytes = new Uint8Array(readFileSync(good));
    const cut = path.join(dir, 'cut.parquet');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 40)); // the footer lost
    const before = snapshot(casePath);
    const r = await ingest(host, { path: cut });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'MALFORMED_INPUT',
        file: 'cut.parquet',
        message: expect.stringMatching(/not a readable Parquet file/),
      },
    });
    expect(snapshot(casePath)).toEqual(before);
  });
});
