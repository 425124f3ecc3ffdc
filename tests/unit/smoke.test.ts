import { describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { EngineHost } from '../../src-main/engine/host';

describe('smoke', () => {
  it('ingests', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-'));
    const host = new EngineHost({ shell: 'cli' });
    const c = await host.createCase(path.join(dir, 'a.sentinel'));
    console.log(JSON.stringify(c));
    expect(c.ok).toBe(true);
    writeFileSync(path.join(dir, 'x.csv'), 'ts,user,amount\n2026-01-01T00:00:00Z,a,1.5\n2026-01-01T00:01:00Z,b,2\n');
    const s = host.startIngest({ path: path.join(dir, 'x.csv') });
    if (!s.ok) throw new Error(JSON.stringify(s));
    const r = await s.value.done;
    console.log(JSON.stringify(r));
    const page = await host.handle('events.page', { datasetId: 1, offset: 0, limit: 10 });
    console.log(JSON.stringify(page));
    await host.close();
  });
});
