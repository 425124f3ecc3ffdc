// Public layouts recognised by their header (issue 12): the ULB credit-card set, IEEE-CIS's
// train_transaction.csv, PaySim and a NAB series are read as published (time unit and start,
// label, amount, entity) without a mapping; a remembered or given mapping still wins.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recogniseSource } from '../../src-main/engine/ingest/sources';
import { call, hostWithCase, ingest, job, writeFile } from './helpers';

const DATA = path.resolve(__dirname, '../../../shared/data');

function firstTimes(casePath: string, n = 3, datasetId = 1): string[] {
  const db = new Database(casePath, { readonly: true });
  try {
    return (
      db.prepare(`SELECT _ts FROM ds_${datasetId} ORDER BY _id LIMIT ?`).pluck().all(n) as number[]
    ).map((t) => new Date(t).toISOString());
  } finally {
    db.close();
  }
}

const roles = (columns: { name: string; role: string | null }[]) =>
  Object.fromEntries(columns.filter((c) => c.role).map((c) => [c.role, c.name]));

/** IEEE-CIS train_transaction.csv's header, as published (394 columns). */
const IEEE_HEADER = [
  'TransactionID',
  'isFraud',
  'TransactionDT',
  'TransactionAmt',
  'ProductCD',
  ...Array.from({ length: 6 }, (_, i) => `card${i + 1}`),
  'addr1',
  'addr2',
  'dist1',
  'dist2',
  'P_emaildomain',
  'R_emaildomain',
  ...Array.from({ length: 14 }, (_, i) => `C${i + 1}`),
  ...Array.from({ length: 15 }, (_, i) => `D${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `M${i + 1}`),
  ...Array.from({ length: 339 }, (_, i) => `V${i + 1}`),
];

function ieeeRows(n: number): string {
  const lines = [IEEE_HEADER.join(',')];
  for (let i = 0; i < n; i++) {
    const fraud = i % 40 === 3;
    const row = IEEE_HEADER.map((h) => {
      if (h === 'TransactionID') return String(2987000 + i);
      if (h === 'isFraud') return fraud ? '1' : '0';
      if (h === 'TransactionDT') return String(86400 + i * 37);
      if (h === 'TransactionAmt') return (fraud ? 900 + (i % 7) : 20 + (i % 50)).toFixed(3);
      if (h === 'ProductCD') return ['W', 'H', 'C', 'S', 'R'][i % 5];
      if (h === 'card1') return String(1000 + (i % 90));
      if (h === 'card4') return i % 3 ? 'visa' : 'mastercard';
      if (h === 'card6') return 'debit';
      if (h === 'P_emaildomain') return ['gmail.com', 'yahoo.com', 'anonymous.com', ''][i % 4];
      if (h.startsWith('M')) return ['T', 'F', ''][i % 3];
      if (h === 'C1') return String(fraud ? 30 : 1 + (i % 3));
      return i % 11 === 0 ? '' : String((i * 7 + h.length) % 13);
    });
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

describe('public layouts', () => {
  it('reads the ULB credit-card file as published: seconds from the start, Class the label, real rows', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const file = writeFile(
      dir,
      'creditcard.csv',
      gunzipSync(readFileSync(path.join(DATA, 'creditcard/creditcard_first3973rows.csv.gz'))),
    );
    const p = await call(host, 'ingest.preview', { path: file });
    expect(p.source).toBe('ULB credit-card transactions');
    expect(p.columns.find((c) => c.name === 'Class')).toMatchObject({ role: 'label', roleSource: 'source' });
    expect(p.time).toMatchObject({ column: 'Time', kind: 'step' });
    const r = await ingest(host, { path: file });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(roles(r.value.dataset.columns)).toMatchObject({ time: 'Time', amount: 'Amount', label: 'Class' });
    expect(firstTimes(casePath)).toEqual([
      '2013-09-01T00:00:00.000Z',
      '2013-09-01T00:00:00.000Z',
      '2013-09-01T00:00:01.000Z',
    ]);
    // the 473 frauds and 473 normal rows: a model learns them from the columns, no mapping given
    const balanced = await ingest(host, {
      path: path.join(DATA, 'creditcard/creditcard_balanced_473fraud_473normal_scaledTimeAmount.csv'),
    });
    if (!balanced.ok) throw new Error(JSON.stringify(balanced.error));
    const t = await job(host, 'model.train', { datasetId: balanced.value.dataset.id, model: 'gbdt' });
    expect(t.model.featureNames).toEqual(expect.arrayContaining(['col.v14', 'col.v4']));
    expect(t.test!.positives).toBeGreaterThan(50);
    expect(t.test!.rocAuc!).toBeGreaterThan(0.95);
  });

  it("reads IEEE-CIS's train_transaction.csv: TransactionDT from 2017-12-01, isFraud, the card as the entity", async () => {
    const { host, dir, casePath } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 'train_transaction.csv', ieeeRows(1200)) });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(roles(r.value.dataset.columns)).toMatchObject({
      time: 'TransactionDT',
      label: 'isFraud',
      amount: 'TransactionAmt',
      entity: 'card_id',
    });
    expect(firstTimes(casePath, 2)).toEqual(['2017-12-02T00:00:00.000Z', '2017-12-02T00:00:37.000Z']);
    // the card is its card columns together (card1 alone is the issuing bank)
    const db = new Database(casePath, { readonly: true });
    const cards = db.prepare('SELECT card_id FROM ds_1 ORDER BY _id LIMIT 2').pluck().all();
    db.close();
    expect(cards[0]).toBe('1000|||mastercard||debit'); // empty card columns stay empty
    expect(cards[1]).toMatch(/^1001\|\d+\|\d+\|visa\|\d+\|debit$/);
    const t = await job(host, 'model.train', { datasetId: 1, model: 'gbdt' });
    const uses = Object.fromEntries(t.columns.map((c) => [c.column, c.use]));
    expect(uses).toMatchObject({ ProductCD: 'category', M1: 'flag', P_emaildomain: 'category' });
    expect(uses.TransactionID).toBe('skipped');
    expect(t.test!.rocAuc!).toBeGreaterThan(0.95);
    // the test file has no isFraud: still recognised, no label asked for
    const test = ieeeRows(50)
      .split('\n')
      .map((l) =>
        l
          .split(',')
          .filter((_, i) => i !== 1)
          .join(','),
      )
      .join('\n');
    const p = await call(host, 'ingest.preview', { path: writeFile(dir, 'test_transaction.csv', test) });
    expect(p.source).toBe('IEEE-CIS fraud transactions');
    expect(p.time.column).toBe('TransactionDT');
    expect(p.columns.find((c) => c.name === 'card_id')).toMatchObject({
      role: 'entity',
      roleSource: 'source',
    });
    // another format is read as it is (only a CSV is prepared): card1 stands for the card
    const tsv = await ingest(host, {
      path: writeFile(dir, 'train_transaction.tsv', ieeeRows(40).replace(/,/g, '\t')),
    });
    if (!tsv.ok) throw new Error(JSON.stringify(tsv.error));
    expect(roles(tsv.value.dataset.columns)).toMatchObject({ entity: 'card1', time: 'TransactionDT' });
  });

  it('joins train_identity.csv on TransactionID when it is beside the transactions; a bad one is refused by name', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const folder = path.join(dir, 'ieee');
    mkdirSync(folder);
    const tx = writeFile(folder, 'train_transaction.csv', ieeeRows(300));
    // a quarter of the transactions have an identity row, as published (id-01 style names too)
    const identity = ['TransactionID,id_01,id_02,id_12,id_31,DeviceType,DeviceInfo'];
    for (let i = 0; i < 300; i += 4)
      identity.push(
        `${2987000 + i},${-5 * (i % 3)}.0,${1000 + i}.0,${i % 8 ? 'Found' : 'NotFound'},chrome 62.0,${(i / 4) % 2 ? 'mobile' : 'desktop'},SM-J700M Build/LMY48B`,
      );
    writeFile(folder, 'train_identity.csv', identity.join('\n') + '\n');
    const r = await ingest(host, { path: tx });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.rows).toBe(300);
    const names = r.value.dataset.columns.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['card_id', 'id_01', 'id_31', 'DeviceType', 'DeviceInfo']));
    const db = new Database(casePath, { readonly: true });
    const rows = db
      .prepare(
        'SELECT transactionid AS TransactionID, devicetype AS DeviceType, id_02 FROM ds_1 WHERE _id IN (1, 2, 5) ORDER BY _id',
      )
      .all();
    db.close();
    expect(rows).toEqual([
      { TransactionID: 2987000, DeviceType: 'desktop', id_02: 1000 },
      { TransactionID: 2987001, DeviceType: null, id_02: null },
      { TransactionID: 2987004, DeviceType: 'mobile', id_02: 1004 },
    ]);
    const t = await job(host, 'model.train', { datasetId: r.value.dataset.id, model: 'gbdt' });
    const uses = Object.fromEntries(t.columns.map((c) => [c.column, c.use]));
    expect(uses).toMatchObject({ DeviceType: 'category', id_02: 'number', id_12: 'category' });

    // an identity file without its key, and transactions cut off mid-row: refused, nothing imported
    const before = (await call(host, 'case.info', {})).datasets.length;
    writeFile(folder, 'train_identity.csv', 'id,id_01\n2987000,1.0\n');
    const noKey = await ingest(host, { path: tx });
    expect(noKey).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_INPUT', file: 'train_identity.csv', line: 1, column: 'TransactionID' },
    });
    const cut = path.join(dir, 'cut');
    mkdirSync(cut);
    const full = ieeeRows(20);
    writeFile(cut, 'train_transaction.csv', full + '2987999,0,86400,12.5\n');
    const cutOff = await ingest(host, { path: path.join(cut, 'train_transaction.csv') });
    expect(cutOff).toMatchObject({
      ok: false,
      error: {
        code: 'MALFORMED_INPUT',
        file: 'train_transaction.csv',
        line: 22,
        message: /expected 394 fields, found 4/,
      },
    });
    expect((await call(host, 'case.info', {})).datasets.length).toBe(before);
  });

  it('reads PaySim (step in hours) and a NAB series; a remembered or given mapping wins over the layout', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const lines = [
      'step,type,amount,nameOrig,oldbalanceOrg,newbalanceOrig,nameDest,oldbalanceDest,newbalanceDest,isFraud,isFlaggedFraud',
      '1,PAYMENT,9839.64,C1231006815,170136.0,160296.36,M1979787155,0.0,0.0,0,0',
      '1,TRANSFER,181.0,C1305486145,181.0,0.0,C553264065,0.0,0.0,1,0',
      '2,CASH_OUT,181.0,C840083671,181.0,0.0,C38997010,21182.0,0.0,1,0',
    ];
    const paysim = writeFile(dir, 'paysim.csv', lines.join('\n') + '\n');
    const r = await ingest(host, { path: paysim });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(roles(r.value.dataset.columns)).toMatchObject({
      time: 'step',
      entity: 'nameOrig',
      resource: 'nameDest',
      amount: 'amount',
      action: 'type',
      label: 'isFraud',
    });
    expect(firstTimes(casePath)).toEqual([
      '2016-01-01T01:00:00.000Z',
      '2016-01-01T01:00:00.000Z',
      '2016-01-01T02:00:00.000Z',
    ]);
    // the balances' differences are columns of their own: money gone from one side, not arrived
    const db = new Database(casePath, { readonly: true });
    const gaps = db
      .prepare(
        'SELECT orig_balance_change AS oc, orig_balance_gap AS og, dest_balance_change AS dc, dest_balance_gap AS dg FROM ds_1 ORDER BY _id',
      )
      .all();
    db.close();
    expect(gaps).toEqual([
      { oc: 9839.64, og: 0, dc: 0, dg: 9839.64 },
      { oc: 181, og: 0, dc: 0, dg: 181 },
      { oc: 181, og: 0, dc: -21182, dg: 21363 },
    ]);
    // given: another origin and no resource; remembered for the header from then on
    const again = await ingest(host, {
      path: paysim,
      timeOrigin: '2024-03-01',
      roles: { resource: 'type' },
    });
    if (!again.ok) throw new Error(JSON.stringify(again.error));
    expect(firstTimes(casePath, 1, 2)).toEqual(['2024-03-01T01:00:00.000Z']);
    expect(roles(again.value.dataset.columns)).toMatchObject({ resource: 'type', entity: 'nameOrig' });
    const p = await call(host, 'ingest.preview', { path: paysim });
    expect(p.remembered).not.toBeNull();
    expect(p.columns.find((c) => c.name === 'type')).toMatchObject({
      role: 'resource',
      roleSource: 'remembered',
    });

    const nab = await ingest(host, { path: path.join(DATA, 'nab/data/realKnownCause/nyc_taxi.csv') });
    if (!nab.ok) throw new Error(JSON.stringify(nab.error));
    expect(nab.value).toMatchObject({ rows: 10320, dataset: { timeColumn: 'timestamp' } });
    expect(recogniseSource(['timestamp', 'value'])?.id).toBe('nab_metric');
    expect(recogniseSource(['Time', 'V1', 'Amount', 'Class'])).toBeNull(); // not the whole layout
  });

  it('reads a layout asked for by name (--source), none when told, and refuses one whose columns are missing', async () => {
    const { host, dir, casePath } = await hostWithCase();
    // the ULB columns cut down to a few, with one of the analyst's own: not recognised by itself
    const lines = ['Time,V1,V2,Amount,Class,note'];
    for (let i = 0; i < 40; i++)
      lines.push(`${i * 90},${(i % 7) - 3}.5,${i % 3}.25,${10 + i}.5,${i % 13 === 5 ? 1 : 0},n${i % 4}`);
    const cut = writeFile(dir, 'cc_cut.csv', lines.join('\n') + '\n');
    const auto = await call(host, 'ingest.preview', { path: cut });
    expect(auto).toMatchObject({ source: null, sourceId: null });
    const asked = await call(host, 'ingest.preview', { path: cut, source: 'ulb_creditcard' });
    expect(asked).toMatchObject({ sourceId: 'ulb_creditcard', source: 'ULB credit-card transactions' });
    const r = await ingest(host, { path: cut, source: 'ulb_creditcard' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(roles(r.value.dataset.columns)).toMatchObject({ time: 'Time', amount: 'Amount', label: 'Class' });
    expect(firstTimes(casePath, 2)).toEqual(['2013-09-01T00:00:00.000Z', '2013-09-01T00:01:30.000Z']);

    // PaySim read by its own names only: step is no longer hours from 2016-01-01
    const paysim = writeFile(
      dir,
      'paysim.csv',
      'step,type,amount,nameOrig,oldbalanceOrg,newbalanceOrig,nameDest,isFraud\n1,PAYMENT,9.5,C1,10.0,0.5,M1,0\n2,TRANSFER,3.5,C2,3.5,0.0,C9,1\n',
    );
    // imported once as PaySim, the case remembers that mapping for the header: none sets it aside too
    const first = await ingest(host, { path: paysim, name: 'as-paysim' });
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    expect(roles(first.value.dataset.columns).resource).toBe('nameDest');
    const none = await call(host, 'ingest.preview', { path: paysim, source: 'none' });
    expect(none.sourceId).toBeNull();
    expect(none.columns.find((c) => c.name === 'nameDest')?.role).not.toBe('resource');
    const plain = await ingest(host, { path: paysim, source: 'none', name: 'plain' });
    if (!plain.ok) throw new Error(JSON.stringify(plain.error));
    expect(roles(plain.value.dataset.columns).resource).toBeUndefined();

    // a layout whose columns the file lacks: a clear error naming the column, nothing imported
    const before = (await call(host, 'case.info', {})).datasets.length;
    const bad = await ingest(host, { path: paysim, source: 'ieee_cis' });
    expect(bad).toMatchObject({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        file: 'paysim.csv',
        column: 'TransactionDT',
        message: /IEEE-CIS .*"TransactionDT"/,
      },
    });
    const badPreview = await host.call('ingest.preview', { path: paysim, source: 'ieee_cis' });
    expect(badPreview).toMatchObject({ ok: false, error: { column: 'TransactionDT' } });
    expect((await call(host, 'case.info', {})).datasets.length).toBe(before);
  });

  it("imports a folder of NAB series as one dataset, a series its entity, NAB's windows its labels", async () => {
    const { host, dir, casePath } = await hostWithCase();
    const r = await ingest(host, { path: path.join(DATA, 'nab/data/realKnownCause') });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.dataset.name).toBe('nab-realKnownCause');
    expect(roles(r.value.dataset.columns)).toEqual({
      time: 'timestamp',
      entity: 'series',
      label: 'anomaly_window',
    });
    const windows = JSON.parse(
      readFileSync(path.join(DATA, 'nab/labels/combined_windows.json'), 'utf8'),
    ) as Record<string, [string, string][]>;
    const files = Object.keys(windows).filter((k) => k.startsWith('realKnownCause/'));
    const db = new Database(casePath, { readonly: true });
    try {
      const series = db
        .prepare('SELECT series, count(*) AS n, sum(anomaly_window) AS w FROM ds_1 GROUP BY series')
        .all() as {
        series: string;
        n: number;
        w: number;
      }[];
      expect(series.map((x) => `${x.series}.csv`).sort()).toEqual(files.sort());
      // nyc_taxi: 10,320 half-hours; every row inside its first window is labelled
      const taxi = series.find((x) => x.series === 'realKnownCause/nyc_taxi')!;
      expect(taxi.n).toBe(10320);
      expect(taxi.w).toBeGreaterThan(0);
      const [a, b] = windows['realKnownCause/nyc_taxi.csv'][0].map((t) =>
        Date.parse(t.replace(' ', 'T').slice(0, 23) + 'Z'),
      );
      const inFirst = db
        .prepare("SELECT count(*) FROM ds_1 WHERE series = 'realKnownCause/nyc_taxi' AND _ts BETWEEN ? AND ?")
        .pluck()
        .get(a, b) as number;
      const labelledFirst = db
        .prepare(
          "SELECT sum(anomaly_window) FROM ds_1 WHERE series = 'realKnownCause/nyc_taxi' AND _ts BETWEEN ? AND ?",
        )
        .pluck()
        .get(a, b) as number;
      expect(labelledFirst).toBe(inFirst);
    } finally {
      db.close();
    }
    // a series with a timestamp NAB does not write: refused naming file and line, nothing imported
    const bad = path.join(dir, 'bad');
    mkdirSync(bad);
    writeFile(bad, 'a.csv', 'timestamp,value\n2014-01-01 00:00:00,1.5\n2014-01-01 00:05:00,2\n');
    writeFile(bad, 'b.csv', 'timestamp,value\n2014-01-01 00:00:00,1.5\n01/01/2014 00:05,2\n');
    const refused = await ingest(host, { path: bad });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_INPUT', line: 3, message: /not a timestamp/ },
    });
    expect(refused.ok || refused.error.file).toMatch(/b\.csv$/);
    expect((await call(host, 'case.info', {})).datasets.length).toBe(1);
  });
});
