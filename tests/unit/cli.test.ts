// The built CLI (`npm test` builds first). Run `npm run build` before running this file alone.
import { LATEST_VERSION, MIGRATIONS } from '../../src-main/engine/db/migrations';
import { closeCaseDb, openCaseDb } from '../../src-main/engine/db/open-case';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFile } from './helpers';

const cli = path.resolve(__dirname, '../../bin/sentinel.cjs');
const built = existsSync(path.resolve(__dirname, '../../out/main/cli.js'));

function sentinel(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sentinel CLI', () => {
  it('is built (`npm test` builds first; alone, run `npm run build`)', () => {
    expect(built).toBe(true);
  });

  it('ingests into a new case and describes it, as JSON', () => {
    const dir = tempDir();
    const data = writeFile(dir, 'tx.csv', 'Time,V1,Amount,Class\n0,-1.5,10.25,0\n1,2.25,3.5,1\n');
    const casePath = path.join(dir, 'c.sentinel');
    const ing = sentinel('ingest', data, '--case', casePath, '--dataset', 'cards', '--json');
    expect(ing.code).toBe(0);
    const out = JSON.parse(ing.stdout) as {
      dataset: string;
      rows: number;
      columns: { name: string; type: string }[];
      seconds: number;
    };
    expect(out).toMatchObject({ dataset: 'cards', rows: 2, seconds: expect.any(Number) });
    expect(out.columns.map((c) => c.type)).toEqual(['INTEGER', 'REAL', 'REAL', 'INTEGER']);
    const info = sentinel('info', '--case', casePath, '--json');
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({
      schemaVersion: LATEST_VERSION,
      datasets: [{ name: 'cards', rows: 2 }],
    });
    const columns = sentinel('columns', '--case', casePath, '--dataset', 'cards', '--json');
    expect(columns.code).toBe(0);
    expect(JSON.parse(columns.stdout)).toMatchObject([
      { name: 'Time', type: 'INTEGER', sampled: 2, nulls: 0, distinct: 2 },
      { name: 'V1', type: 'REAL', examples: [-1.5, 2.25] },
      { name: 'Amount', role: 'amount' },
      { name: 'Class', role: 'label', distinct: 2 },
    ]);
    const text = sentinel('columns', '--case', casePath, '--dataset', 'cards');
    expect(text.stdout).toContain('cards: 4 columns (first 2 rows)');
  });

  it('only looks when it only reads: info, columns, feed and explain leave the case file as it was', () => {
    const dir = tempDir();
    const lines = ['ts,user,amount'];
    for (let i = 0; i < 200; i++)
      lines.push(`2026-01-0${1 + (i % 5)}T10:${String(i % 60).padStart(2, '0')}:00Z,u${i % 7},${i}`);
    const casePath = path.join(dir, 'c.sentinel');
    expect(
      sentinel('ingest', writeFile(dir, 'tx.csv', lines.join('\n') + '\n'), '--case', casePath).code,
    ).toBe(0);
    expect(sentinel('train', '--case', casePath, '--dataset', 'tx', '--model', 'iforest').code).toBe(0);
    expect(sentinel('score', '--case', casePath, '--dataset', 'tx').code).toBe(0);
    const before = readFileSync(casePath);
    for (const args of [
      ['info'],
      ['columns', '--dataset', 'tx'],
      ['feed', '--dataset', 'tx', '--view', 'all'],
      ['explain', '--dataset', 'tx', '--event', '3'],
    ]) {
      const r = sentinel(...args, '--case', casePath);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(readFileSync(casePath).equals(before), args[0]).toBe(true);
    }
    // a case of an older schema is not upgraded by a look at it
    const old = path.join(dir, 'old.sentinel');
    closeCaseDb(openCaseDb(old, { create: true, migrations: MIGRATIONS.slice(0, 4) }));
    const oldBytes = readFileSync(old);
    const info = sentinel('info', '--case', old);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(/older SentinelRisk \(schema 4\).*opened read-only/);
    expect(readFileSync(old).equals(oldBytes)).toBe(true);
  });

  it('maps roles at import (--role ROLE=COLUMN) and says what a bad mapping is', () => {
    const dir = tempDir();
    const lines = ['TransactionID,isFraud,TransactionDT,TransactionAmt'];
    for (let i = 0; i < 60; i++) lines.push(`${100 + i},${i % 20 === 3 ? 1 : 0},${86400 + i * 30},${10 + i}`);
    const data = writeFile(dir, 'tx.csv', lines.join('\n') + '\n');
    const casePath = path.join(dir, 'c.sentinel');
    const ok = sentinel(
      'ingest',
      data,
      '--case',
      casePath,
      '--role',
      'label=isFraud',
      '--role=time=TransactionDT',
      '--json',
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      columns: [
        { name: 'TransactionID', role: null },
        { name: 'isFraud', role: 'label' },
        { name: 'TransactionDT', role: 'time' },
        { name: 'TransactionAmt', role: null },
      ],
    });
    const bad = sentinel('ingest', data, '--case', casePath, '--role', 'fraud=isFraud');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--role takes ROLE=COLUMN with a role among time, entity/);
    const missing = sentinel('ingest', data, '--case', casePath, '--role', 'label=nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/tx.csv, column "nope": no column "nope" for the role label/);
  });

  it('remembers a mapping for the header and applies it to the next file; a flag given still wins', () => {
    const dir = tempDir();
    const casePath = path.join(dir, 'c.sentinel');
    const header = 'TransactionDT,card1,TransactionAmt,isFraud\n';
    const first = writeFile(dir, 'a.csv', header + '3600,c1,10,0\n7200,c2,99,1\n');
    const roles = ['--role', 'entity=card1', '--role', 'amount=TransactionAmt', '--role', 'label=isFraud'];
    const time = ['--time-column', 'TransactionDT', '--time-unit', 'second', '--time-origin', '2017-12-01'];
    expect(sentinel('ingest', first, '--case', casePath, ...roles, ...time, '--json').code).toBe(0);
    const second = writeFile(dir, 'b.csv', header + '60,c3,5,0\n');
    const again = sentinel('ingest', second, '--case', casePath, '--json');
    expect(again.code).toBe(0);
    const rolesOf = (stdout: string) =>
      (JSON.parse(stdout) as { columns: { role: string | null }[] }).columns.map((c) => c.role);
    expect(rolesOf(again.stdout)).toEqual(['time', 'entity', 'amount', 'label']);
    const given = sentinel('ingest', second, '--case', casePath, '--role', 'entity=isFraud', '--json');
    expect(given.code).toBe(0);
    expect(rolesOf(given.stdout)).toEqual(['time', null, 'amount', 'entity']);
  });

  it('reads a date and a time of day from two columns (--clock-column); a syslog file only as a server log', () => {
    const dir = tempDir();
    const casePath = path.join(dir, 'c.sentinel');
    const data = writeFile(dir, 'd.csv', 'day,at,user\n12/31/2024,14:05:33,ann\n');
    const r = sentinel(
      'ingest',
      data,
      '--case',
      casePath,
      '--time-column',
      'day',
      '--clock-column',
      'at',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      columns: [{ name: 'day', role: 'time' }, { name: 'at', role: null }, {}],
    });
    const line = 'Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for root from 1.2.3.4 port 22 ssh2\n';
    const refused = sentinel('ingest', writeFile(dir, 'auth.csv', line), '--case', casePath);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/auth\.csv.*looks like a syslog text log, not a table.*--format syslog/);
    // as a server log it is read line by line
    const read = sentinel('ingest', writeFile(dir, 'auth.log', line), '--case', casePath, '--json');
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)).toMatchObject({ rows: 1 });
  });

  it('builds features, as JSON', () => {
    const dir = tempDir();
    const casePath = path.join(dir, 'c.sentinel');
    const data = writeFile(
      dir,
      'tx.csv',
      'ts,user,amount\n2026-10-05T00:00:00Z,a,1\n2026-10-05T00:10:00Z,a,3\n',
    );
    expect(sentinel('ingest', data, '--case', casePath, '--dataset', 'tx').code).toBe(0);
    const r = sentinel('features', '--case', casePath, '--dataset', 'tx', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { features: string[]; rows: number; seconds: number; mode: string };
    expect(out).toMatchObject({ rows: 2, mode: 'full', seconds: expect.any(Number) });
    expect(out.features).toContain('amount_zscore');
    const zero = sentinel(
      'train',
      '--case',
      casePath,
      '--dataset',
      'tx',
      '--model',
      'iforest',
      '--trees',
      '0',
    );
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toMatch(/model.train: trees/); // the contract's own validation
    const missing = sentinel('features', '--case', casePath, '--dataset', 'nope', '--json');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no dataset "nope" \(datasets: tx\)/);
  });

  it('injects a scenario and removes it, as JSON', () => {
    const dir = tempDir();
    const casePath = path.join(dir, 'c.sentinel');
    const lines = ['ts,user,amount,status'];
    for (let i = 0; i < 200; i++)
      lines.push(
        `${new Date(Date.UTC(2026, 9, 5) + i * 600_000).toISOString()},u${i % 5},${10 + i},approved`,
      );
    expect(
      sentinel('ingest', writeFile(dir, 'tx.csv', lines.join('\n')), '--case', casePath, '--dataset', 'tx')
        .code,
    ).toBe(0);
    const r = sentinel(
      'inject',
      '--case',
      casePath,
      '--dataset',
      'tx',
      '--scenario',
      'velocity_spike',
      '--intensity',
      '9',
      '--seed',
      '3',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { injected: number; injectionId: number; business: { risk: string } };
    expect(out).toMatchObject({ injected: 9, business: { risk: 'HIGH' } });
    expect(JSON.parse(sentinel('info', '--case', casePath, '--json').stdout).datasets[0].rows).toBe(209);
    const gone = sentinel('uninject', '--case', casePath, '--injection', String(out.injectionId), '--json');
    expect(JSON.parse(gone.stdout)).toMatchObject({ removed: 9 });
    const bad = sentinel(
      'inject',
      '--case',
      casePath,
      '--dataset',
      'tx',
      '--scenario',
      'velocity_spike',
      '--duration',
      'soon',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--duration must be like 30s, 5m, 2h/);
  });

  it('fails with a non-zero status and one line naming what and where', () => {
    const dir = tempDir();
    const casePath = path.join(dir, 'c.sentinel');
    const bad = writeFile(dir, 'bad.csv', 'a,b\n1,2\n3\n');
    const r = sentinel('ingest', bad, '--case', casePath, '--json');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.csv:3, column "b": expected 2 fields, found 1/);
    const missing = sentinel('info', '--case', path.join(dir, 'missing.sentinel'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/missing\.sentinel: no such case file/);
    const usage = sentinel('ingest', bad, '--case', casePath, '--format', 'xml');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--format must be csv, tsv, jsonl, syslog or parquet/);
  });

  it('scores NAB detector outputs (nab score), at the thresholds given', () => {
    const dir = tempDir();
    const nab = path.resolve(__dirname, '../../../shared/data/nab');
    const results = path.join(dir, 'results');
    spawnSync('tar', [
      'xzf',
      path.join(nab, 'results/detector_outputs_numenta_null_random.tar.gz'),
      '-C',
      dir,
    ]);
    const r = sentinel(
      'nab',
      'score',
      '--results',
      path.join(results, 'numenta'),
      '--labels',
      path.join(nab, 'labels/combined_windows.json'),
      '--thresholds',
      path.join(nab, 'config/thresholds.json'),
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, Record<string, number>>;
    expect(Object.keys(out)).toEqual(['numenta']);
    expect(out.numenta.standard).toBeCloseTo(70.101, 2);
    expect(out.numenta.reward_low_FP_rate).toBeCloseTo(63.117, 2);
    expect(out.numenta.reward_low_FN_rate).toBeCloseTo(74.32, 2);
    const missing = sentinel('nab', 'score', '--results', dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no labels\/combined_windows\.json .*--labels/);
  });

  it('serve prints a 127.0.0.1 URL with a token', async () => {
    const dir = tempDir();
    const casePath = path.join(dir, 'c.sentinel');
    sentinel('ingest', writeFile(dir, 'a.csv', 'a\n1\n'), '--case', casePath);
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [cli, 'serve', '--case', casePath, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (d) => resolve(String(d)));
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(JSON.parse(line).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[a-f0-9]+$/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
