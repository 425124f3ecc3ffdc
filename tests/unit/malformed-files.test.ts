// The malformed-input corpus (issue 11): files as odd tools and hostile senders make them. Each
// is read correctly or refused with an error naming the file (and line), and a refused file
// leaves the case as it was: no dataset, no half rows.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventsPage } from '../../src-shared/domain';
import { hostWithCase, ingest, snapshot, writeFile } from './helpers';

const rowsOf = (text: string) => text;

describe('line endings', () => {
  const lines = [
    'ts,user,amount',
    '2026-01-01T00:00:00Z,a,1',
    '2026-01-01T00:01:00Z,b,2',
    '2026-01-01T00:02:00Z,"c, d",3',
  ];
  for (const [what, text] of [
    ['CR only (an old Mac file)', lines.join('\r') + '\r'],
    ['CR only, no final line break', lines.join('\r')],
    [
      'LF, CRLF and CR mixed (files pasted together)',
      `${lines[0]}\r\n${lines[1]}\n${lines[2]}\r${lines[3]}\r\n`,
    ],
    [
      'a quoted value holding a bare CR',
      `${lines[0]}\n${lines[1]}\n${lines[2]}\n2026-01-01T00:02:00Z,"c\rd",3\n`,
    ],
  ] as const) {
    it(`reads ${what}`, async () => {
      const { host, dir } = await hostWithCase();
      const r = await ingest(host, { path: writeFile(dir, 'f.csv', rowsOf(text)) });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      expect(r.value.rows).toBe(3);
      expect(r.value.dataset.columns.map((c) => c.name)).toEqual(['ts', 'user', 'amount']);
      const page = await host.call('events.page', { datasetId: 1, offset: 0, limit: 10 });
      if (!page.ok) throw new Error(JSON.stringify(page.error));
      const values = (page.value as EventsPage).rows.map((row) => row.slice(-2));
      expect(values[0]).toEqual(['a', 1]);
      expect(values[2][0]).toBe(what.includes('quoted') ? 'c\rd' : 'c, d');
    });
  }

  it('counts a bare CR inside a quoted value as a line, as the lines around it', async () => {
    const { host, dir } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 'q.csv', 'h,i\r"a\rb",c\rx,y\r"bad"z,1\r') });
    expect(r).toMatchObject({ ok: false, error: { code: 'MALFORMED_INPUT', file: 'q.csv', line: 5 } });
  });

  it('numbers the lines of a CR-only file in its errors', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const before = snapshot(casePath);
    const r = await ingest(host, {
      path: writeFile(dir, 'bad.csv', 'a,b\r1,2\r3,4,5\r6,7\r'),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'MALFORMED_INPUT', file: 'bad.csv', line: 3 } });
    expect(snapshot(casePath)).toEqual(before);
  });
});

describe('files that are not data', () => {
  it('refuses each by name, and the case is left as it was', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const fifo = path.join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(path.join(dir, 'folder.csv'));
    const corpus: [string, string, RegExp][] = [
      ['an empty file', writeFile(dir, 'empty.csv', ''), /empty/],
      ['a header and no rows', writeFile(dir, 'header.csv', 'ts,user,amount\n'), /header but no rows/],
      ['JSON Lines of blank lines', writeFile(dir, 'blank.jsonl', '\n\n'), /no records/],
      ['a folder', path.join(dir, 'folder.csv'), /folder/],
      ['a named pipe', fifo, /not a regular file/],
      ['a system file with no size', '/proc/self/environ', /empty|system file/],
      ['a NUL byte in a value', writeFile(dir, 'nul.csv', 'a,b\n1,x\n2,y\u0000z\n'), /NUL byte/],
    ];
    const before = snapshot(casePath);
    for (const [what, file, message] of corpus) {
      const r = await ingest(host, { path: file });
      expect(r.ok, what).toBe(false);
      if (r.ok) continue;
      expect(r.error.message, what).toMatch(message);
      expect(r.error.file, what).toBe(path.basename(file));
      if (what.includes('NUL')) expect(r.error.line).toBe(3);
    }
    expect(snapshot(casePath)).toEqual(before);
  });
});
