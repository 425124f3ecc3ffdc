// The CERT insider-threat adapter (issue 12): a folder in the r4.2 layout, written here exactly
// as CERT publishes it (logon, device, file, email and http CSVs with MM/DD/YYYY HH:MM:SS dates,
// LDAP snapshots, the answers' insiders.csv), is imported whole as one row per user and day;
// an unsupervised detector then finds the insider's days, and the peer group keeps
// administrators who work at night from looking like one. Malformed folders are refused by
// file and line, the case unchanged.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTACK, certFolder, INSIDER } from './cert-folder';
import { call, hostWithCase, ingest, job } from './helpers';

describe('CERT insider threat', () => {
  it('imports the folder whole as user-days, and a detector finds the insider among peers', async () => {
    const { host, dir } = await hostWithCase();
    const folder = certFolder(dir);
    const r = await ingest(host, { path: folder });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const ds = r.value.dataset;
    expect(ds.name).toBe('r4.2-user-days');
    const roles = Object.fromEntries(ds.columns.filter((c) => c.role).map((c) => [c.role, c.name]));
    expect(roles).toMatchObject({ time: 'day', entity: 'user', label: 'insider' });
    const names = ds.columns.map((c) => c.name);
    for (const c of [
      'role',
      'after_hours_logons',
      'new_pc_logons',
      'device_connects',
      'file_copies',
      'external_emails',
      'attachment_bytes',
      'jobsearch_visits',
      'leak_visits',
      'after_hours_logons_vs_role',
    ])
      expect(names).toContain(c);
    // 24 users on 42 weekdays, the administrators also on alternate weekend days
    expect(r.value.rows).toBeGreaterThan(24 * 40);
    const userDays = async (user: string, desc: boolean) => {
      const page = await call(host, 'events.page', {
        datasetId: ds.id,
        offset: 0,
        limit: 100,
        filters: [{ column: 'user', op: 'eq', value: user }],
        sort: { column: 'ts', desc },
      });
      return page.rows.map((row) => Object.fromEntries(page.columns.map((c, i) => [c, row[i]])));
    };
    const rows = await userDays(INSIDER, false);
    const attack = rows.filter((x) => x.insider === 1);
    expect(attack.length).toBe(ATTACK[1] - ATTACK[0] + 1); // weekends too: the insider came in at night
    for (const x of attack) {
      expect(x.after_hours_logons).toBeGreaterThanOrEqual(1);
      expect(x.file_copies).toBe(12);
      expect(x.leak_visits).toBe(1);
      expect(x.jobsearch_visits).toBe(1);
      expect(x.external_emails).toBeGreaterThanOrEqual(1);
      expect(x.after_hours_logons_vs_role as number).toBeGreaterThan(0.5);
    }
    // an administrator's nightly logon is usual for administrators: near their peers' history
    const adminDays = await userDays('U1000', true);
    expect(adminDays.every((x) => x.insider === 0)).toBe(true); // release 5.2's insider, not 4.2's
    const late = adminDays[0] as Record<string, number>;
    expect(late.after_hours_logons).toBe(1);
    expect(Math.abs(late.after_hours_logons_vs_role)).toBeLessThan(0.5);

    await job(host, 'features.build', { datasetId: ds.id });
    const trained = await job(host, 'model.train', { datasetId: ds.id, model: 'iforest' });
    // fitted and scored on every user-day, as ADBench evaluates detectors
    expect(trained.all?.rocAuc ?? 0).toBeGreaterThan(0.9);
  });

  it('refuses a malformed folder by file and line, and leaves the case as it was', async () => {
    const { host, dir } = await hostWithCase();
    const before = (await call(host, 'case.info', {})).datasets.length;
    const bad = certFolder(path.join(dir, 'a'), { badDeviceDate: true });
    const r = await ingest(host, { path: bad });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'MALFORMED_INPUT',
        file: 'device.csv',
        line: 5,
        column: 'date',
        message: /MM\/DD\/YYYY/,
      },
    });
    const cut = certFolder(path.join(dir, 'b'), { cutEmail: true });
    const c = await ingest(host, { path: cut });
    expect(c).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_INPUT', file: 'email.csv', message: /cut-off row/ },
    });
    expect(c.ok || c.error.line).toBeGreaterThan(1000);
    // a folder that is not CERT's: refused, its files to be imported one by one
    mkdirSync(path.join(dir, 'plain'));
    writeFileSync(path.join(dir, 'plain', 'tx.csv'), 'a,b\n1,2\n');
    const plain = await ingest(host, { path: path.join(dir, 'plain') });
    expect(plain).toMatchObject({ ok: false, error: { code: 'IO', message: /folder.*one at a time/ } });
    expect((await call(host, 'case.info', {})).datasets.length).toBe(before);
  });
});
