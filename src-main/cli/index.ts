// `sentinel`: the engine host, headless, for scripts, benchmarks and CI.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CaseInfo, DataFormat, Explanation, FeedPage, InjectionInfo } from '../../src-shared/domain';
import { parseDuration } from '../engine/features/config';
import { formatError, type AppError, type Result } from '../../src-shared/result';
import { parseRequest } from '../../src-shared/contract';
import { EngineHost } from '../engine/host';
import { startServer, UploadStore } from '../serve/server';
import { checkFlags, numberFlag, parseArgs, str, UsageError, type Args } from './args';
import { RULES_USAGE, runRulesCommand } from './rules-commands';

const USAGE = `usage: sentinel <command> [options]
  demo    --case FILE [--json]                       create the demo case
  ingest  FILE --case FILE [--dataset NAME] [--format csv|tsv|jsonl] [--time-column COL] [--json]
  info    --case FILE [--json]                       schema version and datasets
  inject  --case FILE --dataset NAME|ID --scenario S [--entity E] [--intensity N] [--duration 5m]
          [--start ISO-TIME] [--factor X] [--seed N] [--json]   inject an attack scenario
  uninject --case FILE --injection ID [--json]        remove an injection's events
  train   --case FILE --dataset NAME|ID [--model gbdt|iforest|hbos] [--label COL] [--trees N]
          [--max-depth N] [--eta X] [--seed N] [--alerts-per-day N] [--out FILE.onnx] [--json]
  score   --case FILE --dataset NAME|ID [--model ID|FILE.onnx] [--json]
  features --case FILE --dataset NAME|ID [--force] [--json]
                                                     build point-in-time features (only new events if it can)
  feed    --case FILE --dataset NAME|ID [--view open|all|confirmed|false_positive] [--limit N] [--offset N] [--json]
                                                     events ranked by combined score (0-100) across models
  explain --case FILE --dataset NAME|ID --event ID [--json]   why, how bad, what it costs, what to do, by when
  label   --case FILE --dataset NAME|ID --event ID --verdict confirmed|false_positive|none [--json]
  serve   --case FILE [--port N] [--demo]            serve the workstation on 127.0.0.1
                                                     (--demo: build the demo case there if missing)
${RULES_USAGE}`;

class CliFailure extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

const unwrap = <T>(r: Result<T>): T => {
  if (!r.ok) throw new CliFailure(r.error);
  return r.value;
};

const print = (json: boolean, value: unknown, text: string) =>
  process.stdout.write((json ? JSON.stringify(value) : text) + '\n');

function progressPrinter(host: EngineHost, quiet: boolean): void {
  if (quiet || !process.stderr.isTTY) return;
  host.on('job.progress', (p) => {
    const pct = p.totalBytes ? ` ${((p.bytes / p.totalBytes) * 100).toFixed(0)}%` : '';
    process.stderr.write(
      `\r${p.label}: ${p.phase}${pct} ${p.rows.toLocaleString('en-US')} rows (${Math.round(p.rowsPerSecond).toLocaleString('en-US')}/s)   `,
    );
  });
  host.on('job.finished', () => process.stderr.write('\n'));
}

/** Runs `work` with a host on the case named by --case (progress on a terminal); closes it after. */
async function onCase(
  args: Args,
  json: boolean,
  work: (host: EngineHost, info: CaseInfo) => Promise<void>,
): Promise<void> {
  const host = new EngineHost({ shell: 'cli' });
  progressPrinter(host, json);
  try {
    await work(host, unwrap(await host.openCase(str(args, 'case', true))));
  } finally {
    await host.close();
  }
}

/** A dataset by name, or by id. */
function findDataset(info: CaseInfo, wanted: string) {
  const ds =
    info.datasets.find((d) => d.name === wanted) ?? info.datasets.find((d) => String(d.id) === wanted);
  if (ds) return ds;
  throw new CliFailure({
    code: 'BAD_REQUEST',
    message: `no dataset "${wanted}" (datasets: ${info.datasets.map((d) => d.name).join(', ') || 'none'})`,
  });
}

function summary(info: CaseInfo) {
  return {
    path: info.path,
    schemaVersion: info.schemaVersion,
    datasets: info.datasets.map((d) => ({
      id: d.id,
      name: d.name,
      rows: d.rows,
      format: d.format,
      columns: d.columns.length,
      timeColumn: d.timeColumn,
    })),
  };
}

function infoText(info: CaseInfo): string {
  const lines = [`${info.path} (schema ${info.schemaVersion})`];
  for (const d of info.datasets)
    lines.push(
      `  ${d.id}  ${d.name}  ${d.rows.toLocaleString('en-US')} rows  ${d.columns.length} columns  ${d.format}`,
    );
  if (!info.datasets.length) lines.push('  (no datasets)');
  return lines.join('\n');
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const args: Args = parseArgs(rest);
  const json = args.flags.get('json') === true;
  switch (command) {
    case 'demo': {
      checkFlags(args, ['case', 'json']);
      const file = str(args, 'case', true);
      const host = new EngineHost({ shell: 'cli' });
      progressPrinter(host, json);
      try {
        const started = await host.createDemo(file);
        if ('error' in started) throw new CliFailure(started.error);
        const info = unwrap(await started.done);
        print(json, summary(info), infoText(info));
      } finally {
        await host.close();
      }
      return 0;
    }
    case 'ingest': {
      checkFlags(args, ['case', 'dataset', 'format', 'time-column', 'json']);
      const file = args.positional[0];
      if (!file) throw new UsageError('ingest needs the data file to read');
      const casePath = str(args, 'case', true);
      const format = str(args, 'format') as DataFormat | undefined;
      if (format && !['csv', 'tsv', 'jsonl'].includes(format))
        throw new UsageError(`--format must be csv, tsv or jsonl, not "${format}"`);
      const host = new EngineHost({ shell: 'cli' });
      progressPrinter(host, json);
      try {
        unwrap(existsSync(casePath) ? await host.openCase(casePath) : await host.createCase(casePath));
        const params: Record<string, unknown> = { path: path.resolve(file) };
        const name = str(args, 'dataset');
        const timeColumn = str(args, 'time-column');
        if (name) params.name = name;
        if (format) params.format = format;
        if (timeColumn) params.timeColumn = timeColumn;
        // Through the contract's validation, like every other shell.
        const started = unwrap(await host.handle('ingest.start', params)) as { jobId: string };
        const result = await new Promise<
          Result<{
            dataset: { name: string; columns: { name: string; type: string; role: string | null }[] };
            rows: number;
            bytes: number;
            seconds: number;
          }>
        >((resolve) => {
          const off = host.on('job.finished', (f) => {
            if (f.jobId !== started.jobId) return;
            off();
            resolve(f.ok ? { ok: true, value: f.result as never } : { ok: false, error: f.error });
          });
        });
        const r = unwrap(result);
        const out = {
          dataset: r.dataset.name,
          rows: r.rows,
          columns: r.dataset.columns.map((c) => ({ name: c.name, type: c.type, role: c.role })),
          bytes: r.bytes,
          seconds: r.seconds,
        };
        print(
          json,
          out,
          `${out.dataset}: ${out.rows.toLocaleString('en-US')} rows, ${out.columns.length} columns in ${out.seconds.toFixed(2)} s`,
        );
      } finally {
        await host.close();
      }
      return 0;
    }
    case 'info': {
      checkFlags(args, ['case', 'json']);
      await onCase(args, json, async (host, info) => {
        print(json, summary(info), infoText(info));
      });
      return 0;
    }
    case 'inject': {
      checkFlags(args, [
        'case',
        'dataset',
        'scenario',
        'entity',
        'intensity',
        'duration',
        'start',
        'factor',
        'seed',
        'json',
      ]);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const num = (name: string) => numberFlag(args, name);
        const duration = str(args, 'duration');
        const startText = str(args, 'start');
        const start = startText === undefined ? undefined : Date.parse(startText);
        if (start !== undefined && Number.isNaN(start))
          throw new UsageError(`--start must be an ISO 8601 time, not "${startText}"`);
        const durationMs = duration === undefined ? undefined : parseDuration(duration);
        if (durationMs === null)
          throw new UsageError(`--duration must be like 30s, 5m, 2h, not "${duration}"`);
        const params = {
          datasetId: ds.id,
          scenario: str(args, 'scenario', true),
          entity: str(args, 'entity'),
          intensity: num('intensity'),
          durationMinutes: durationMs === undefined ? undefined : durationMs / 60_000,
          start,
          factor: num('factor'),
          seed: num('seed'),
        };
        const r = unwrap(
          await host.handle('scenario.inject', JSON.parse(JSON.stringify(params))),
        ) as InjectionInfo;
        const b = r.business;
        print(
          json,
          { injected: r.events, ...r },
          `${r.scenario}: injected ${r.events} events into ${ds.name}${r.entity ? ` for ${r.entity}` : ''} (injection ${r.injectionId})\n` +
            `  risk ${b.risk}, est. cost $${b.cost.toLocaleString('en-US')}, SLA ${b.slaMinutes} min: ${b.action} → ${b.escalation.join(' → ')}`,
        );
      });
      return 0;
    }
    case 'train': {
      checkFlags(args, [
        'case',
        'dataset',
        'model',
        'label',
        'trees',
        'max-depth',
        'eta',
        'seed',
        'alerts-per-day',
        'out',
        'json',
      ]);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const num = (name: string) => numberFlag(args, name);
        // The same validation as every shell's request (ranges of trees, depth, eta, …).
        const q = unwrap(
          parseRequest(
            'model.train',
            JSON.parse(
              JSON.stringify({
                datasetId: ds.id,
                model: str(args, 'model') ?? 'gbdt',
                label: str(args, 'label'),
                trees: num('trees'),
                maxDepth: num('max-depth'),
                eta: num('eta'),
                seed: num('seed'),
                alertsPerDay: num('alerts-per-day'),
              }),
            ),
          ),
        );
        const out = str(args, 'out');
        const params = JSON.parse(
          JSON.stringify({ trees: q.trees, maxDepth: q.maxDepth, eta: q.eta, seed: q.seed }),
        ) as Record<string, number>;
        const started = unwrap(
          host.startTrain({
            datasetId: ds.id,
            model: q.model,
            label: q.label,
            params,
            policy: q.alertsPerDay ? { kind: 'budget', perDay: q.alertsPerDay } : { kind: 'best_f1' },
            out: out ? path.resolve(out) : undefined,
          }),
        );
        const r = unwrap(await started.done);
        const m = r.test;
        const metrics = m
          ? {
              rocAuc: m.rocAuc,
              prAuc: m.prAuc,
              precision: m.precision,
              recall: m.recall,
              f1: m.f1,
              threshold: m.threshold,
              confusion: m.confusion,
            }
          : null;
        print(
          json,
          {
            model: r.model.name,
            modelId: r.model.id,
            kind: r.model.kind,
            seconds: r.seconds,
            metrics,
            features: r.model.featureNames.length,
          },
          `${r.model.name} (model ${r.model.id}) trained in ${r.seconds.toFixed(2)} s` +
            (m
              ? `; on the latest 20% by time: ROC AUC ${m.rocAuc?.toFixed(4)}, PR AUC ${m.prAuc?.toFixed(4)}, precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}, F1 ${m.f1.toFixed(3)}`
              : ''),
        );
      });
      return 0;
    }
    case 'score': {
      checkFlags(args, ['case', 'dataset', 'model', 'json']);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const model = str(args, 'model');
        const req =
          model === undefined
            ? {}
            : /^\d+$/.test(model)
              ? { modelId: Number(model) }
              : { modelFile: path.resolve(model) };
        const started = unwrap(host.startScore({ datasetId: ds.id, ...req }));
        const r = unwrap(await started.done);
        print(
          json,
          r,
          `${ds.name}: ${r.rows.toLocaleString('en-US')} events scored with model ${r.modelId}, ${r.anomalies.toLocaleString('en-US')} at or above ${r.threshold.toFixed(4)}, in ${r.seconds.toFixed(2)} s`,
        );
      });
      return 0;
    }
    case 'uninject': {
      checkFlags(args, ['case', 'injection', 'json']);
      await onCase(args, json, async (host) => {
        const id = Number(str(args, 'injection', true));
        if (!Number.isInteger(id) || id < 1) throw new UsageError('--injection must be an injection id');
        const r = unwrap(await host.removeInjection(id));
        print(json, r, `removed ${r.removed} injected events`);
      });
      return 0;
    }
    case 'features': {
      checkFlags(args, ['case', 'dataset', 'force', 'json']);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const started = unwrap(host.startFeatures(ds.id, args.flags.get('force') === true));
        const r = unwrap(await started.done);
        print(
          json,
          r,
          `${ds.name}: ${r.features.length} features for ${r.written.toLocaleString('en-US')} of ${r.rows.toLocaleString('en-US')} events (${r.mode}: ${r.reason}) in ${r.seconds.toFixed(2)} s`,
        );
      });
      return 0;
    }
    case 'feed': {
      checkFlags(args, ['case', 'dataset', 'view', 'limit', 'offset', 'json']);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const q = unwrap(
          parseRequest('feed.page', {
            datasetId: ds.id,
            view: str(args, 'view') ?? 'open',
            offset: numberFlag(args, 'offset') ?? 0,
            limit: numberFlag(args, 'limit') ?? 20,
          }),
        );
        const page = unwrap(await host.handle('feed.page', q)) as FeedPage;
        const lines = page.items.map(
          (i) =>
            `${String(i.rank).padStart(6)}  ${i.score.toFixed(2).padStart(6)}  event ${i.eventId}  ${i.entity ?? ''}  ${i.amount ?? ''}${i.scenario ? `  [${i.scenario}]` : ''}${i.verdict ? `  (${i.verdict})` : ''}`,
        );
        print(
          json,
          page,
          `${ds.name}: ${page.total.toLocaleString('en-US')} ${page.view} (ranked by ${page.models.map((m) => `${m.kind} #${m.id}`).join(' + ') || 'no model'})\n${lines.join('\n')}`,
        );
      });
      return 0;
    }
    case 'explain': {
      checkFlags(args, ['case', 'dataset', 'event', 'json']);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const eventId = numberFlag(args, 'event');
        if (eventId === undefined) throw new UsageError('--event is required');
        const q = unwrap(parseRequest('feed.explain', { datasetId: ds.id, eventId }));
        const ex = unwrap(await host.handle('feed.explain', q)) as Explanation;
        print(
          json,
          ex,
          `event ${ex.eventId}: score ${ex.score.toFixed(2)}/100, ${ex.severity}\n${ex.summary}`,
        );
      });
      return 0;
    }
    case 'label': {
      checkFlags(args, ['case', 'dataset', 'event', 'verdict', 'json']);
      await onCase(args, json, async (host, info) => {
        const ds = findDataset(info, str(args, 'dataset', true));
        const verdict = str(args, 'verdict', true);
        const q = unwrap(
          parseRequest('feed.verdict', {
            datasetId: ds.id,
            eventId: numberFlag(args, 'event'),
            verdict: verdict === 'none' ? null : verdict,
          }),
        );
        const r = unwrap(await host.handle('feed.verdict', q));
        print(json, r, `event ${q.eventId}: ${q.verdict ?? 'verdict cleared'}`);
      });
      return 0;
    }
    case 'serve': {
      checkFlags(args, ['case', 'port', 'demo', 'json']);
      const casePath = path.resolve(str(args, 'case', true));
      const portArg = str(args, 'port');
      const port = portArg === undefined ? 0 : Number(portArg);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be a port number, not "${portArg}"`);
      const uploads = new UploadStore();
      const host = new EngineHost({
        shell: 'serve',
        resolveUpload: uploads.get,
        releaseUpload: (id) => uploads.drop(id),
      });
      let demo: Promise<unknown> | null = null;
      const wantsDemo = args.flags.get('demo') === true;
      if (wantsDemo && host.demoStatus(casePath) === 'stale') {
        const moved = host.retireDemo(casePath);
        process.stderr.write(
          `sentinel: the demo case was built by an older version: kept as ${moved}, building it again\n`,
        );
      }
      if (existsSync(casePath)) unwrap(await host.openCase(casePath));
      else if (wantsDemo) {
        const started = await host.createDemo(casePath);
        if ('error' in started) throw new CliFailure(started.error);
        demo = started.done;
      } else unwrap(await host.openCase(casePath));
      const rendererDir = path.join(__dirname, '..', 'renderer');
      const server = await startServer(host, uploads, { port, rendererDir });
      print(json, { url: server.url }, `SentinelRisk is serving ${path.basename(casePath)} at ${server.url}`);
      const stop = async () => {
        await server.close();
        await host.close();
        uploads.clear();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
      if (demo) {
        const r = (await demo) as Result<CaseInfo>;
        if (!r.ok) process.stderr.write(`sentinel: demo case: ${formatError(r.error)}\n`);
      }
      return new Promise<number>(() => undefined); // serve until stopped
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default: {
      const code = await runRulesCommand(command, args, json, { unwrap, print, onCase, findDataset }, rest);
      if (code !== null) return code;
      throw new UsageError(`unknown command "${command}"`);
    }
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof CliFailure) process.stderr.write(`sentinel: ${formatError(e.error)}\n`);
    else if (e instanceof UsageError) process.stderr.write(`sentinel: ${e.message}\n${USAGE}\n`);
    else process.stderr.write(`sentinel: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
