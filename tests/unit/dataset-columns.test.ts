// `dataset.columns`: a dataset's columns with their roles and what their first rows hold, for the
// column-mapping step of an import.
import { describe, expect, it } from 'vitest';
import { call, hostWithCase, ingest, writeFile } from './helpers';

describe('dataset.columns', () => {
  it('lists each column with its type, role, empties, distinct values and examples from the first rows', async () => {
    const { host, dir } = await hostWithCase();
    const lines = ['ts,user,amount,note,isFraud'];
    for (let i = 0; i < 12_000; i++)
      lines.push(
        `${new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()},u${i % 7},${(i % 50) + 0.5},${i % 3 === 0 ? '' : `n${i % 4}`},${i % 100 === 0 ? 1 : 0}`,
      );
    const r = await ingest(host, { path: writeFile(dir, 'tx.csv', lines.join('\n') + '\n') });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const columns = await call(host, 'dataset.columns', { datasetId: r.value.dataset.id });
    expect(columns.map((c) => [c.name, c.type, c.role])).toEqual([
      ['ts', 'TEXT', 'time'],
      ['user', 'TEXT', 'entity'],
      ['amount', 'REAL', 'amount'],
      ['note', 'TEXT', null],
      ['isFraud', 'INTEGER', null],
    ]);
    const by = Object.fromEntries(columns.map((c) => [c.name, c]));
    // the first 10,000 rows are looked at, not the whole dataset
    expect(columns.every((c) => c.sampled === 10_000)).toBe(true);
    expect(by.user).toMatchObject({ nulls: 0, distinct: 7 });
    expect(by.user.examples).toHaveLength(5);
    expect(by.user.examples.every((v) => /^u[0-6]$/.test(String(v)))).toBe(true);
    expect(by.note).toMatchObject({ nulls: 3334, distinct: 4 });
    expect([...by.note.examples].sort()).toEqual(['n0', 'n1', 'n2', 'n3']);
    expect(by.amount).toMatchObject({ nulls: 0, distinct: 50 });
    expect(by.isFraud).toMatchObject({ nulls: 0, distinct: 2 });
    expect([...by.isFraud.examples].sort()).toEqual([0, 1]);
  });

  it('refuses a dataset the case does not have, and a request without a case', async () => {
    const { host } = await hostWithCase();
    expect(await host.call('dataset.columns', { datasetId: 9 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'no dataset with id 9 in this case' },
    });
    expect(await host.handle('dataset.columns', { datasetId: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('datasetId') },
    });
  });
});
