// The import's preview and mapping (issue 10): a file's first rows shown before importing it
// (types, roles, the time or why it is ambiguous, a label's values), a mapping remembered per
// header layout and applied to the next file with that header, a date and a time of day in two
// columns read as one time, and files that are not tables refused. Real case files throughout.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ImportPreview } from '../../src-shared/import';
import { call, hostWithCase, ingest, job, jobResult, snapshot, writeFile } from './helpers';

const AUTH_LOG = '/work/shared/data/logs/Linux_2k.log';

function times(casePath: string, datasetId = 1): string[] {
  const db = new Database(casePath, { readonly: true });
  try {
    return (db.prepare(`SELECT _ts FROM ds_${datasetId} ORDER BY _id`).pluck().all() as number[]).map((t) =>
      new Date(t).toISOString(),
    );
  } finally {
    db.close();
  }
}

const col = (p: ImportPreview, name: string) => p.columns.find((c) => c.name === name)!;

describe('ingest.preview', () => {
  it('shows MM/DD/YYYY dates as read, or why they are ambiguous, and creates nothing', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const before = snapshot(casePath);
    const clear = writeFile(
      dir,
      'us.csv',
      'date,user,amount\n01/02/2024 07:17:00,ann,10.5\n12/30/2024 23:05:59,bob,3\n',
    );
    const p = await call(host, 'ingest.preview', { path: clear });
    expect(p).toMatchObject({ file: 'us.csv', format: 'csv', rows: 2, complete: true });
    expect(p.time).toEqual({ column: 'date', clockColumn: null, kind: 'mdy', ambiguous: null });
    expect(col(p, 'date')).toMatchObject({ role: 'time', roleSource: 'detected', type: 'TEXT' });
    expect(col(p, 'user')).toMatchObject({ role: 'entity', examples: ['ann', 'bob'], distinct: 2, nulls: 0 });
    expect(col(p, 'amount')).toMatchObject({ role: 'amount', type: 'REAL' });

    const amb = writeFile(dir, 'amb.csv', 'date,x\n03/04/2026,1\n05/06/2026,2\n');
    const a = await call(host, 'ingest.preview', { path: amb });
    expect(a.time.column).toBe('date');
    expect(a.time.kind).toBe('slash');
    expect(a.time.ambiguous).toMatch(/month\/day or day\/month.*\(mdy or dmy\)/);
    const settled = await call(host, 'ingest.preview', { path: amb, timeFormat: 'dmy' });
    expect(settled.time).toMatchObject({ kind: 'dmy', ambiguous: null });
    expect(settled.mapping).toMatchObject({ timeColumn: 'date', timeFormat: 'dmy' });
    expect(snapshot(casePath)).toEqual(before);
  });

  it('finds a text label and lists its values; f0..fN without time have no time and no roles', async () => {
    const { host, dir } = await hostWithCase();
    const rows = ['f0,f1,f2,label'];
    for (let i = 0; i < 30; i++) rows.push(`${i * 0.5},${i % 7},${-i},${i % 10 === 3 ? 'anom' : 'norm'}`);
    const p = await call(host, 'ingest.preview', { path: writeFile(dir, 'adb.csv', rows.join('\n') + '\n') });
    expect(p.time).toEqual({ column: null, clockColumn: null, kind: null, ambiguous: null });
    expect(p.columns.map((c) => [c.name, c.type, c.role])).toEqual([
      ['f0', 'REAL', null],
      ['f1', 'INTEGER', null],
      ['f2', 'INTEGER', null],
      ['label', 'TEXT', 'label'],
    ]);
    expect(p.label).toEqual({
      column: 'label',
      values: [
        { value: 'norm', count: 27 },
        { value: 'anom', count: 3 },
      ],
      numeric: false,
      positive: null,
    });
    expect(p.mapping.roles).toEqual({ label: 'label' });
    // the mapping, imported as the dialog sends it, keeps the attack values with the dataset
    const r = await ingest(host, {
      path: writeFile(dir, 'adb2.csv', rows.join('\n') + '\n'),
      ...p.mapping,
      positive: ['anom'],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.dataset.columns.find((c) => c.name === 'label')!.role).toBe('label');
    // the dataset keeps the mapping it was imported with, its label's attack values included
    expect(await call(host, 'dataset.mapping', { datasetId: r.value.dataset.id })).toEqual({
      roles: { label: 'label' },
      positive: ['anom'],
    });
  });

  it('a training on a text label takes the attack values chosen at import', async () => {
    const { host, dir } = await hostWithCase();
    const rows = ['f0,f1,verdict'];
    for (let i = 0; i < 400; i++) {
      const bad = i % 20 === 3;
      rows.push(`${Math.sin(i) + (bad ? 5 : 0)},${i % 7},${bad ? 'anom' : i % 2 ? 'norm' : 'ok'}`);
    }
    const file = writeFile(dir, 'words.csv', rows.join('\n') + '\n');
    // without a choice the words are not binary: the error lists them
    const plain = await ingest(host, { path: file, name: 'plain', roles: { label: 'verdict' } });
    expect(plain.ok).toBe(true);
    const refused = await jobResult(host, 'model.train', { datasetId: 1, model: 'gbdt' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', column: 'verdict' } });
    expect(!refused.ok && refused.error.message).toMatch(/not binary.*"anom"/);
    // chosen in the import dialog: the training needs no --positive
    const chosen = await ingest(host, {
      path: file,
      name: 'chosen',
      roles: { label: 'verdict' },
      positive: ['anom'],
    });
    if (!chosen.ok) throw new Error(JSON.stringify(chosen.error));
    const t = await job(host, 'model.train', { datasetId: chosen.value.dataset.id, model: 'gbdt' });
    // 20 attacks, stratified: 4 in the test slice (not the 200 "norm" rows nor the 180 "ok")
    expect(t.test!.positives).toBe(4);
    expect(t.test!.rocAuc!).toBeGreaterThan(0.9);
    // a training's own values still win
    const own = await job(host, 'model.train', {
      datasetId: chosen.value.dataset.id,
      model: 'gbdt',
      negative: ['norm', 'ok'],
    });
    expect(own.test!.positives).toBe(t.test!.positives);
  });

  it('reads no further than its rows, and names the file, line and column of an error', async () => {
    const { host, dir } = await hostWithCase();
    const big = [
      'ts,v',
      ...Array.from({ length: 5000 }, (_, i) => `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z,${i}`),
    ];
    const p = await call(host, 'ingest.preview', { path: writeFile(dir, 'big.csv', big.join('\n') + '\n') });
    expect(p).toMatchObject({ rows: 1000, complete: false });
    const ragged = await host.call('ingest.preview', { path: writeFile(dir, 'r.csv', 'a,b\n1,2\n3\n') });
    expect(ragged).toMatchObject({ ok: false, error: { file: 'r.csv', line: 3, column: 'b' } });
    const missing = await host.call('ingest.preview', {
      path: writeFile(dir, 'm.csv', 'a,b\n1,2\n'),
      roles: { amount: 'Amount' },
    });
    expect(missing).toMatchObject({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        file: 'm.csv',
        column: 'Amount',
        message: expect.stringMatching(/no column "Amount"/),
      },
    });
  });
});

describe('mappings remembered per header layout', () => {
  it('applies the mapping of a file to the next with the same header; given options still win', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const header = 'TransactionDT,card1,TransactionAmt,isFraud,note\n';
    const first = writeFile(dir, 'a.csv', header + '3600,c1,10,0,x\n7200,c2,99,1,y\n');
    const r1 = await ingest(host, {
      path: first,
      timeColumn: 'TransactionDT',
      timeUnit: 'second',
      timeOrigin: '2017-12-01',
      roles: { entity: 'card1', amount: 'TransactionAmt', label: 'isFraud' },
    });
    expect(r1.ok).toBe(true);

    // same header, other case and spacing: the layout matches
    const second = writeFile(
      dir,
      'b.csv',
      'transactiondt, card1 ,TransactionAmt,ISFRAUD,note\n60,c3,5,0,z\n',
    );
    const p = await call(host, 'ingest.preview', { path: second });
    // spelled as this file spells them
    expect(p.remembered).toMatchObject({
      roles: { entity: 'card1', amount: 'TransactionAmt', label: 'ISFRAUD' },
    });
    expect(col(p, 'transactiondt')).toMatchObject({ role: 'time', roleSource: 'remembered' });
    expect(col(p, 'card1')).toMatchObject({ role: 'entity', roleSource: 'remembered' });
    expect(col(p, 'ISFRAUD')).toMatchObject({ role: 'label', roleSource: 'remembered' });

    const r2 = await ingest(host, { path: second });
    expect(r2.ok).toBe(true);
    if (!r2.ok) return;
    expect(r2.value.dataset.timeColumn).toBe('transactiondt');
    expect(r2.value.dataset.columns.map((c) => c.role)).toEqual(['time', 'entity', 'amount', 'label', null]);
    expect(times(casePath, r2.value.dataset.id)).toEqual(['2017-12-01T00:01:00.000Z']);

    // a role given now wins over the remembered one, and the rest still applies
    const third = writeFile(dir, 'c.csv', header + '60,c3,5,0,z\n');
    const r3 = await ingest(host, { path: third, roles: { entity: 'note' } });
    expect(r3.ok).toBe(true);
    if (!r3.ok) return;
    expect(r3.value.dataset.columns.map((c) => c.role)).toEqual(['time', null, 'amount', 'label', 'entity']);
    // …and is what the case remembers next
    const p4 = await call(host, 'ingest.preview', { path: third });
    expect(p4.remembered?.roles).toMatchObject({ entity: 'note' });

    // another header: nothing remembered
    const other = await call(host, 'ingest.preview', { path: writeFile(dir, 'd.csv', 'x,y\n1,2\n') });
    expect(other.remembered).toBeNull();
  });

  it('remembers nothing when the import fails', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const before = snapshot(casePath);
    const bad = writeFile(dir, 'bad.csv', 'when,amount\n2024-01-01,1\n2024-01-02,oops\n');
    const r = await ingest(host, { path: bad, roles: { amount: 'amount' } });
    expect(r.ok).toBe(false);
    expect(snapshot(casePath)).toEqual(before);
    const db = new Database(casePath, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM import_layouts').pluck().get()).toBe(0);
    db.close();
  });
});

describe('a date and a time of day in two columns', () => {
  it('reads them as one time, found by name, or as named', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const iso = writeFile(
      dir,
      'iso.csv',
      'date,time,user\n2024-03-01,14:05:33,ann\n2024-03-02,00:00:07.250,bob\n',
    );
    const p = await call(host, 'ingest.preview', { path: iso });
    expect(p.time).toEqual({ column: 'date', clockColumn: 'time', kind: 'iso', ambiguous: null });
    expect(col(p, 'time').role).toBeNull();
    const r = await ingest(host, { path: iso });
    expect(r.ok).toBe(true);
    expect(times(casePath, 1)).toEqual(['2024-03-01T14:05:33.000Z', '2024-03-02T00:00:07.250Z']);

    // named explicitly, with month/day dates the values settle
    const us = writeFile(dir, 'us.csv', 'day_of,at,user\n03/01/2024,14:05:33,ann\n12/31/2024,23:59:59,bob\n');
    const r2 = await ingest(host, { path: us, timeColumn: 'day_of', clockColumn: 'at' });
    expect(r2.ok).toBe(true);
    expect(times(casePath, 2)).toEqual(['2024-03-01T14:05:33.000Z', '2024-12-31T23:59:59.000Z']);
  });

  it('asks for the date format when it is ambiguous, and refuses a time of day that is not one', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const before = snapshot(casePath);
    const amb = writeFile(dir, 'amb.csv', 'date,time,x\n03/04/2026,10:00:00,1\n05/06/2026,11:30:00,2\n');
    const refused = await ingest(host, { path: amb });
    expect(refused).toMatchObject({
      ok: false,
      error: { column: 'date', message: expect.stringMatching(/give the time format \(mdy or dmy\)/) },
    });
    expect(snapshot(casePath)).toEqual(before);
    const p = await call(host, 'ingest.preview', { path: amb });
    expect(p.time).toMatchObject({ column: 'date', clockColumn: 'time', kind: 'slash' });
    expect(p.time.ambiguous).toMatch(/mdy or dmy/);
    const r = await ingest(host, { path: amb, timeFormat: 'dmy' });
    expect(r.ok).toBe(true);
    expect(times(casePath, 1)).toEqual(['2026-04-03T10:00:00.000Z', '2026-06-05T11:30:00.000Z']);

    const notClock = await ingest(host, {
      path: writeFile(dir, 'nc.csv', 'date,who\n2024-03-01,ann\n'),
      clockColumn: 'who',
    });
    expect(notClock).toMatchObject({
      ok: false,
      error: { column: 'who', message: expect.stringMatching(/not times of day/) },
    });
  });
});

describe('files that are not tables', () => {
  it('refuses a syslog auth log read as CSV, naming the file, what it looks like and how to read it; the case is unchanged', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const before = snapshot(casePath);
    const r = await ingest(host, { path: AUTH_LOG, format: 'csv' });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'MALFORMED_INPUT',
        file: 'Linux_2k.log',
        message: expect.stringMatching(
          /^looks like a syslog text log, not a table: "Jun 14 15:16:01 combo.*Import it as a server log/,
        ),
      },
    });
    // read as what it is (a server log, by its extension and its lines), it is previewed
    const p = await call(host, 'ingest.preview', { path: AUTH_LOG });
    expect(p).toMatchObject({ format: 'syslog', time: { column: 'ts', kind: 'syslog' } });
    expect(p.columns.map((c) => c.name)).toEqual([
      'ts',
      'host',
      'program',
      'pid',
      'event',
      'user',
      'ip',
      'result',
      'message',
    ]);
    expect(col(p, 'ip')).toMatchObject({ role: 'src_ip' });
    // one written by the test, as .csv, with a header-like first line and commas further down
    const small = writeFile(
      dir,
      'auth.csv',
      'message\nDec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo\nDec 10 06:55:48 LabSZ sshd[24202]: Invalid user webmaster from 173.234.31.186\n',
    );
    expect(await ingest(host, { path: small })).toMatchObject({
      ok: false,
      error: { file: 'auth.csv', message: expect.stringMatching(/looks like a syslog text log/) },
    });
    expect(snapshot(casePath)).toEqual(before);
    // a one-column table of words is still a table
    expect((await ingest(host, { path: writeFile(dir, 'words.csv', 'word\nalpha\nbeta gamma\n') })).ok).toBe(
      true,
    );
  });
});
