// A look at a file before importing it: its first rows read as the import would read them
// (format, header, types, time, roles), with what the dialog needs to ask the rest (examples, an
// ambiguous date format, a label's values). Nothing is written.
import type { DataFormat } from '../../../src-shared/domain';
import type {
  ImportMapping,
  ImportPreview,
  PreviewColumn,
  RoleSource,
  SourceId,
} from '../../../src-shared/import';
import { PREVIEW_ROWS } from '../../../src-shared/import';
import { fail } from '../../../src-shared/result';
import { CsvParser } from './csv-parser';
import { chooseTime, inferColumns, normaliseIso, type TimeOptions } from './infer';
import { JsonlParser } from './jsonl-parser';
import { LOG_COLUMNS, LogParser } from './log-parser';
import { readParquet } from './parquet-source';
import { checkTable } from './not-a-table';
import { raggedRow } from './parse-pipeline';
import { assignRoles } from './roles';
import { readTextChunks } from './text-source';

export interface FileHead {
  names: string[];
  rows: unknown[][];
  /** Whether the rows are the whole file. */
  complete: boolean;
}

/** The header and first rows of a file, read as the import reads them (same errors). */
export async function readHead(
  path: string,
  file: string,
  format: DataFormat,
  maxRows = PREVIEW_ROWS,
): Promise<FileHead> {
  let names: string[] | null = null;
  const rows: unknown[][] = [];
  if (format === 'parquet') {
    let total = 0;
    await readParquet(
      path,
      file,
      (n, count) => {
        names = n;
        total = count;
      },
      (b) => {
        rows.push(...b.rows);
      },
      maxRows,
    );
    return { names: names!, rows, complete: rows.length >= total };
  }
  const objects: Record<string, unknown>[] = [];
  const keys = new Map<string, number>();
  const delimiter = format === 'tsv' ? '\t' : ',';
  const full = () => rows.length + objects.length >= maxRows;
  const log =
    format === 'syslog'
      ? new LogParser(file, (values) => {
          if (!full()) rows.push(values);
        })
      : null;
  if (log) names = [...LOG_COLUMNS];
  const csv =
    format === 'jsonl' || log
      ? null
      : new CsvParser(delimiter, file, (fields, line) => {
          if (names === null) {
            checkTable(fields.join(delimiter), null, file);
            names = fields.map((f, i) => f.trim() || `column_${i + 1}`);
            return;
          }
          if (full()) return;
          if (fields.length !== names.length) raggedRow(file, line, names, fields.length);
          rows.push(fields);
        });
  const jsonl =
    format === 'jsonl'
      ? new JsonlParser(file, (obj) => {
          if (full()) return;
          objects.push(obj);
          for (const k of Object.keys(obj)) if (!keys.has(k)) keys.set(k, keys.size);
        })
      : null;
  let complete = true;
  for await (const chunk of readTextChunks(path, file)) {
    (csv ?? jsonl ?? log)!.push(chunk.text);
    if (full()) {
      complete = false;
      break;
    }
  }
  if (complete) (csv ?? jsonl ?? log)!.end();
  if (jsonl) {
    names = [...keys.keys()];
    const order = names;
    for (const o of objects) rows.push(order.map((k) => o[k]));
  }
  if (names === null) return fail('MALFORMED_INPUT', 'the file is empty (no header row)', { file });
  if (csv && (names as string[]).length === 1)
    checkTable(
      (names as string[])[0],
      rows.map((r) => String(r[0] ?? '')),
      file,
    );
  return { names, rows, complete };
}

/** The time options of a mapping, as the parser takes them. */
export function timeOptionsOf(m: ImportMapping, file: string): TimeOptions {
  const origin = m.timeOrigin === undefined ? undefined : Date.parse(normaliseIso(m.timeOrigin));
  if (origin !== undefined && Number.isNaN(origin))
    fail('BAD_REQUEST', `timeOrigin: not a time: ${JSON.stringify(m.timeOrigin)}`, { file });
  return { format: m.timeFormat, unit: m.timeUnit, origin, year: m.timeYear };
}

const LABEL_NAME =
  /^(label|labels|class|target|y|fraud|is_?fraud|isfraud|anomaly|is_?anomaly|attack|is_?attack|malicious|verdict|outcome_label|.*_label)$/i;
const MAX_LABEL_VALUES = 20;
const EXAMPLES = 5;

const text = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));

/**
 * The preview of a file's head under a mapping (`given` merged over `remembered`): columns with
 * types, roles and examples, the time (or why it is ambiguous), a likely label and its values,
 * and the mapping the dialog starts from. A mapping naming a missing column is an error.
 */
export function previewHead(
  head: FileHead,
  opts: {
    file: string;
    format: DataFormat;
    layout: string;
    mapping: ImportMapping;
    given: ImportMapping;
    remembered: ImportMapping | null;
    /** A known public layout's name and mapping (used when the case remembers none). */
    source?: { id: SourceId; name: string; mapping: ImportMapping } | null;
  },
): ImportPreview {
  const { file, mapping, given, remembered } = opts;
  const known = opts.source ?? null;
  const { names, rows } = head;
  const timeAsked = mapping.timeColumn ?? mapping.roles?.time;
  const inferred = inferColumns(names, rows, timeAsked);
  const choice = chooseTime(
    inferred,
    { time: timeAsked, clock: mapping.clockColumn, exclude: mapping.noRoles },
    file,
    timeOptionsOf(mapping, file),
    true,
  );
  const timeName = choice.t >= 0 ? inferred[choice.t].name : null;
  const clockName = choice.clock >= 0 ? inferred[choice.clock].name : null;
  for (const c of mapping.noRoles ?? [])
    if (!names.includes(c))
      fail('BAD_REQUEST', `no column "${c}" (columns: ${names.join(', ')})`, { file, column: c });
  const noRoles = [...(mapping.noRoles ?? []), ...(clockName ? [clockName] : [])];
  const roles = assignRoles(inferred, mapping.roles ?? {}, timeName, file, noRoles);

  // Distinct values of each column among the rows read.
  const stats = names.map((_, c) => {
    const counts = new Map<string, number>();
    let nulls = 0;
    for (const r of rows) {
      const v = text(r[c]);
      if (v === '') nulls++;
      else counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    return { nulls, counts };
  });

  // A label: the column with the label role, else one named like a label with few values.
  let labelAt = roles.indexOf('label');
  if (labelAt < 0) {
    labelAt = inferred.findIndex(
      (c, i) =>
        roles[i] === null &&
        !noRoles.includes(c.name) &&
        LABEL_NAME.test(c.name) &&
        stats[i].counts.size >= 2 &&
        stats[i].counts.size <= MAX_LABEL_VALUES,
    );
    if (labelAt >= 0) roles[labelAt] = 'label';
  }

  const source = (i: number): RoleSource => {
    const role = roles[i];
    if (role === null) return null;
    const name = inferred[i].name;
    const named = (m: ImportMapping | null) =>
      !!m && (role === 'time' ? (m.timeColumn ?? m.roles?.time) === name : m.roles?.[role] === name);
    return named(given)
      ? 'given'
      : named(remembered)
        ? 'remembered'
        : named(known?.mapping ?? null)
          ? 'source'
          : 'detected';
  };
  const columns: PreviewColumn[] = inferred.map((c, i) => ({
    name: c.name,
    type: c.type,
    role: roles[i],
    roleSource: source(i),
    nulls: stats[i].nulls,
    distinct: stats[i].counts.size,
    examples: [...stats[i].counts.keys()].slice(0, EXAMPLES),
    time: c.time,
  }));

  let label: ImportPreview['label'] = null;
  if (labelAt >= 0) {
    const values = [...stats[labelAt].counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, MAX_LABEL_VALUES)
      .map(([value, count]) => ({ value, count }));
    const numeric =
      inferred[labelAt].type !== 'TEXT' && values.every((v) => v.value === '0' || v.value === '1');
    label = { column: names[labelAt], values, numeric, positive: mapping.positive ?? null };
  }

  const defaults: ImportMapping = { ...mapping };
  const roleMap: ImportMapping['roles'] = {};
  roles.forEach((r, i) => {
    if (r !== null && r !== 'time') roleMap[r] = names[i];
  });
  defaults.roles = roleMap;
  if (timeName) defaults.timeColumn = timeName;
  else delete defaults.timeColumn;
  if (clockName) defaults.clockColumn = clockName;
  else delete defaults.clockColumn;

  const t = choice.t >= 0 ? inferred[choice.t] : null;
  return {
    file,
    format: opts.format,
    rows: rows.length,
    complete: head.complete,
    layout: opts.layout,
    remembered,
    source: known?.name ?? null,
    sourceId: known?.id ?? null,
    columns,
    time: {
      column: timeName,
      clockColumn: clockName,
      kind: t?.time ?? null,
      ambiguous: choice.ambiguous ?? null,
    },
    label,
    mapping: defaults,
  };
}
