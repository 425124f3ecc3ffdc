// The case report: confirmed and open incidents with their headlines, contributions, notes and
// verdict history, the models behind them and the data they came from; as HTML, and as a PDF
// printed by the machine's Chromium whose text pdftotext reads back. Nothing a user typed runs in
// it, and a report that cannot be written leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium } from '../../src-main/engine/report/pdf';
import { call, hostWithCase, ingest, job, jobResult, writeFile } from './helpers';

const T0 = Date.UTC(2026, 9, 5);

function csv(): string {
  const lines = ['ts,user,ip,device,merchant,amount,status'];
  for (let i = 0; i < 4000; i++) {
    const u = i % 50;
    lines.push(
      `${new Date(T0 + i * 120_000).toISOString()},u${u},10.0.${u}.1,d${u},m${u % 7},${20 + ((i * 37) % 60)},${i % 31 === 0 ? 'declined' : 'approved'}`,
    );
  }
  return lines.join('\n') + '\n';
}

const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;

describe('case report', () => {
  it('reports confirmed and open incidents with headlines, contributions, notes and history, as HTML and PDF', async () => {
    const { host, dir } = await hostWithCase();
    try {
      const r = await ingest(host, { path: writeFile(dir, 'tx.csv', csv()) });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      for (let k = 0; k < 10; k++)
        await call(host, 'scenario.inject', {
          datasetId: 1,
          scenario: ['velocity_spike', 'high_value_sudden'][k % 2],
          start: T0 + (k + 0.5) * 40_000_000,
          seed: k,
        });
      await job(host, 'features.build', { datasetId: 1 });
      const gbdt = await job(host, 'model.train', { datasetId: 1, model: 'gbdt', trees: 30 });
      await job(host, 'model.score', { datasetId: 1, modelId: gbdt.model.id });
      const open = await call(host, 'feed.page', {
        datasetId: 1,
        view: 'open',
        offset: 0,
        limit: 50,
        fold: true,
      });
      const head = open.items.find((i) => i.group)!;
      const members = await call(host, 'feed.group', { datasetId: 1, view: 'open', eventId: head.eventId });
      await call(host, 'feed.verdicts', {
        datasetId: 1,
        items: members.map((m) => ({ eventId: m.eventId, verdict: 'confirmed' as const })),
      });
      // a note with markup in it must come out as text
      const hostile = 'Called the holder <script>alert(1)</script> & "blocked" it';
      await call(host, 'review.note', { datasetId: 1, eventId: head.eventId, note: hostile });
      const ex = await call(host, 'feed.explain', { datasetId: 1, eventId: head.eventId });

      const htmlFile = path.join(dir, 'report.html');
      const html = await job(host, 'report.build', { datasetId: 1, out: htmlFile });
      expect(html).toMatchObject({ path: htmlFile, format: 'html' });
      const text = readFileSync(htmlFile, 'utf8');
      expect(html.html).toBe(text);
      expect(text).toContain('Confirmed incidents (1)');
      expect(text).toContain(
        ex.sentence.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;'),
      );
      expect(text).toContain(`${members.length} events`);
      expect(text).toContain('Exact contributions (TreeSHAP');
      expect(text).toContain(gbdt.model.name);
      expect(text).toContain('tx.csv');
      expect(text).toContain('marked confirmed attack');
      expect(text).toContain(
        'Called the holder &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;blocked&quot; it',
      );
      expect(text).not.toContain('<script');
      expect(text).toMatch(/Open incidents \(\d+\)/);

      // a folder that is not there: a clear error naming the file, and nothing written
      const nowhere = path.join(dir, 'no-such-folder', 'r.html');
      const bad = await jobResult(host, 'report.build', { datasetId: 1, out: nowhere });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error).toMatchObject({ code: 'IO', file: nowhere });
      expect(readdirSync(dir).filter((f) => f.includes('.part'))).toEqual([]);

      if (!findChromium() || !hasPdftotext) {
        console.warn('case report PDF not checked: this machine has no Chromium or no pdftotext');
        return;
      }
      const pdfFile = path.join(dir, 'report.pdf');
      const pdf = await job(host, 'report.build', { out: pdfFile });
      expect(pdf).toMatchObject({ path: pdfFile, format: 'pdf', html: null });
      expect(readFileSync(pdfFile).subarray(0, 5).toString()).toBe('%PDF-');
      const printed = spawnSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' }).stdout.replace(
        /\s+/g,
        ' ',
      );
      expect(printed).toContain('Case report: test.sentinel');
      expect(printed).toContain('Confirmed incidents (1)');
      expect(printed).toContain(hostile);
      expect(printed).toContain(ex.sentence.split(':')[0]);
      // without --out, beside the case
      const beside = await job(host, 'report.build', { datasetId: 1, format: 'html' });
      expect(path.dirname(beside.path)).toBe(dir);
      expect(existsSync(beside.path)).toBe(true);
    } finally {
      await host.close();
    }
  }, 120_000);
});
