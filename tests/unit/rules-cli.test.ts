// The rule engine's commands in the built CLI. Run `npm run build` before running this file alone.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers';

const cli = path.resolve(__dirname, '../../bin/sentinel.cjs');
const sentinel = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('sentinel simulate / rules / alerts / verdict', () => {
  it('simulates a log, runs the rules over it, lists the alerts and takes a verdict, as JSON', () => {
    const dir = tempDir();
    const file = path.join(dir, 'api.jsonl');
    const casePath = path.join(dir, 'c.sentinel');
    const sim = sentinel(
      'simulate',
      'apilog',
      '--keys',
      '8',
      '--events',
      '40000',
      '--days',
      '15',
      '--seed',
      '2',
      '--scenario',
      'brute_force',
      'lateral_movement',
      '--out',
      file,
      '--json',
    );
    expect(sim.code).toBe(0);
    const s = JSON.parse(sim.stdout) as { events: number; scenarios: { scenario: string }[] };
    expect(s.scenarios.map((x) => x.scenario).sort()).toEqual(['brute_force', 'lateral_movement']);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(s.events);
    expect(sentinel('ingest', file, '--case', casePath, '--dataset', 'api').code).toBe(0);
    const rules = sentinel('rules', '--case', casePath, '--dataset', 'api', '--json');
    expect(rules.code).toBe(0);
    expect(JSON.parse(rules.stdout)).toMatchObject({
      events: s.events,
      alerts: 4,
      byRule: { brute_force: 1, cross_table: 3 },
      seconds: expect.any(Number),
    });
    const alerts = sentinel('alerts', '--case', casePath, '--json');
    const list = JSON.parse(alerts.stdout) as {
      id: number;
      rule: string;
      severity: string;
      evidence: number[];
    }[];
    expect(list).toHaveLength(4);
    for (const a of list)
      expect(Object.keys(a)).toEqual(
        expect.arrayContaining([
          'rule',
          'entity',
          'start',
          'end',
          'observed',
          'baseline',
          'severity',
          'confidence',
          'count',
          'evidence',
        ]),
      );
    const v = sentinel('verdict', '--case', casePath, '--alert', String(list[0].id), '--confirmed', '--json');
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ alert: { verdict: 'confirmed' }, rule: { confirmed: 1 } });
    // label --alert changes the verdict (with a note), and none undoes it
    const id = String(list[0].id);
    const changed = sentinel(
      'label',
      '--case',
      casePath,
      '--alert',
      id,
      '--verdict',
      'false_positive',
      '--note',
      'load test',
      '--json',
    );
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout)).toMatchObject({
      alert: { verdict: 'false_positive' },
      rule: { confirmed: 0, falsePositives: 1 },
    });
    const cleared = sentinel('label', '--case', casePath, '--alert', id, '--verdict', 'none');
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toMatch(/verdict cleared/);
    expect(sentinel('label', '--case', casePath, '--alert', id, '--note', 'checked the edge logs').code).toBe(
      0,
    );
    expect(sentinel('label', '--case', casePath, '--alert', id, '--verdict', 'maybe').code).toBe(2);
    expect(sentinel('label', '--case', casePath, '--alert', id).code).toBe(2);
    const db = new Database(casePath, { readonly: true });
    try {
      expect(
        db.prepare('SELECT verdict, note FROM verdict_log WHERE alert_id = ? ORDER BY id').all(list[0].id),
      ).toEqual([
        { verdict: 'confirmed', note: null },
        { verdict: 'false_positive', note: 'load test' },
        { verdict: null, note: null },
        { verdict: null, note: 'checked the edge logs' },
      ]);
    } finally {
      db.close();
    }
    const bad = sentinel('verdict', '--case', casePath, '--alert', '999', '--fp');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/no alert with id 999/);
    const unknown = sentinel(
      'simulate',
      'apilog',
      '--keys',
      '2',
      '--events',
      '10',
      '--days',
      '1',
      '--seed',
      '1',
      '--scenario',
      'meteor',
      '--out',
      file,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown scenario "meteor"/);
  });
});
