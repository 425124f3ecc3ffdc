import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../src-main/engine/ingest/csv-parser';
import { failure } from './helpers';

function parse(text: string, chunk = Infinity, delimiter = ','): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const p = new CsvParser(delimiter, 'f.csv', (fields, line) => out.push({ fields: [...fields], line }));
  for (let i = 0; i < text.length; i += chunk === Infinity ? text.length : chunk)
    p.push(text.slice(i, i + (chunk === Infinity ? text.length : chunk)));
  p.end();
  return out;
}

const tricky = 'a,b,c\r\n1,"x, y",3\r\n"multi\nline",2,"say ""hi"""\n,,\nlast,row,"end"';

describe('CsvParser', () => {
  it('reads quoted fields, escaped quotes, embedded newlines and CRLF', () => {
    const rows = parse(tricky);
    expect(rows.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', '3'],
      ['multi\nline', '2', 'say "hi"'],
      ['', '', ''],
      ['last', 'row', 'end'],
    ]);
    // physical line numbers: the embedded newline pushes the following records down
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 5, 6]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const whole = parse(tricky);
    for (const size of [1, 2, 3, 5, 7, 11]) expect(parse(tricky, size)).toEqual(whole);
  });

  it('reads TSV', () => {
    expect(parse('a\tb\n1\t"q\tq"\n', Infinity, '\t').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', 'q\tq'],
    ]);
  });

  it('skips blank lines', () => {
    expect(parse('a\n\n1\n\n').map((r) => r.fields)).toEqual([['a'], ['1']]);
  });

  it('refuses an unterminated quote, naming the line it starts on', () => {
    const e = failure(() => parse('a,b\n1,2\n3,"never closed\nmore\n'));
    expect(e).toMatchObject({ code: 'MALFORMED_INPUT', file: 'f.csv', line: 3 });
    expect(e.message).toMatch(/unterminated/);
  });

  it('refuses a quote inside an unquoted field and text after a closing quote', () => {
    expect(failure(() => parse('a,b\n1,ab"c\n'))).toMatchObject({
      line: 2,
      message: expect.stringMatching(/quote/),
    });
    expect(failure(() => parse('a,b\n1,"ab"c\n'))).toMatchObject({
      line: 2,
      message: expect.stringMatching(/after a closing quote/),
    });
  });
});
