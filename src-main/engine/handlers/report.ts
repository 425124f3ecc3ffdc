// The case report, a job: for each dataset (or the one asked), its confirmed incidents and its
// highest open ones, each explained (headline, business terms, contributions) with its notes and
// verdict history, and the rule alerts that were judged or noted; written as HTML, or printed to
// PDF by the browser engine. Nothing in the case changes.
import { copyFileSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { version } from '../../../package.json';
import type { ReportResult } from '../../../src-shared/domain';
import { err, ok, type Result } from '../../../src-shared/result';
import { alertItem } from '../feed/rule-alerts';
import type { Job } from '../jobs';
import { chromiumPrint } from '../report/pdf';
import { renderReport, type ReportData, type ReportDataset, type ReportIncident } from '../report/render';
import { loadScenarioConfig, loadUnmatchedRule, type ScenarioSpec } from '../scenarios/config';
import type { DomainHandlers, HandlerContext } from './context';
import { explainEvent } from './feed';

/** Confirmed incidents and open ones reported at most, per dataset. */
const CONFIRMED_MAX = 100;
const OPEN_MAX = 25;

const stamp = (d: Date) => d.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');

async function datasetReport(
  ctx: HandlerContext,
  job: Job,
  datasetId: number,
): Promise<Result<ReportDataset>> {
  const open = ctx.dataset(datasetId);
  if (!open.ok) return open;
  const { ds } = open.value;
  const page = (view: 'open' | 'confirmed', limit: number) =>
    ctx.onCase('feed', { datasetId, view, offset: 0, limit, fold: true });
  const confirmed = await page('confirmed', CONFIRMED_MAX);
  if (!confirmed.ok) return confirmed;
  const opened = await page('open', OPEN_MAX);
  if (!opened.ok) return opened;
  const incidents: ReportIncident[] = [];
  const rows = [
    ...confirmed.value.items.map((item) => ({ kind: 'confirmed' as const, item })),
    ...opened.value.items.map((item) => ({ kind: 'open' as const, item })),
  ];
  for (const [k, { kind, item }] of rows.entries()) {
    if (job.cancelled) return err('CANCELLED', 'case report cancelled');
    job.phase(`explaining ${ds.name}: ${k + 1} of ${rows.length}`);
    const ex = await explainEvent(ctx, datasetId, item.eventId);
    const history = await ctx.onCase('reviewHistory', { datasetId, eventId: item.eventId });
    incidents.push({
      kind,
      item,
      explanation: ex.ok ? ex.value : null,
      unexplained: ex.ok ? null : ex.error.message,
      history: history.ok ? history.value : [],
    });
  }
  const alerts = await ctx.onCase('alerts', datasetId, Number.MAX_SAFE_INTEGER);
  if (!alerts.ok) return alerts;
  const scenarios = loadScenarioConfig() as Map<string, ScenarioSpec>;
  const unmatched = loadUnmatchedRule();
  const judged: ReportDataset['alerts'] = [];
  for (const a of alerts.value) {
    const history = await ctx.onCase('reviewHistory', { alertId: a.id });
    if (a.verdict || (history.ok && history.value.length))
      judged.push({ alert: alertItem(a, scenarios, unmatched), history: history.ok ? history.value : [] });
  }
  const c = opened.value.counts;
  return ok({
    dataset: ds,
    models: opened.value.models,
    ruleAlerts: opened.value.ruleAlerts,
    counts: {
      open: c.open,
      confirmed: c.confirmed,
      falsePositive: c.false_positive,
      incidentsOpen: opened.value.total,
    },
    incidents,
    alerts: judged,
  });
}

async function reportStep(
  ctx: HandlerContext,
  job: Job,
  p: { datasetId?: number; format?: 'html' | 'pdf'; out?: string },
): Promise<Result<ReportResult>> {
  const info = ctx.current();
  if (!info) return err('NO_CASE', 'open a case first');
  const ids = p.datasetId === undefined ? info.datasets.map((d) => d.id) : [p.datasetId];
  const datasets: ReportDataset[] = [];
  for (const id of ids) {
    const d = await datasetReport(ctx, job, id);
    if (!d.ok) return d;
    datasets.push(d.value);
  }
  const now = new Date();
  const data: ReportData = { caseInfo: info, generatedAt: now, appVersion: version, datasets };
  const html = renderReport(data);
  const format = p.out ? (/\.pdf$/i.test(p.out) ? 'pdf' : 'html') : (p.format ?? 'html');
  const out = p.out ?? `${info.path.replace(/\.sentinel$/i, '')}-report-${stamp(now)}.${format}`;
  job.phase(format === 'pdf' ? 'printing the PDF' : 'writing');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sentinel-report-'));
  try {
    const htmlFile = path.join(tmp, 'report.html');
    writeFileSync(htmlFile, html);
    const made = format === 'pdf' ? path.join(tmp, 'report.pdf') : htmlFile;
    if (format === 'pdf') {
      try {
        await (ctx.options.printPdf ?? chromiumPrint)(htmlFile, made);
      } catch (e) {
        return err('BAD_REQUEST', e instanceof Error ? e.message : String(e), { file: out });
      }
    }
    // beside the target first, then moved over it: no half-written report under its name
    const part = `${out}.part`;
    copyFileSync(made, part);
    renameSync(part, out);
  } catch (e) {
    rmSync(`${out}.part`, { force: true });
    return err('IO', `could not write the report: ${e instanceof Error ? e.message : String(e)}`, {
      file: out,
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return ok({
    path: out,
    format,
    bytes: statSync(out).size,
    items: datasets.reduce((s, d) => s + d.incidents.length + d.alerts.length, 0),
    html: format === 'html' ? html : null,
  });
}

export const reportHandlers = {
  'report.build': (p, ctx) => {
    const open = ctx.openCase({ forWork: true });
    if (!open.ok) return open;
    if (p.datasetId !== undefined) {
      const d = ctx.dataset(p.datasetId);
      if (!d.ok) return d;
    }
    const { jobId } = ctx.jobs.start('report', 'Writing the case report', (job) => reportStep(ctx, job, p));
    return ok({ jobId });
  },
} satisfies DomainHandlers;
