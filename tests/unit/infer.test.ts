import { describe, expect, it } from 'vitest';
import {
  chooseTimeColumn,
  classify,
  inferColumns,
  makeConverter,
  makeTimeConverter,
  normaliseIso,
  sqlNames,
} from '../../src-main/engine/ingest/infer';
import { parseNumberAt } from '../../src-main/engine/ingest/fast-number';
import { assignRoles } from '../../src-main/engine/ingest/roles';
import { rng } from '../../src-main/engine/demo/demo-data';

describe('type inference', () => {
  it('infers INTEGER, REAL and TEXT, ignoring empty values', () => {
    const cols = inferColumns(
      ['i', 'r', 't', 'e', 'big'],
      [
        ['1', '1.5', 'x', '', '12345678901234567890'],
        ['-2', '2', '3', '', '1'],
        ['', '1e3', 'y', '', '2'],
      ],
    );
    expect(cols.map((c) => c.type)).toEqual(['INTEGER', 'REAL', 'TEXT', 'TEXT', 'TEXT']);
  });

  it('reads the words files write for a missing number (null, NaN, NA, …) as empty in a column of numbers, and keeps them in text', () => {
    const cols = inferColumns(
      ['amount', 'count', 'country'],
      [
        ['10.5', '3', 'NA'],
        ['null', 'NaN', 'FR'],
        ['N/A', '4', 'null'],
      ],
    );
    expect(cols.map((c) => c.type)).toEqual(['REAL', 'INTEGER', 'TEXT']);
    const amount = makeConverter(cols[0], 'f.csv');
    expect([amount('null', 3), amount(' NaN ', 3), amount('10.5', 2)]).toEqual([null, null, 10.5]);
    expect(makeConverter(cols[2], 'f.csv')('NA', 2)).toBe('NA');
    expect(() => amount('n.a.', 4)).toThrow(/expected a number, found "n\.a\."/);
  });

  it('detects ISO time columns and epoch columns by name', () => {
    const cols = inferColumns(
      ['when', 'Time', 'n'],
      [
        ['2026-01-02 03:04:05', '100', '1'],
        ['2026-01-02T03:04:06Z', '200', '2'],
      ],
    );
    expect(cols[0].time).toBe('iso');
    expect(cols[1].time).toBe('epoch_s');
    expect(cols[2].time).toBeNull();
    expect(chooseTimeColumn(cols, undefined, 'f')).toBe(1); // a time-named column wins
    expect(chooseTimeColumn(cols, 'when', 'f')).toBe(0);
    expect(() => chooseTimeColumn(cols, 'nope', 'f')).toThrow(/no column named "nope"/);
  });

  it('reads zone-less ISO times as UTC', () => {
    expect(normaliseIso('2026-01-02 03:04:05')).toBe('2026-01-02T03:04:05Z');
    expect(normaliseIso('2026-01-02T03:04:05+02:00')).toBe('2026-01-02T03:04:05+02:00');
    const conv = makeTimeConverter({ name: 't', type: 'TEXT', time: 'iso' }, 'f');
    expect(conv('2026-01-02 03:04:05', 2)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(() => conv('yesterday', 7)).toThrow(/ISO 8601/);
  });

  it('classifies number text like the regular expressions would', () => {
    expect(['1', '-12', '+3', '007'].map(classify)).toEqual([1, 1, 1, 1]);
    expect(['1.5', '-.5', '1.', '1e5', ' 2.5 '].map(classify)).toEqual([2, 2, 2, 2, 2]);
    expect(['', '-', '.', 'abc', '1.2.3', '0x10', '12345678901234567890'].map(classify)).toEqual([
      3, 3, 3, 3, 3, 3, 3,
    ]);
  });

  it('parses numbers in place exactly as Number() does', () => {
    const r = rng(7);
    const cursor = { end: 0 };
    let checked = 0;
    for (let i = 0; i < 20000; i++) {
      const digits = 1 + Math.floor(r() * 8);
      const text = ((r() - 0.5) * 10 ** (r() * 8)).toFixed(digits);
      const line = `${text},next`;
      const v = parseNumberAt(line, 0, line.length, 44, cursor);
      if (v !== undefined) {
        checked++;
        expect(v).toBe(Number(text));
        expect(cursor.end).toBe(text.length);
      }
    }
    expect(checked).toBeGreaterThan(15000); // the fast path decides almost all of them
    expect(parseNumberAt('1e5,', 0, 4, 44, cursor)).toBeUndefined(); // exponent: caller falls back
    expect(parseNumberAt(',', 0, 1, 44, cursor)).toBeNaN(); // empty field
  });

  it('makes safe, unique SQL names', () => {
    expect(sqlNames(['Amount', 'amount', 'ts', '1st', '"; DROP TABLE x; --', '', 'Ünïcode'])).toEqual([
      'amount',
      'amount_2',
      'ts_2',
      'c_1st',
      'drop_table_x',
      'col_6',
      'unicode',
    ]);
  });

  it('assigns canonical roles by name, numeric roles only to numeric columns', () => {
    const roles = assignRoles(
      [
        { name: 'ts', type: 'TEXT' },
        { name: 'user', type: 'TEXT' },
        { name: 'ip', type: 'TEXT' },
        { name: 'amount', type: 'TEXT' },
        { name: 'value', type: 'REAL' },
        { name: 'status', type: 'INTEGER' },
      ],
      {},
      'ts',
    );
    expect(roles).toEqual(['time', 'entity', 'src_ip', null, 'amount', 'status']);
  });
});
