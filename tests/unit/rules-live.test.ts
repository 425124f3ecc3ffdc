// Live mode over a long stream: push() allocates no array when nothing fires, open alerts are
// forgotten after their cooldown (memory stays bounded), and folds never collide.
import { describe, expect, it } from 'vitest';
import { AlertBook, NO_ALERTS, type RuleState } from '../../src-main/engine/rules/alerts';
import {
  loadRulesConfig,
  RULE_NAMES,
  type RuleName,
  type Severity,
} from '../../src-main/engine/rules/config';
import { RuleEngine } from '../../src-main/engine/rules/engine';

const cfg = loadRulesConfig();
const MINUTE = 60_000;
const T = Date.UTC(2026, 0, 5, 10);

describe('live mode: bounded and allocation-free when quiet', () => {
  it('push() returns the one shared empty array when nothing fires', () => {
    const engine = new RuleEngine(cfg);
    const quiet = (i: number) =>
      engine.push({ ts: T + i * 1000, user: 'u', ip: '198.51.100.7', result: 'success' }, i + 1);
    const a = quiet(0);
    const b = quiet(1);
    expect(a).toHaveLength(0);
    expect(b).toBe(a); // the same array: nothing allocated for it
    expect(a).toBe(NO_ALERTS);
    expect(Object.isFrozen(a)).toBe(true);
    const fired: number[] = [];
    for (let i = 0; i < 10; i++)
      fired.push(
        engine.push({ ts: T + 10_000 + i, user: 'u', ip: '198.51.100.7', result: 'failure' }, 100 + i).length,
      );
    expect(fired).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(quiet(20)).toBe(NO_ALERTS);
  });

  it('a long stream of attacks keeps the open alerts and the alert list bounded', () => {
    const engine = new RuleEngine(cfg);
    let id = 0;
    let raised = 0;
    let maxOpen = 0;
    // 2,000 attacking IPs, one a minute (33 hours): each raises a brute-force alert
    for (let m = 0; m < 2000; m++) {
      const ip = `198.51.${(m >> 8) & 255}.${m & 255}`;
      for (let j = 0; j < 12; j++)
        raised += engine.push(
          { ts: T + m * MINUTE + j * 100, user: 'u', ip, result: 'failure' },
          ++id,
        ).length;
      maxOpen = Math.max(maxOpen, engine.ctx.book.openCount);
    }
    expect(raised).toBe(2000);
    // the cooldown (10 m) plus its slack and one sweep period: about 21 minutes' worth
    expect(maxOpen).toBeLessThanOrEqual(25);
    expect(engine.alerts.length).toBeLessThanOrEqual(25);
    expect(engine.alerts.at(-1)!.seq).toBe(2000); // seq still counts every alert of the run
  });

  it('a replay keeps every alert', () => {
    const engine = new RuleEngine(cfg);
    const book = engine.ctx.book;
    for (let m = 0; m < 100; m++)
      book.fire('brute_force', 'ip', m, 0, () => `ip${m}`, T + m * MINUTE, m, 10, 10, 1, null);
    expect(engine.alerts).toHaveLength(100);
    expect(book.openCount).toBeLessThanOrEqual(25);
  });
});

describe('alert folds', () => {
  const states = new Map<RuleName, RuleState>(
    RULE_NAMES.map((r) => [r, { confidence: 100, falsePositives: 0, confirmed: 0, disabled: false }]),
  );
  const severities = new Map<RuleName, Severity>(RULE_NAMES.map((r) => [r, 'MEDIUM']));

  it('never collide, whatever the entity ids (past 2^24) or the field and table ids', () => {
    const book = new AlertBook(600_000, states, severities);
    const fire = (rule: RuleName, entity: number, sub = 0) =>
      book.fire(rule, 'key', entity, sub, () => `e${entity}`, T, 1, 1, 1, 1, null);
    // the old key, (… × 16 + rule) × 2^24 + entity, mapped these two onto one fold
    const a = fire(RULE_NAMES[0], 2 ** 24 + 5);
    const b = fire(RULE_NAMES[1], 5);
    expect(b).not.toBe(a);
    expect(b.rule).toBe(RULE_NAMES[1]);
    const c = fire('new_field', 7, 2 ** 30);
    const d = fire('new_field', 7, 2 ** 30 + 1);
    expect(d).not.toBe(c);
    expect(fire('new_field', 7, 2 ** 30)).toBe(c); // a true repeat still folds
    expect(book.alerts).toHaveLength(4);
  });
});
