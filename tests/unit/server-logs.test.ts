// Server logs (issue 12): a syslog file is read line by line into time, host, program, pid and
// message, its OpenSSH and PAM sign-in lines into login events, so the brute-force rule runs on
// a server's own log. Real lines (loghub's Linux log) and lines written here in OpenSSH's layout.
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { call, hostWithCase, ingest, job, snapshot, writeFile } from './helpers';

const LINUX_LOG = '/work/shared/data/logs/Linux_2k.log';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Sources with ten failed sign-ins within a minute, counted straight from the raw lines. */
function bruteForceSources(text: string, year: number): string[] {
  const by = new Map<string, number[]>();
  for (const line of text.replace(/\r/g, '').split('\n')) {
    if (!/ sshd\(pam_unix\)\[\d+\]: authentication failure;/.test(line)) continue;
    const rhost = /rhost=(\S+)/.exec(line)?.[1];
    if (!rhost) continue;
    const [mon, day, clock] = line.split(/ +/);
    const [h, m, s] = clock.split(':').map(Number);
    const t = Date.UTC(year, MONTHS.indexOf(mon), Number(day), h, m, s);
    by.set(rhost, [...(by.get(rhost) ?? []), t]);
  }
  return [...by]
    .filter(([, ts]) => ts.some((t) => ts.filter((u) => u <= t && u > t - 60_000).length >= 10))
    .map(([ip]) => ip)
    .sort();
}

function rows(casePath: string): Record<string, unknown>[] {
  const db = new Database(casePath, { readonly: true });
  try {
    return db.prepare('SELECT * FROM ds_1 ORDER BY _id').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('a server log', () => {
  it("is imported line by line, and the brute-force rule finds the sources a count of the raw lines finds (loghub's Linux log)", async () => {
    const { host, casePath } = await hostWithCase();
    const r = await ingest(host, { path: LINUX_LOG, timeYear: 2005 });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ rows: 2000, dataset: { format: 'syslog', timeColumn: 'ts' } });
    const all = rows(casePath);
    expect(all[0]).toMatchObject({
      host: 'combo',
      program: 'sshd(pam_unix)',
      pid: 19939,
      event: 'auth_failure',
      ip: '218.188.2.4',
      result: 'failure',
      _ts: Date.UTC(2005, 5, 14, 15, 16, 1),
    });
    // every other line keeps its program and message
    expect(all.find((x) => x.program === 'syslogd 1.4.1')).toMatchObject({
      message: 'restart.',
      result: null,
    });
    const text = readFileSync(LINUX_LOG, 'utf8');
    const failures = text
      .split('\n')
      .filter((l) => / sshd\(pam_unix\)\[\d+\]: authentication failure;/.test(l));
    expect(all.filter((x) => x.result === 'failure').length).toBe(failures.length);

    const run = await job(host, 'rules.run', { datasetId: 1 });
    expect(run.events).toBe(failures.length);
    const alerts = await call(host, 'alerts.list', { datasetId: 1 });
    const sources = [...new Set(alerts.filter((a) => a.rule === 'brute_force').map((a) => a.entity))].sort();
    expect(sources).toEqual(bruteForceSources(text, 2005));
    expect(sources.length).toBeGreaterThan(20);
  });

  it("reads OpenSSH's own lines: failed and accepted passwords, invalid users, PAM's line not counted twice, repeats", async () => {
    const { host, dir, casePath } = await hostWithCase();
    const log = [
      'Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for ns.example.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!',
      'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186',
      'Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): check pass; user unknown',
      'Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186 ',
      'Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2',
      'Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 173.234.31.186 [preauth]',
      'Dec 10 07:02:47 LabSZ sshd[24203]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]',
      'Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu from 119.137.62.142 port 49116 ssh2',
      'Dec 10 09:32:20 LabSZ sshd[24680]: pam_unix(sshd:session): session opened for user fztu by (uid=0)',
      // user names are what the client typed: spaces, even a "from" naming another address
      'Dec 10 09:40:01 LabSZ sshd[24700]: Failed password for invalid user x from 10.0.0.9 from 203.0.113.5 port 4242 ssh2',
      'Dec 10 09:40:02 LabSZ sshd[24700]: Failed password for invalid user a b from 203.0.113.5 port 4243 ssh2',
      'Dec 10 09:40:03 LabSZ sshd[24701]: message repeated 100000 times: [ Failed password for root from 198.51.100.7 port 1 ssh2]',
    ].join('\n');
    const r = await ingest(host, { path: writeFile(dir, 'secure.txt', log + '\n'), timeYear: 2015 });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const got = rows(casePath).map((x) => [x.event, x.user, x.ip, x.result]);
    expect(got).toEqual([
      [null, null, null, null],
      ['invalid_user', 'webmaster', '173.234.31.186', null],
      ['user_unknown', null, null, null],
      ['auth_failure', '(unknown)', '173.234.31.186', null], // OpenSSH's own line below is the failure
      ['failed_password', 'webmaster', '173.234.31.186', 'failure'],
      ['disconnect', null, '173.234.31.186', null],
      ...Array(5).fill(['failed_password', 'root', '5.36.59.76', 'failure']),
      ['accepted', 'fztu', '119.137.62.142', 'success'],
      ['session_opened', 'fztu', null, null],
      ['failed_password', 'x from 10.0.0.9', '203.0.113.5', 'failure'],
      ['failed_password', 'a b', '203.0.113.5', 'failure'],
      // a line claiming many repeats is unfolded into at most 100 rows
      ...Array(100).fill(['failed_password', 'root', '198.51.100.7', 'failure']),
    ]);
    const run = await job(host, 'rules.run', { datasetId: 1 });
    expect(run.events).toBe(109); // 108 failures and one success
    // rsyslog's precise times (ISO 8601 in front) read the same way
    const iso = await ingest(host, {
      path: writeFile(
        dir,
        'precise.log',
        '2024-03-01T14:05:33.120+01:00 web1 sshd[99]: Failed publickey for deploy from 10.1.2.3 port 5000 ssh2\n',
      ),
    });
    if (!iso.ok) throw new Error(JSON.stringify(iso.error));
    const db = new Database(casePath, { readonly: true });
    try {
      expect(db.prepare('SELECT _ts, host, event, user, ip, result FROM ds_2').get()).toEqual({
        _ts: Date.parse('2024-03-01T13:05:33.120Z'),
        host: 'web1',
        event: 'failed_password',
        user: 'deploy',
        ip: '10.1.2.3',
        result: 'failure',
      });
    } finally {
      db.close();
    }
  });

  it('refuses a line of another shape, naming the file and the line; the case is unchanged', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const before = snapshot(casePath);
    const bad = writeFile(
      dir,
      'auth.log',
      'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user a from 1.2.3.4\n\nsomething else entirely\n',
    );
    const r = await ingest(host, { path: bad });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'MALFORMED_INPUT',
        file: 'auth.log',
        line: 3,
        message: expect.stringMatching(/^not a syslog line .*"something else entirely"/),
      },
    });
    expect(snapshot(casePath)).toEqual(before);
  });
});
