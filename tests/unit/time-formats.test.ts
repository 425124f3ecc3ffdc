// Times as users' files have them: MM/DD/YYYY (CERT's `date`), DD/MM/YYYY, syslog without a year,
// epoch numbers in s/ms/µs/ns by magnitude, steps of a unit from an origin (PaySim's `step`), and
// a clear error when a format cannot be told.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Params } from '../../src-shared/contract';
import { hostWithCase, ingest, snapshot, writeFile } from './helpers';

async function times(content: string, params: Omit<Params<'ingest.start'>, 'path'> = {}) {
  const { host, dir, casePath } = await hostWithCase();
  const r = await ingest(host, { path: writeFile(dir, 'data.csv', content), ...params });
  if (!r.ok) return { error: r.error, casePath, host, dir };
  const db = new Database(casePath, { readonly: true });
  const ts = db.prepare('SELECT _ts FROM ds_1 ORDER BY _id').pluck().all() as (number | null)[];
  db.close();
  return { ts: ts.map((t) => (t === null ? null : new Date(t).toISOString())), dataset: r.value.dataset };
}

describe('time formats', () => {
  it('reads MM/DD/YYYY HH:MM:SS (as CERT logs have it) and DD/MM/YYYY when a day says so', async () => {
    const cert = await times(
      'id,date,user,pc,activity\n1,01/02/2010 07:17:00,ACM2278,PC-7003,Logon\n2,12/30/2010 23:05:59,ACM2278,PC-7003,Logoff\n',
    );
    expect(cert.ts).toEqual(['2010-01-02T07:17:00.000Z', '2010-12-30T23:05:59.000Z']);
    expect(cert.dataset!.timeColumn).toBe('date');
    const eu = await times('when,x\n25/12/2024,1\n03/01/2025,2\n');
    expect(eu.ts).toEqual(['2024-12-25T00:00:00.000Z', '2025-01-03T00:00:00.000Z']);
  });

  it('asks for the format when no value tells month/day from day/month, then takes it', async () => {
    const content = 'date,x\n03/04/2026,1\n05/06/2026,2\n';
    const refused = await times(content);
    expect(refused.error).toMatchObject({
      code: 'MALFORMED_INPUT',
      column: 'date',
      message: expect.stringMatching(
        /could be month\/day or day\/month.*give the time format \(mdy or dmy\)/,
      ),
    });
    expect(snapshot(refused.casePath!).datasets).toEqual([]);
    expect((await times(content, { timeFormat: 'dmy' })).ts).toEqual([
      '2026-04-03T00:00:00.000Z',
      '2026-06-05T00:00:00.000Z',
    ]);
  });

  it('refuses a date that does not exist, naming the line', async () => {
    const r = await times('date,x\n01/31/2026,1\n02/30/2026,2\n');
    expect(r.error).toMatchObject({
      code: 'MALFORMED_INPUT',
      line: 3,
      column: 'date',
      message: expect.stringMatching(/MM\/DD\/YYYY/),
    });
  });

  it('reads syslog times in the given year, rolling over into the next at January', async () => {
    const r = await times('time,host,message\nDec 31 23:59:58,web1,a\nJan  1 00:00:03,web1,b\n', {
      timeYear: 2025,
    });
    expect(r.ts).toEqual(['2025-12-31T23:59:58.000Z', '2026-01-01T00:00:03.000Z']);
  });

  it('keeps a late December line among January ones in December, and refuses days that do not exist', async () => {
    const r = await times(
      'time,host,message\nDec 31 23:59:59,web1,a\nJan  1 00:00:01,web1,b\nDec 31 23:59:58,web1,c\nJan  1 00:00:02,web1,d\n',
      {
        timeYear: 2025,
      },
    );
    expect(r.ts).toEqual([
      '2025-12-31T23:59:59.000Z',
      '2026-01-01T00:00:01.000Z',
      '2025-12-31T23:59:58.000Z',
      '2026-01-01T00:00:02.000Z',
    ]);
    expect(
      (await times('time,x\nFeb 28 10:00:00,1\nFeb 30 10:00:00,2\n', { timeYear: 2025 })).error,
    ).toMatchObject({
      line: 3,
      column: 'time',
    });
    expect((await times('date,x\n01/31/2026 10:61:00,1\n')).error).toMatchObject({ line: 2, column: 'date' });
  });

  it('reads appended rows with the time options given for them', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const opts = { timeColumn: 'step', timeUnit: 'hour', timeOrigin: '2017-12-01' } as const;
    const a = await ingest(host, { path: writeFile(dir, 'a.csv', 'step,amount\n1,10\n2,20\n'), ...opts });
    if (!a.ok) throw new Error(JSON.stringify(a.error));
    const b = await ingest(host, {
      path: writeFile(dir, 'b.csv', 'step,amount\n700,30\n'),
      appendTo: a.value.dataset.id,
      ...opts,
    });
    if (!b.ok) throw new Error(JSON.stringify(b.error));
    const db = new Database(casePath, { readonly: true });
    const ts = db.prepare('SELECT _ts FROM ds_1 ORDER BY _id').pluck().all() as number[];
    db.close();
    expect(ts.map((t) => new Date(t).toISOString())).toEqual([
      '2017-12-01T01:00:00.000Z',
      '2017-12-01T02:00:00.000Z',
      '2017-12-30T04:00:00.000Z',
    ]);
  });

  it('reads epoch numbers in seconds, milliseconds, microseconds or nanoseconds by their size', async () => {
    const t = Date.UTC(2026, 2, 1, 12, 0, 0);
    const r = await times(`ts,x\n${t * 1000},1\n${(t + 1000) * 1000},2\n`);
    expect(r.ts).toEqual(['2026-03-01T12:00:00.000Z', '2026-03-01T12:00:01.000Z']);
    const ns = await times(`ts,x\n${BigInt(t) * 1_000_000n},1\n`);
    expect(ns.ts).toEqual(['2026-03-01T12:00:00.000Z']);
  });

  it('reads steps of a unit from an origin (PaySim counts hours), and refuses a unit for text', async () => {
    const paysim =
      'step,type,amount,nameOrig,isFraud\n1,PAYMENT,9839.64,C1231006815,0\n743,TRANSFER,181,C1305486145,1\n';
    const r = await times(paysim, {
      timeColumn: 'step',
      timeUnit: 'hour',
      timeOrigin: '2017-12-01T00:00:00Z',
    });
    expect(r.ts).toEqual(['2017-12-01T01:00:00.000Z', '2017-12-31T23:00:00.000Z']);
    const bad = await times(paysim, { timeColumn: 'type', timeUnit: 'hour' });
    expect(bad.error).toMatchObject({
      column: 'type',
      message: expect.stringMatching(/needs numbers, and "type" holds text/),
    });
  });
});
