import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineHost } from '../../src-main/engine/host';
import type { CaseInfo, EventsPage } from '../../src-shared/domain';
import type { JobProgress } from '../../src-shared/domain';
import { demoStatus, retireDemo } from '../../src-main/engine/demo/demo-case';
import { tempDir, cancel, call, job, startJob } from './helpers';

async function buildDemo(
  file: string,
  progress?: JobProgress[],
): Promise<{ info: CaseInfo; pages: EventsPage[] }> {
  const host = new EngineHost({ shell: 'cli' });
  try {
    if (progress) host.on('job.progress', (p) => progress.push(p));
    await job(host, 'demo.create', { path: file });
    const info = await call(host, 'case.info', {});
    const pages: EventsPage[] = [];
    for (const d of info.datasets) {
      const p = await call(host, 'events.page', {
        datasetId: d.id,
        offset: Math.floor(d.rows / 2),
        limit: 50,
        sort: { column: 'ts', desc: true },
      });
      pages.push({ ...p, elapsedMs: 0 });
    }
    return { info, pages };
  } finally {
    await host.close();
  }
}

describe('demo case', () => {
  it('is built in workers with progress, has four kinds of events and 100,000+ of them, and is deterministic', async () => {
    const dir = tempDir();
    const progress: JobProgress[] = [];
    const a = await buildDemo(path.join(dir, 'a.sentinel'), progress);
    const b = await buildDemo(path.join(dir, 'b.sentinel'));
    expect(a.info.datasets.map((d) => d.name)).toEqual([
      'card_transactions',
      'logins',
      'api_gateway',
      'service_metrics',
    ]);
    const total = a.info.datasets.reduce((n, d) => n + d.rows, 0);
    expect(total).toBeGreaterThanOrEqual(100_000);
    for (const d of a.info.datasets) expect(d.timeColumn).toBe('ts');
    expect(progress.some((p) => p.kind === 'demo' && p.rows > 0)).toBe(true);
    const strip = (i: CaseInfo) => i.datasets.map((d) => ({ ...d, createdAt: '', ingestSeconds: 0 }));
    expect(strip(b.info)).toEqual(strip(a.info));
    expect(b.pages).toEqual(a.pages);

    // The demo says which recipe built it: current now; a demo of an older recipe (or any other
    // case at the demo path) is stale and is moved aside, never deleted.
    const host = new EngineHost({ shell: 'cli' });
    try {
      const file = path.join(dir, 'a.sentinel');
      expect(demoStatus(file)).toBe('current');
      expect(demoStatus(path.join(dir, 'none.sentinel'))).toBe('missing');
      const db = new Database(file);
      db.prepare("UPDATE case_meta SET value = '1' WHERE key = 'demo_recipe'").run();
      db.close();
      expect(demoStatus(file)).toBe('stale');
      const moved = retireDemo(file);
      expect(existsSync(file)).toBe(false);
      expect(existsSync(moved)).toBe(true);
      expect(moved).toMatch(/a-\d{8}T\d{6}\.old\.sentinel$/);
      // Not a demo (a file that is not a case, or someone's own case): left alone.
      const other = path.join(dir, 'other.sentinel');
      writeFileSync(other, 'not a case');
      expect(demoStatus(other)).toBe('other');
      expect(demoStatus(path.join(dir, 'b.sentinel'))).toBe('current');
      const mine = path.join(dir, 'mine.sentinel');
      const created = await host.call('case.create', { path: mine });
      expect(created.ok).toBe(true);
      expect(demoStatus(mine)).toBe('other');
      // A demo from before the recipe was recorded is recognised by its datasets.
      const db2 = new Database(path.join(dir, 'b.sentinel'));
      db2.prepare("DELETE FROM case_meta WHERE key = 'demo_recipe'").run();
      db2.close();
      expect(demoStatus(path.join(dir, 'b.sentinel'))).toBe('stale');
    } finally {
      await host.close();
    }
  });
});

describe('an interrupted demo build', () => {
  it('leaves no case at the demo path, and the next start builds it whole', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'demo.sentinel');
    const host = new EngineHost({ shell: 'cli' });
    try {
      // a case cannot be opened while the demo starts (it would be built into that case)
      const [s, opening] = await Promise.all([
        startJob(host, 'demo.create', { path: file }),
        host.call('case.open', { path: path.join(dir, 'elsewhere.sentinel') }),
      ]);
      expect(opening).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      if (!s.ok) throw new Error(s.error.message);
      const started = s.value;
      await new Promise<void>((resolve) => {
        const off = host.on('job.progress', (p) => {
          if (p.rows > 20_000) {
            off();
            resolve();
          }
        });
      });
      expect((await call(host, 'app.state', {})).case).toBeNull(); // nothing half-built is shown as a case
      await cancel(host, started.jobId);
      expect(await started.done).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
      expect(existsSync(file)).toBe(false);
      expect(existsSync(`${file}.partial`)).toBe(false);
      await job(host, 'demo.create', { path: file });
      expect(await call(host, 'case.info', {})).toMatchObject({ path: file });
      expect(existsSync(`${file}.partial`)).toBe(false);
    } finally {
      await host.close();
    }
  });
});
