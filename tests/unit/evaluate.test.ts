// Evaluation (issue 12): every model kind on the same split of a real dataset, side by side,
// kept in the case and written as CSV; no labels is an error, not figures.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { evaluationCsv } from '../../src-shared/evaluation-csv';
import { EngineHost } from '../../src-main/engine/host';
import { call, hostWithCase, ingest, job, jobResult, writeFile } from './helpers';

const CARDIO = path.resolve(__dirname, '../../../shared/data/adbench/cardio.csv');

describe('model.evaluate', () => {
  it('measures every model kind on the same split of ADBench cardio, keeps it in the case and writes it as CSV', async () => {
    const { host, casePath } = await hostWithCase();
    const r = await ingest(host, { path: CARDIO });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const e = await job(host, 'model.evaluate', { datasetId: 1 });
    expect(e.entries.map((x) => x.kind)).toEqual(['gbdt', 'iforest', 'eif', 'knn', 'hbos']);
    expect(e.split).toMatchObject({ by: 'shuffle', train: 1281, validation: 183, test: 367, seed: 42 });
    expect(e.labels).toBe('column label');
    expect(e.datasetRows).toBe(1831);
    for (const x of e.entries) {
      expect(x.test).toMatchObject({ rows: 367, positives: 36 });
      // curves from (0,0) to (1,1), false-positive rate never going back, at most 200 points
      expect(x.roc[0]).toEqual([0, 0]);
      expect(x.roc.at(-1)).toEqual([1, 1]);
      expect(x.roc.length).toBeLessThanOrEqual(200);
      expect(x.roc.every((p, i) => i === 0 || p[0] >= x.roc[i - 1][0])).toBe(true);
      expect(x.pr.at(-1)![0]).toBe(1);
    }
    // the same figures as a training of that kind alone on the same split
    const gbdt = await job(host, 'model.train', { datasetId: 1, model: 'gbdt' });
    expect(e.entries[0].test).toEqual(gbdt.test);
    expect(e.entries[0].test!.rocAuc!).toBeGreaterThan(0.95);
    // kept in the case, with the request and the version behind it
    const kept = await call(host, 'evaluation.list', { datasetId: 1 });
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ id: e.id, appVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const csv = evaluationCsv(kept[0]).trim().split('\n');
    expect(csv).toHaveLength(6);
    expect(csv[0]).toMatch(/^dataset,split,labels,model,.*alerts_per_1000_rows/);
    // a name a spreadsheet would run as a formula is written as text
    expect(evaluationCsv({ ...kept[0], dataset: '=HYPERLINK("http://x")' }).split('\n')[1]).toMatch(
      /^"'=HYPERLINK\(""http:\/\/x""\)",/,
    );
    expect(csv[1]).toMatch(
      /^cardio,"shuffle \(train 1281, validation 183, test 367\)",column label,gbdt,367,36,/,
    );
    // an altered evaluation in a case is left out, not shown
    await host.close();
    const db = new Database(casePath);
    db.prepare(`UPDATE evaluations SET result = '{"entries": 3}'`).run();
    db.prepare(
      `INSERT INTO evaluations (dataset_id, created_at, app_version, result) VALUES (1, 'x', 'x', '{"dataset":"x","entries":[]}')`,
    ).run();
    db.close();
    const again = new EngineHost({ shell: 'cli' });
    try {
      await call(again, 'case.open', { path: casePath });
      expect(await call(again, 'evaluation.list', { datasetId: 1 })).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('refuses a dataset without labels, saying what an evaluation needs; nothing is kept', async () => {
    const { host, dir } = await hostWithCase();
    const lines = ['f0,f1'];
    for (let i = 0; i < 300; i++) lines.push(`${Math.sin(i)},${Math.cos(i * 3)}`);
    const r = await ingest(host, { path: writeFile(dir, 'plain.csv', lines.join('\n') + '\n') });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const e = await jobResult(host, 'model.evaluate', { datasetId: 1, models: ['gbdt', 'iforest'] });
    expect(e).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/cannot be evaluated: .*needs labels/) },
    });
    expect(await call(host, 'evaluation.list', { datasetId: 1 })).toEqual([]);
  });
});
