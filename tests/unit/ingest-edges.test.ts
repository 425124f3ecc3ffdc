// Edge cases found in review: each was a silent data loss, a wrong line, a hang or a crash.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EventsPage } from '../../src-shared/domain';
import { EngineHost } from '../../src-main/engine/host';
import { hostWithCase, ingest, snapshot, tempDir, writeFile, startJob, cancel, call } from './helpers';
import path from 'node:path';

async function rows(host: EngineHost, datasetId: number): Promise<unknown[][]> {
  const r = await host.call('events.page', { datasetId, offset: 0, limit: 100 });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return (r.value as EventsPage).rows;
}

describe('ingest edge cases', () => {
  it('keeps integers too long for a double as exact text in JSON Lines', async () => {
    const { host, dir } = await hostWithCase();
    const file = writeFile(
      dir,
      'ids.jsonl',
      '{"id":1234567890123456789,"n":1}\n{"id":1234567890123456788,"n":2.5}\n',
    );
    const r = await ingest(host, { path: file });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.dataset.columns[0]).toMatchObject({ name: 'id', type: 'TEXT' });
    expect((await rows(host, r.value.dataset.id)).map((x) => x[2])).toEqual([
      '1234567890123456789',
      '1234567890123456788',
    ]);
  });

  it('keeps odd JSON keys as data: "(extra fields)" as a column, "__proto__" in the extras', async () => {
    const { host, dir } = await hostWithCase();
    // keys first seen after the 10,000-row sample go to the extras column
    const lines = Array.from({ length: 10_000 }, (_, i) => `{"a":${i},"(extra fields)":"x"}`);
    lines.push('{"a":2,"__proto__":{"polluted":1},"b":3}');
    const r = await ingest(host, { path: writeFile(dir, 'odd.jsonl', lines.join('\n')) });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.dataset.columns.map((c) => c.sqlName)).toEqual(['a', 'extra_fields', '_extra']);
    const last = await host.call('events.page', {
      datasetId: r.value.dataset.id,
      offset: 10_000,
      limit: 1,
    });
    expect((last as { ok: true; value: EventsPage }).value.rows[0][4]).toBe(
      '{"__proto__":{"polluted":1},"b":3}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads a lone quoted empty field as a row, and quotes inside TSV fields as text', async () => {
    const { host, dir } = await hostWithCase();
    const one = await ingest(host, { path: writeFile(dir, 'one.csv', 'name\n""\nx\n') });
    expect(one).toMatchObject({ ok: true, value: { rows: 2 } });
    const tsv = await ingest(host, { path: writeFile(dir, 'q.tsv', 'h\tw\n5\'10"\t"quoted"\n') });
    if (!tsv.ok) throw new Error(JSON.stringify(tsv.error));
    expect((await rows(host, tsv.value.dataset.id))[0].slice(2)).toEqual(['5\'10"', 'quoted']);
  });

  it('reads a one-column file (each line searched only to its end)', async () => {
    const { host, dir } = await hostWithCase();
    const body = ['user', ...Array.from({ length: 50_000 }, (_, i) => `user_${i}`)].join('\n');
    expect(await ingest(host, { path: writeFile(dir, 'users.csv', body) })).toMatchObject({
      ok: true,
      value: { rows: 50_000 },
    });
  });

  it('reads times: epoch milliseconds by magnitude when named, ISO with a minutes-only offset', async () => {
    const { host, dir } = await hostWithCase();
    const ms = await ingest(host, {
      path: writeFile(dir, 'ms.csv', 'when,v\n1700000000000,1\n'),
      timeColumn: 'when',
    });
    if (!ms.ok) throw new Error(JSON.stringify(ms.error));
    expect((await rows(host, ms.value.dataset.id))[0][1]).toBe(1_700_000_000_000);
    const iso = await ingest(host, { path: writeFile(dir, 'iso.csv', 'at,v\n2024-01-02T10:00+02:00,1\n') });
    if (!iso.ok) throw new Error(JSON.stringify(iso.error));
    expect(iso.value.dataset.timeColumn).toBe('at');
    expect((await rows(host, iso.value.dataset.id))[0][1]).toBe(Date.UTC(2024, 0, 2, 8, 0));
  });

  it('refuses more columns than a table can hold, clearly', async () => {
    const { host, dir } = await hostWithCase();
    const header = Array.from({ length: 1999 }, (_, i) => `c${i}`).join(',');
    const r = await ingest(host, {
      path: writeFile(dir, 'wide.csv', header + '\n' + header.replace(/c\d+/g, '1') + '\n'),
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_INPUT', file: 'wide.csv', message: 'more than 1998 columns' },
    });
  });

  it('answers a cancel of a queued import at once, not when the import ahead of it ends', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const big = writeFile(
      dir,
      'big.csv',
      ['ts,v', ...Array.from({ length: 600_000 }, (_, i) => `${1_700_000_000 + i},${i}`)].join('\n'),
    );
    const small = writeFile(dir, 'small.csv', 'a\n1\n');
    const first = await startJob(host, 'ingest.start', { path: big });
    const second = await startJob(host, 'ingest.start', { path: small });
    if (!first.ok || !second.ok) throw new Error('did not start');
    const order: string[] = [];
    void first.value.done.then(() => order.push('first'));
    await cancel(host, second.value.jobId);
    expect(await second.value.done).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    order.push('second');
    await first.value.done;
    expect(order).toEqual(['second', 'first']);
    expect((snapshot(casePath).datasets as { name: string }[]).map((d) => d.name)).toEqual(['big']);
  });

  it('closes cleanly in the middle of an import: the import rolls back', async () => {
    const dir = tempDir();
    const casePath = path.join(dir, 'c.sentinel');
    const host = new EngineHost({ shell: 'cli' });
    expect((await host.call('case.create', { path: casePath })).ok).toBe(true);
    const before = snapshot(casePath);
    const big = writeFile(
      dir,
      'big.csv',
      ['ts,v', ...Array.from({ length: 400_000 }, (_, i) => `${1_700_000_000 + i},${i}`)].join('\n'),
    );
    const started = await startJob(host, 'ingest.start', { path: big });
    if (!started.ok) throw new Error('did not start');
    await new Promise((r) => setTimeout(r, 150));
    await host.close();
    expect(await started.value.done).toMatchObject({ ok: false });
    expect((await call(host, 'app.state', {})).jobs).toEqual([]);
    expect(snapshot(casePath)).toEqual(before);
  });

  it('refuses to switch cases while an import starts, and an import while a case opens', async () => {
    const { host, dir } = await hostWithCase();
    const other = path.join(dir, 'other.sentinel');
    const opening = host.call('case.create', { path: other });
    expect(await startJob(host, 'ingest.start', { path: writeFile(dir, 'a.csv', 'a\n1\n') })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    expect((await opening).ok).toBe(true);
    const started = await startJob(host, 'ingest.start', { path: writeFile(dir, 'b.csv', 'a\n1\n') });
    expect(started.ok).toBe(true);
    expect(await host.call('case.open', { path: other })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    if (started.ok) await started.value.done;
  });

  it('refuses a case file whose own catalogue was tampered with (no SQL from the file)', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 't.csv', 'a,b\n1,2\n') });
    expect(r.ok).toBe(true);
    await host.close();
    const raw = new Database(casePath);
    raw
      .prepare(`UPDATE dataset_columns SET sql_name = ? WHERE sql_name = 'b'`)
      .run(`b", (SELECT group_concat(sql) FROM sqlite_schema) AS "z`);
    raw.close();
    const again = new EngineHost({ shell: 'cli' });
    try {
      expect(await again.call('case.open', { path: casePath })).toMatchObject({
        ok: false,
        error: { code: 'NOT_A_CASE', message: expect.stringMatching(/altered/) },
      });
    } finally {
      await again.close();
    }
  });
});

describe('adding rows to a dataset', () => {
  it('appends a file with the same columns, atomically, and refuses one that does not fit', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const first = await ingest(host, {
      path: writeFile(dir, 'a.csv', 'ts,user,amount\n2026-01-01T00:00:00Z,u1,1.5\n'),
    });
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    const id = first.value.dataset.id;
    const more = await ingest(host, {
      path: writeFile(dir, 'b.csv', 'ts,user,amount\n2026-01-02T00:00:00Z,u2,7\n2026-01-03T00:00:00Z,u3,\n'),
      appendTo: id,
    });
    expect(more).toMatchObject({ ok: true, value: { rows: 2, dataset: { id, rows: 3 } } });
    const got = await rows(host, id);
    expect(got.map((r) => [r[0], r[1], r[3], r[4]])).toEqual([
      [1, Date.UTC(2026, 0, 1), 'u1', 1.5],
      [2, Date.UTC(2026, 0, 2), 'u2', 7],
      [3, Date.UTC(2026, 0, 3), 'u3', null],
    ]);
    const before = snapshot(casePath);
    expect(
      await ingest(host, {
        path: writeFile(dir, 'c.csv', 'ts,who,amount\n2026-01-04T00:00:00Z,x,1\n'),
        appendTo: id,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_INPUT', line: 1, message: expect.stringMatching(/header differs/) },
    });
    expect(
      await ingest(host, {
        path: writeFile(
          dir,
          'd.csv',
          'ts,user,amount\n2026-01-04T00:00:00Z,x,1\n2026-01-05T00:00:00Z,y,lots\n',
        ),
        appendTo: id,
      }),
    ).toMatchObject({
      ok: false,
      error: { line: 3, column: 'amount' },
    });
    expect(
      await startJob(host, 'ingest.start', { path: writeFile(dir, 'e.csv', 'a\n1\n'), appendTo: 99 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(snapshot(casePath)).toEqual(before);
  });
});
