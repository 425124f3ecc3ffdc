// A case report as one self-contained HTML page (no script, inline styles and SVG), printable to
// PDF by the browser engine: per dataset, the models and rules behind it and the data it came
// from, a timeline of the reported incidents, then each confirmed and open incident with its
// headline, business terms, exact contributions, notes and verdict history, and the rule alerts
// that were judged or noted.
import type {
  AlertItem,
  CaseInfo,
  DatasetInfo,
  Explanation,
  FeedItem,
  FeedModel,
  ReviewEntry,
} from '../../../src-shared/domain';
import { formatMoney, humanDuration } from '../feed/sentence';

export interface ReportIncident {
  kind: 'confirmed' | 'open';
  item: FeedItem;
  explanation: Explanation | null;
  /** Why it could not be explained, when it could not. */
  unexplained: string | null;
  history: ReviewEntry[];
}

export interface ReportDataset {
  dataset: DatasetInfo;
  models: FeedModel[];
  ruleAlerts: number;
  counts: { open: number; confirmed: number; falsePositive: number; incidentsOpen: number };
  incidents: ReportIncident[];
  alerts: { alert: AlertItem; history: ReviewEntry[] }[];
}

export interface ReportData {
  caseInfo: CaseInfo;
  generatedAt: Date;
  appVersion: string;
  datasets: ReportDataset[];
}

const esc = (v: unknown): string =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const int = (n: number) => n.toLocaleString('en-US');
const iso = (t: number | null) =>
  t === null ? '–' : new Date(t).toISOString().replace('T', ' ').slice(0, 19);
const when = (at: string) => at.replace('T', ' ').slice(0, 16);
const words = (s: string) => s.replace(/_/g, ' ');

const VERDICT: Record<string, string> = {
  confirmed: 'confirmed attack',
  false_positive: 'false positive',
  unsure: 'unsure',
};

function historyList(history: ReviewEntry[]): string {
  if (!history.length) return '<p class="muted">No verdict or note.</p>';
  return `<ol class="history">${history
    .map((h) => {
      const what =
        h.action === 'note'
          ? 'note'
          : h.action === 'review'
            ? 'rule reviewed'
            : h.verdict
              ? `marked ${VERDICT[h.verdict] ?? h.verdict}`
              : 'verdict cleared';
      return `<li><span class="mono">${esc(when(h.at))}</span> <b>${esc(what)}</b>${h.note ? `<div class="note">${esc(h.note)}</div>` : ''}</li>`;
    })
    .join('')}</ol>`;
}

/** The largest contributions as horizontal bars (inline SVG: prints as it shows). */
function contributionBars(ex: Explanation): string {
  const items = (ex.contributions?.items ?? []).filter((c) => c.contribution !== 0).slice(0, 6);
  if (!items.length) return '';
  const max = Math.max(...items.map((c) => Math.abs(c.contribution)));
  const rowH = 18;
  const labelW = 380;
  const barW = 220;
  const mid = labelW + barW / 2;
  const rows = items
    .map((c, i) => {
      const w = (Math.abs(c.contribution) / max) * (barW / 2);
      const x = c.contribution >= 0 ? mid : mid - w;
      const y = i * rowH;
      const usual = c.shown.entityTypical === null ? '' : `, usually ${c.shown.entityTypical}`;
      return (
        `<text x="0" y="${y + 13}" class="svg-label">${esc(`${c.label}: ${c.shown.value}${usual}`.slice(0, 72))}</text>` +
        `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${Math.max(1, w).toFixed(1)}" height="12" class="${c.contribution >= 0 ? 'up' : 'down'}"/>` +
        `<text x="${labelW + barW + 6}" y="${y + 13}" class="svg-value">${c.contribution >= 0 ? '+' : ''}${c.contribution.toFixed(2)}</text>`
      );
    })
    .join('');
  return `<figure class="contrib"><figcaption>Exact contributions (TreeSHAP, ${esc(ex.contributions!.scale)}) of ${esc(ex.contributions!.model.name)}</figcaption><svg width="${labelW + barW + 60}" height="${items.length * rowH + 4}" role="img"><line x1="${mid}" x2="${mid}" y1="0" y2="${items.length * rowH}" class="axis"/>${rows}</svg></figure>`;
}

/** The reported incidents on one time axis: confirmed in red, open in amber. */
function timeline(incidents: ReportIncident[]): string {
  const dated = incidents.filter((i) => i.item.ts !== null);
  if (dated.length < 2) return '';
  const ts = dated.map((i) => i.item.ts!);
  const lo = Math.min(...ts);
  const hi = Math.max(...ts);
  const W = 700;
  const x = (t: number) => 10 + ((t - lo) / Math.max(1, hi - lo)) * (W - 20);
  const dots = dated
    .map(
      (i) =>
        `<circle cx="${x(i.item.ts!).toFixed(1)}" cy="${i.kind === 'confirmed' ? 14 : 34}" r="${Math.min(9, 3 + Math.log2(i.item.group?.size ?? 1))}" class="${i.kind}"><title>${esc(iso(i.item.ts))} ${esc(i.item.entity ?? '')}</title></circle>`,
    )
    .join('');
  return `<figure class="timeline"><figcaption>Timeline: confirmed (top) and open (bottom) incidents, ${esc(iso(lo))} to ${esc(iso(hi))} UTC; a dot's size grows with its events</figcaption><svg width="${W}" height="48" role="img"><line x1="10" x2="${W - 10}" y1="24" y2="24" class="axis"/>${dots}</svg></figure>`;
}

function incidentSection(inc: ReportIncident): string {
  const { item, explanation: ex } = inc;
  const g = item.group;
  const size = g
    ? `${int(g.size)} events${g.entities > 1 ? `, ${int(g.entities)} entities` : ''}`
    : 'one event';
  const span =
    g && g.start !== null && g.end !== null ? `${iso(g.start)} – ${iso(g.end)} UTC` : `${iso(item.ts)} UTC`;
  const head = ex ? esc(ex.sentence) : esc(`Event ${item.eventId} (${inc.unexplained ?? 'not explained'})`);
  const business = ex
    ? `<dl class="terms"><dt>Risk</dt><dd>${esc(ex.business.risk)}</dd><dt>Cost</dt><dd>about ${esc(formatMoney(ex.business.cost, ex.business.currency))}</dd><dt>By when</dt><dd>within ${esc(humanDuration(ex.business.slaMinutes * 60))}</dd><dt>Do</dt><dd>${esc(ex.business.action)}</dd><dt>Looks like</dt><dd>${esc(words(ex.pattern.scenario))}: ${esc(ex.pattern.description)}</dd></dl>`
    : '';
  const tags = [
    ...new Set(
      [...(g?.scenarios ?? (item.scenario ? [item.scenario] : [])), ...(g?.rules ?? item.rules)].map(words),
    ),
  ]
    .map((t) => `<span class="tag">${esc(t)}</span>`)
    .join(' ');
  return `<section class="incident ${inc.kind}"><h3><span class="score">${item.score.toFixed(1)}</span> ${head}</h3><p class="meta">${esc(inc.kind === 'confirmed' ? 'Confirmed' : 'Open')} · ${esc(item.entity ?? `event ${item.eventId}`)} · ${esc(size)} · ${esc(span)} · head event ${item.eventId} ${tags}</p>${business}${ex ? contributionBars(ex) : ''}<h4>Notes and verdict history</h4>${historyList(inc.history)}</section>`;
}

function alertSection({ alert, history }: ReportDataset['alerts'][number]): string {
  return `<section class="incident alert"><h3>${esc(alert.sentence)}</h3><p class="meta">Rule ${esc(words(alert.rule))} · alert ${alert.id} · ${esc(iso(alert.start))} – ${esc(iso(alert.end))} UTC · ${alert.verdict ? esc(VERDICT[alert.verdict]) : 'no verdict'} · ${int(alert.evidence.length)} evidence events</p>${historyList(history)}</section>`;
}

function datasetSection(d: ReportDataset): string {
  const ds = d.dataset;
  const models = d.models.length
    ? `<ul>${d.models.map((m) => `<li>${esc(m.name)} (${esc(m.kind)}, model ${m.id}${m.threshold === null ? '' : `, alert threshold ${m.threshold.toFixed(4)}`})</li>`).join('')}</ul>`
    : '<p class="muted">No model scores this dataset.</p>';
  const confirmed = d.incidents.filter((i) => i.kind === 'confirmed');
  const open = d.incidents.filter((i) => i.kind === 'open');
  return `<article class="dataset"><h2>${esc(ds.name)}</h2>
<p class="meta">${int(ds.rows)} events from ${esc(ds.sourceFile ?? 'an upload')} (${esc(ds.format)}), imported ${esc(when(ds.createdAt))} UTC; time from column ${esc(ds.timeColumn ?? '–')}; entity ${esc(ds.columns.find((c) => c.role === 'entity')?.name ?? '–')}.</p>
<p>${int(d.counts.confirmed)} events confirmed, ${int(d.counts.falsePositive)} false positives, ${int(d.counts.open)} open in ${int(d.counts.incidentsOpen)} incidents.</p>
<h3>Behind the ranking</h3>${models}<p>${d.ruleAlerts ? `${int(d.ruleAlerts)} rule alerts of the latest rules run (config/rules.yaml).` : 'No rule alerts.'}</p>
${timeline(d.incidents)}
<h3>Confirmed incidents (${int(confirmed.length)})</h3>${confirmed.map(incidentSection).join('') || '<p class="muted">None.</p>'}
<h3>Open incidents${open.length < d.counts.incidentsOpen ? ` (the ${int(open.length)} highest of ${int(d.counts.incidentsOpen)})` : ` (${int(open.length)})`}</h3>${open.map(incidentSection).join('') || '<p class="muted">None.</p>'}
${d.alerts.length ? `<h3>Rule alerts judged or noted (${int(d.alerts.length)})</h3>${d.alerts.map(alertSection).join('')}` : ''}
</article>`;
}

const STYLE = `
body{font:13px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;margin:32px auto;max-width:900px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #6b7cff;padding-bottom:4px;margin-top:32px}
h3{font-size:14px;margin:18px 0 6px}h4{font-size:12px;margin:8px 0 4px;color:#555;text-transform:uppercase;letter-spacing:.04em}
.meta,.muted{color:#5b6470}.mono{font-family:ui-monospace,monospace;font-size:12px}
.incident{border:1px solid #d8dce2;border-left:4px solid #e0a030;border-radius:6px;padding:8px 12px;margin:10px 0;break-inside:avoid}
.incident.confirmed{border-left-color:#d6453d}.incident.alert{border-left-color:#6b7cff}
.incident h3{margin:2px 0 4px;font-size:13.5px}.score{display:inline-block;min-width:38px;font-weight:700}
.tag{display:inline-block;border:1px solid #c9ced6;border-radius:10px;padding:0 6px;font-size:11px}
dl.terms{display:grid;grid-template-columns:90px 1fr;gap:2px 8px;margin:6px 0}dl.terms dt{color:#5b6470}dl.terms dd{margin:0}
.history{margin:0;padding-left:18px}.note{white-space:pre-wrap;border-left:2px solid #c9ced6;padding-left:6px;margin:2px 0}
figure{margin:8px 0}figcaption{font-size:11px;color:#5b6470;margin-bottom:2px}
.svg-label,.svg-value{font-size:11px;fill:#1b1f24}.up{fill:#d6453d}.down{fill:#6b7cff}.axis{stroke:#9aa3ad;stroke-width:1}
circle.confirmed{fill:#d6453d;opacity:.8}circle.open{fill:#e0a030;opacity:.8}
footer{margin-top:32px;color:#5b6470;font-size:11px;border-top:1px solid #d8dce2;padding-top:6px}
@media print{body{margin:0}h2{break-before:page}h2:first-of-type{break-before:auto}}
`;

export function renderReport(r: ReportData): string {
  const file = r.caseInfo.path.split(/[\\/]/).pop() ?? r.caseInfo.path;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Case report: ${esc(file)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>${STYLE}</style></head><body>
<header><h1>Case report: ${esc(file)}</h1>
<p class="meta">Written ${esc(r.generatedAt.toISOString().replace('T', ' ').slice(0, 16))} UTC by SentinelRisk Workstation ${esc(r.appVersion)} from ${esc(r.caseInfo.path)} (schema ${r.caseInfo.schemaVersion}). Scores are on the feed's 0–100 scale; times are UTC.</p></header>
${r.datasets.map(datasetSection).join('\n')}
<footer>Each incident is headed by its top-ranked event: its headline, business terms and contributions are that event's. Contributions are exact shares of the tree model's margin (TreeSHAP); a detector's reasons are measured.</footer>
</body></html>
`;
}
