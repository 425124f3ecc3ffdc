import { LATEST_VERSION } from '../../src-main/engine/db/migrations';
import { describe, expect, it } from 'vitest';
import type { EventsPage, EventsQuery } from '../../src-shared/domain';
import type { EngineHost } from '../../src-main/engine/host';
import { hostWithCase, ingest, writeFile } from './helpers';

async function setup() {
  const { host, dir } = await hostWithCase();
  const lines = ['ts,user,amount,merchant'];
  for (let i = 0; i < 5000; i++) {
    const amount = i % 7 === 0 ? '' : ((i * 37) % 1000) / 10;
    lines.push(
      `${1_700_000_000 + i * 60},user_${i % 50},${amount},${i % 3 === 0 ? 'Cafe 100%_real' : 'Shop'}`,
    );
  }
  const r = await ingest(host, { path: writeFile(dir, 'tx.csv', lines.join('\n')) });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return { host, id: r.value.dataset.id };
}

async function page(
  host: EngineHost,
  q: Omit<EventsQuery, 'datasetId'> & { datasetId: number },
): Promise<EventsPage> {
  const r = await host.call('events.page', q);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as EventsPage;
}

describe('events table queries', () => {
  it('pages in id order by default', async () => {
    const { host, id } = await setup();
    const p = await page(host, { datasetId: id, offset: 100, limit: 50 });
    expect(p.total).toBe(5000);
    expect(p.rows.map((r) => r[0])).toEqual(Array.from({ length: 50 }, (_, i) => 101 + i));
  });

  it('sorts by a column both ways, NULLs first ascending, ties by id', async () => {
    const { host, id } = await setup();
    const col = (p: EventsPage, name: string) => p.rows.map((r) => r[p.columns.indexOf(name)]);
    const asc = await page(host, {
      datasetId: id,
      offset: 0,
      limit: 2000,
      sort: { column: 'amount', desc: false },
    });
    const values = col(asc, 'amount');
    expect(values.slice(0, 5)).toEqual([null, null, null, null, null]);
    const nums = values.filter((v): v is number => v !== null);
    expect(nums).toEqual([...nums].sort((a, b) => a - b));
    const desc = await page(host, {
      datasetId: id,
      offset: 0,
      limit: 10,
      sort: { column: 'amount', desc: true },
    });
    expect(col(desc, 'amount')[0]).toBe(99.9);
    // deep page of a sort equals the same slice of the full order
    const deep = await page(host, {
      datasetId: id,
      offset: 1234,
      limit: 10,
      sort: { column: 'amount', desc: false },
    });
    const all = await page(host, {
      datasetId: id,
      offset: 0,
      limit: 2000,
      sort: { column: 'amount', desc: false },
    });
    expect(deep.rows).toEqual(all.rows.slice(1234, 1244));
  });

  it('filters by equality, range, text and emptiness, with matching totals', async () => {
    const { host, id } = await setup();
    const eq = await page(host, {
      datasetId: id,
      offset: 0,
      limit: 500,
      filters: [{ column: 'user', op: 'eq', value: 'user_7' }],
    });
    expect(eq.total).toBe(100);
    expect(eq.rows.every((r) => r[3] === 'user_7')).toBe(true);
    const range = await page(host, {
      datasetId: id,
      offset: 0,
      limit: 2000,
      filters: [
        { column: 'amount', op: 'gte', value: '50' },
        { column: 'amount', op: 'lt', value: 60 },
      ],
    });
    expect(range.rows.every((r) => (r[4] as number) >= 50 && (r[4] as number) < 60)).toBe(true);
    expect(range.total).toBe(range.rows.length);
    // LIKE wildcards in the value are literal
    const text = await page(host, {
      datasetId: id,
      offset: 0,
      limit: 1,
      filters: [{ column: 'merchant', op: 'contains', value: '100%_' }],
    });
    expect(text.total).toBe(1667);
    const none = await page(host, {
      datasetId: id,
      offset: 0,
      limit: 1,
      filters: [{ column: 'merchant', op: 'contains', value: '%' + '_' }],
    });
    expect(none.total).toBe(1667);
    const empty = await page(host, {
      datasetId: id,
      offset: 0,
      limit: 1,
      filters: [{ column: 'amount', op: 'isnull' }],
    });
    expect(empty.total).toBe(715);
    const prefix = await page(host, {
      datasetId: id,
      offset: 0,
      limit: 1,
      filters: [{ column: 'user', op: 'prefix', value: 'user_4' }],
    });
    expect(prefix.total).toBe(1100); // user_4 and user_40..49
  });

  it('binds hostile values and refuses unknown columns and bad numbers as BAD_REQUEST', async () => {
    const { host, id } = await setup();
    const hostile = await page(host, {
      datasetId: id,
      offset: 0,
      limit: 5,
      filters: [{ column: 'user', op: 'eq', value: "x' OR 1=1; DROP TABLE datasets; --" }],
    });
    expect(hostile.total).toBe(0);
    expect(
      await host.call('events.page', {
        datasetId: id,
        offset: 0,
        limit: 5,
        sort: { column: 'nope', desc: false },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/no column "nope"/) },
    });
    expect(
      await host.call('events.page', {
        datasetId: id,
        offset: 0,
        limit: 5,
        filters: [{ column: 'amount', op: 'gt', value: 'ten' }],
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    // identifiers that are not plain column names never reach SQL
    expect(
      await host.call('events.page', {
        datasetId: id,
        offset: 0,
        limit: 5,
        sort: { column: 'amount"; DROP TABLE x; --', desc: false },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/sort\.column/) },
    });
    expect(await host.call('events.page', { datasetId: 999, offset: 0, limit: 5 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    // the case still answers
    expect((await page(host, { datasetId: id, offset: 0, limit: 1 })).total).toBe(5000);
  });
});

describe('the contract at the boundary', () => {
  it('rejects unknown methods, unknown fields and wrong types, naming the field', async () => {
    const { host } = await hostWithCase();
    expect(await host.handle('case.delete', {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/unknown method/) },
    });
    expect(await host.handle('events.page', { datasetId: 1, offset: 0, limit: 5, extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await host.handle('events.page', { datasetId: '1', offset: 0, limit: 5 })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/datasetId/) },
    });
    expect(await host.call('events.page', { datasetId: 1, offset: 0, limit: 100_000 })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/limit/) },
    });
    expect(await host.call('ingest.start', { path: '/a', uploadId: 'b'.repeat(32) })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await host.handle('ingest.start', null)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await host.call('app.state', {})).toMatchObject({
      ok: true,
      value: { case: { schemaVersion: LATEST_VERSION } },
    });
  });
});

describe('text filters answered from a column’s distinct values', () => {
  it('agree with SQL LIKE, = and != (ASCII-only case folding, NULLs excluded)', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const merchants = ['Café', 'CAFÉ', 'cafe', 'Cafe 100%_real', 'Books', '', 'Ünder'];
    const lines = ['n,merchant'];
    for (let i = 0; i < 3000; i++) lines.push(`${i},${merchants[i % merchants.length]}`);
    const r = await ingest(host, { path: writeFile(dir, 'm.csv', lines.join('\n')) });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const id = r.value.dataset.id;
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(casePath, { readonly: true });
    try {
      const cases: [string, string, string][] = [
        ['contains', 'caf', `merchant LIKE '%caf%'`],
        ['contains', 'é', `merchant LIKE '%é%'`],
        ['contains', 'É', `merchant LIKE '%É%'`],
        ['contains', '%_', `instr(merchant, '%_') > 0`],
        ['prefix', 'CA', `merchant LIKE 'CA%'`],
        ['prefix', 'ü', `merchant LIKE 'ü%'`],
        ['eq', 'cafe', `merchant = 'cafe'`],
        ['neq', 'cafe', `merchant != 'cafe'`],
        ['contains', 'zzz', '0'],
      ];
      for (const [op, value, where] of cases) {
        const expected = raw.prepare(`SELECT count(*) FROM ds_${id} WHERE ${where}`).pluck().get() as number;
        const p = await page(host, {
          datasetId: id,
          offset: 0,
          limit: 2000,
          filters: [{ column: 'merchant', op: op as 'eq', value }],
        });
        expect([op, value, p.total]).toEqual([op, value, expected]);
        expect(p.rows.length).toBe(Math.min(expected, 2000));
      }
    } finally {
      raw.close();
    }
  });
});
