// `sentinel demo`, `ingest`, `info`: cases and the data in them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CANONICAL_ROLES, type CanonicalRole, type CaseInfo, type DataFormat } from '../../src-shared/domain';
import type { Params } from '../../src-shared/contract';
import { SOURCE_IDS, type SourceChoice } from '../../src-shared/import';
import { checkFlags, numberFlag, repeated, str, UsageError } from './args';
import { cliHost, findDataset, job, onCase, print, READ_ONLY, unwrap, type CommandGroup } from './shared';

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

export const caseCommands: CommandGroup = {
  usage: `  demo    --case FILE [--json]                       create the demo case
  ingest  FILE|CERT-FOLDER --case FILE [--dataset NAME] [--format csv|tsv|jsonl|syslog|parquet] [--time-column COL]
          [--clock-column COL] [--time-format iso|mdy|dmy|syslog|epoch_s|epoch_ms|epoch_us|epoch_ns]
          [--time-unit second|minute|hour|day [--time-origin ISO-TIME]] [--time-year YYYY]
          [--role ROLE=COLUMN ...] [--source auto|none|${SOURCE_IDS.join('|')}] [--json]
          roles: ${CANONICAL_ROLES.join(', ')}
          --source: a public layout is recognised from the header (auto); none reads the file
          by its column names only; a layout named is read as published even when the header
          differs (its columns must be there).
          --clock-column: the time of day (14:05:33) is in a column of its own, read with the
          dates of --time-column (found by name when a date and a time column exist). A mapping
          given here is remembered in the case for the file's header; the next file with the
          same header gets it by default (flags given then still win).
  info    --case FILE [--json]                       schema version and datasets
  columns --case FILE --dataset NAME|ID [--json]     a dataset's columns: type, role, empties, distinct values, examples`,
  commands: {
    async demo(args, json) {
      checkFlags(args, ['case', 'json']);
      const host = cliHost(json);
      try {
        await job(host, 'demo.create', { path: path.resolve(str(args, 'case', true)) });
        const info = unwrap(await host.call('case.info', {}));
        print(json, summary(info), infoText(info));
      } finally {
        await host.close();
      }
      return 0;
    },

    async ingest(args, json, argv) {
      checkFlags(args, [
        'case',
        'dataset',
        'format',
        'time-column',
        'clock-column',
        'time-format',
        'time-unit',
        'time-origin',
        'time-year',
        'role',
        'source',
        'json',
      ]);
      const source = str(args, 'source') as SourceChoice | undefined;
      const choices = ['auto', 'none', ...SOURCE_IDS];
      if (source !== undefined && !choices.includes(source))
        throw new UsageError(`--source must be one of ${choices.join(', ')}, not "${source}"`);
      const roles: Partial<Record<CanonicalRole, string>> = {};
      for (const given of repeated(argv, 'role')) {
        const eq = given.indexOf('=');
        const role = given.slice(0, eq) as CanonicalRole;
        if (eq < 1 || !CANONICAL_ROLES.includes(role) || eq === given.length - 1)
          throw new UsageError(
            `--role takes ROLE=COLUMN with a role among ${CANONICAL_ROLES.join(', ')}, not "${given}"`,
          );
        roles[role] = given.slice(eq + 1);
      }
      const file = args.positional[0];
      if (!file) throw new UsageError('ingest needs the data file to read');
      const casePath = path.resolve(str(args, 'case', true));
      const format = str(args, 'format') as DataFormat | undefined;
      if (format && !['csv', 'tsv', 'jsonl', 'syslog', 'parquet'].includes(format))
        throw new UsageError(`--format must be csv, tsv, jsonl, syslog or parquet, not "${format}"`);
      const host = cliHost(json);
      try {
        unwrap(await host.call(existsSync(casePath) ? 'case.open' : 'case.create', { path: casePath }));
        const r = await job(host, 'ingest.start', {
          path: path.resolve(file),
          name: str(args, 'dataset'),
          format,
          timeColumn: str(args, 'time-column'),
          clockColumn: str(args, 'clock-column'),
          timeFormat: str(args, 'time-format') as Params<'ingest.start'>['timeFormat'],
          timeUnit: str(args, 'time-unit') as Params<'ingest.start'>['timeUnit'],
          timeOrigin: str(args, 'time-origin'),
          timeYear: numberFlag(args, 'time-year'),
          roles: Object.keys(roles).length ? roles : undefined,
          source,
        });
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
    },

    async columns(args, json) {
      checkFlags(args, ['case', 'dataset', 'json']);
      await onCase(
        args,
        json,
        async (host, info) => {
          const ds = findDataset(info, str(args, 'dataset', true));
          const columns = unwrap(await host.call('dataset.columns', { datasetId: ds.id }));
          const width = Math.max(6, ...columns.map((c) => c.name.length));
          const lines = columns.map(
            (c) =>
              `  ${c.name.padEnd(width)}  ${c.type.padEnd(7)}  ${(c.role ?? '-').padEnd(8)}  ${String(c.nulls).padStart(6)} empty  ${String(c.distinct).padStart(6)} distinct  ${c.examples.map((v) => JSON.stringify(v)).join(', ')}`,
          );
          const sampled = columns[0]?.sampled ?? 0;
          print(
            json,
            columns,
            `${ds.name}: ${columns.length} columns (first ${sampled.toLocaleString('en-US')} rows)\n${lines.join('\n')}`,
          );
        },
        READ_ONLY,
      );
      return 0;
    },

    async info(args, json) {
      checkFlags(args, ['case', 'json']);
      await onCase(
        args,
        json,
        async (_host, info) => {
          print(json, summary(info), infoText(info));
        },
        READ_ONLY,
      );
      return 0;
    },
  },
};
