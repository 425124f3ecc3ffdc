// Roles and labels as users' files have them: a mapping given at import (`--role ROLE=COLUMN`),
// and label columns whose values are words (`--positive` / `--negative`).
import { describe, expect, it } from 'vitest';
import { hostWithCase, ingest, job, jobResult, snapshot, writeFile } from './helpers';

/** An IEEE-CIS-like transaction file: none of its names is one the workstation knows. */
function ieeeLike(n: number): string {
  const lines = ['TransactionID,isFraud,TransactionDT,TransactionAmt,ProductCD,card1,M1,P_emaildomain'];
  for (let i = 0; i < n; i++) {
    const fraud = i % 61 === 17;
    lines.push(
      [
        2987000 + i,
        fraud ? 1 : 0,
        86400 + i * 37,
        (fraud ? 480 : 30) + (i % 23),
        fraud ? 'C' : ['W', 'H', 'W', 'R'][i % 4],
        1000 + (i % 700),
        fraud || i % 5 === 0 ? 'F' : 'T',
        ['gmail.com', 'yahoo.com', 'anonymous.com'][i % 3],
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

describe('roles mapped at import', () => {
  it('takes the columns the analyst names for time, label, amount and entity, and learns from the rest', async () => {
    const { host, dir } = await hostWithCase();
    const r = await ingest(host, {
      path: writeFile(dir, 'train_transaction.csv', ieeeLike(3000)),
      roles: { time: 'TransactionDT', label: 'isFraud', amount: 'TransactionAmt', entity: 'card1' },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.dataset.timeColumn).toBe('TransactionDT');
    expect(Object.fromEntries(r.value.dataset.columns.map((c) => [c.name, c.role]))).toMatchObject({
      TransactionDT: 'time',
      isFraud: 'label',
      TransactionAmt: 'amount',
      card1: 'entity',
      TransactionID: null,
    });
    const t = await job(host, 'model.train', { datasetId: 1, model: 'gbdt' });
    expect(t.split).toBe('time');
    expect(Object.fromEntries(t.columns.map((c) => [c.column, c.use]))).toMatchObject({
      TransactionID: 'skipped',
      TransactionAmt: 'skipped', // the amount role's point-in-time feature gives its values
      ProductCD: 'category',
      M1: 'flag',
      P_emaildomain: 'category',
    });
    expect(t.test!.positives).toBeGreaterThan(0);
    expect(t.test!.rocAuc!).toBeGreaterThan(0.99);
  });

  it('refuses a mapping that names a missing column or a text amount, and leaves the case as it was', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const file = writeFile(dir, 'tx.csv', ieeeLike(100));
    const before = snapshot(casePath);
    expect(await ingest(host, { path: file, roles: { label: 'is_fraud' } })).toMatchObject({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        column: 'is_fraud',
        message: expect.stringMatching(/no column "is_fraud" for the role label/),
      },
    });
    expect(await ingest(host, { path: file, roles: { amount: 'P_emaildomain' } })).toMatchObject({
      ok: false,
      error: { column: 'P_emaildomain', message: expect.stringMatching(/holds text, not numbers/) },
    });
    expect(await ingest(host, { path: file, roles: { label: 'isFraud', entity: 'isFraud' } })).toMatchObject({
      ok: false,
      error: { column: 'isFraud', message: expect.stringMatching(/cannot be both the label and the entity/) },
    });
    expect(
      await ingest(host, { path: file, timeColumn: 'TransactionDT', roles: { time: 'card1' } }),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/two time columns given/) },
    });
    expect(snapshot(casePath)).toEqual(before);
  });
});

describe('labels that are words', () => {
  it('asks which values mean an attack, listing them, then trains with --positive or --negative', async () => {
    const { host, dir } = await hostWithCase();
    const lines = ['ts,x,y,verdict'];
    for (let i = 0; i < 1500; i++) {
      const anom = i % 37 === 5;
      lines.push(
        `${new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()},${(anom ? 9 : 0) + Math.sin(i)},${Math.cos(i)},${anom ? 'anom' : 'norm'}`,
      );
    }
    const r = await ingest(host, { path: writeFile(dir, 'kdd.csv', lines.join('\n') + '\n') });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(
      await jobResult(host, 'model.train', { datasetId: 1, model: 'gbdt', label: 'verdict' }),
    ).toMatchObject({
      ok: false,
      error: {
        column: 'verdict',
        message: expect.stringMatching(/"verdict" is not binary: it has "norm", "anom".*--positive VALUE/),
      },
    });
    expect(
      await jobResult(host, 'model.train', {
        datasetId: 1,
        model: 'gbdt',
        label: 'verdict',
        positive: ['attack'],
      }),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/has no value "attack" \(its values: "norm", "anom"\)/) },
    });
    const byPositive = await job(host, 'model.train', {
      datasetId: 1,
      model: 'gbdt',
      label: 'verdict',
      positive: ['ANOM'],
    });
    const byNegative = await job(host, 'model.train', {
      datasetId: 1,
      model: 'gbdt',
      label: 'verdict',
      negative: ['norm'],
    });
    expect(byPositive.test!.positives).toBeGreaterThan(0);
    expect(byNegative.test!.positives).toBe(byPositive.test!.positives);
    expect(byPositive.test!.rocAuc!).toBeGreaterThan(0.99);
    // the label column is never an input
    expect(byPositive.columns.map((c) => c.column)).toEqual(['x', 'y']);
  });
});
