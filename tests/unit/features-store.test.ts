// Features built in a compute worker from a real case and stored by the DB worker.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { FeaturesResult } from '../../src-shared/domain';
import type { EngineHost } from '../../src-main/engine/host';
import { hostWithCase, ingest, writeFile, startJob, cancel } from './helpers';

const T0 = Date.UTC(2026, 9, 5);

function csv(from: number, to: number, later = 0): string {
  const lines = ['ts,user,ip,device,merchant,amount,status'];
  for (let i = from; i < to; i++) {
    const t = new Date(T0 + later + i * 37_000).toISOString();
    lines.push(
      `${t},u${i % 23},10.0.${i % 7}.${i % 11},d${i % 31},m${i % 5},${(i * 7919) % 1000},${i % 9 === 0 ? 'declined' : 'approved'}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function build(host: EngineHost, datasetId: number, force = false): Promise<FeaturesResult> {
  const started = await startJob(host, 'features.build', { datasetId: datasetId, force: force });
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  const r = await started.value.done;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

function table(casePath: string, datasetId: number): unknown[][] {
  const db = new Database(casePath, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM features_${datasetId} ORDER BY event_id`).raw().all() as unknown[][];
  } finally {
    db.close();
  }
}

describe('stored features', () => {
  it('are built for every event, then only for events appended later, leaving earlier values unchanged', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const a = await ingest(host, { path: writeFile(dir, 'a.csv', csv(0, 4000)) });
    if (!a.ok) throw new Error(JSON.stringify(a.error));
    const id = a.value.dataset.id;
    const first = await build(host, id);
    expect(first).toMatchObject({ mode: 'full', rows: 4000, written: 4000 });
    expect(first.features).toHaveLength(22); // every family: this dataset has every column
    const before = table(casePath, id);
    expect(before).toHaveLength(4000);

    expect(await build(host, id)).toMatchObject({ mode: 'current', written: 0 });

    const more = await ingest(host, { path: writeFile(dir, 'b.csv', csv(4000, 5000)), appendTo: id });
    expect(more.ok).toBe(true);
    const second = await build(host, id);
    expect(second).toMatchObject({ mode: 'incremental', rows: 5000, written: 1000 });
    const after = table(casePath, id);
    expect(after.slice(0, 4000)).toEqual(before); // point in time: nothing earlier moved
    // and the new rows equal what a build from scratch gives them
    await build(host, id, true);
    expect(table(casePath, id)).toEqual(after);
  });

  it('recomputes everything when appended events are earlier than featurised ones', async () => {
    const { host, dir } = await hostWithCase();
    const a = await ingest(host, { path: writeFile(dir, 'a.csv', csv(0, 500)) });
    if (!a.ok) throw new Error('ingest');
    await build(host, a.value.dataset.id);
    await ingest(host, {
      path: writeFile(dir, 'b.csv', csv(0, 10, -3_600_000)),
      appendTo: a.value.dataset.id,
    });
    expect(await build(host, a.value.dataset.id)).toMatchObject({
      mode: 'full',
      reason: expect.stringMatching(/earlier/),
    });
  });

  it('gives a dataset without entity or amount the features that make sense for it', async () => {
    const { host, dir } = await hostWithCase();
    const r = await ingest(host, {
      path: writeFile(dir, 'm.csv', 'timestamp,cpu\n2026-10-05T00:00:00Z,3\n2026-10-05T00:05:00Z,4\n'),
    });
    if (!r.ok) throw new Error('ingest');
    const f = await build(host, r.value.dataset.id);
    expect(f.features).toEqual([
      'count_1h',
      'count_24h',
      'time_since_last_s',
      'hour_of_day',
      'day_of_week',
      'off_hours',
    ]);
    expect(f.written).toBe(2);
  });

  it('can be cancelled, leaving the stored features as they were', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const a = await ingest(host, { path: writeFile(dir, 'a.csv', csv(0, 60_000)) });
    if (!a.ok) throw new Error('ingest');
    const id = a.value.dataset.id;
    await build(host, id);
    const before = table(casePath, id);
    const started = await startJob(host, 'features.build', { datasetId: id, force: true });
    if (!started.ok) throw new Error('start');
    await cancel(host, started.value.jobId);
    expect(await started.value.done).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(table(casePath, id)).toEqual(before);
  });

  it('refuses an unknown dataset through the contract', async () => {
    const { host } = await hostWithCase();
    expect(await host.call('features.build', { datasetId: 42 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });
});
