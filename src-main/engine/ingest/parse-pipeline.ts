// The parse side of an ingest: file → records → inferred schema → typed column batches.
// Runs in a parse worker; the DB worker writes what it sends. Memory is bounded by the
// sample, one chunk of text and a few batches in flight.
import type { ColumnInfo, DataFormat } from '../../../src-shared/domain';
import { AppFailure, fail, toAppError } from '../../../src-shared/result';
import type { CanonicalRole } from '../../../src-shared/domain';
import { CsvParser } from './csv-parser';
import {
  chooseTime,
  findDateAndClock,
  inferColumns,
  makeConverter,
  makeTimeConverter,
  applyTimeOptions,
  type TimeConverter,
  type TimeOptions,
  sqlNames,
  type Converter,
  type InferredColumn,
} from './infer';
import { JsonlParser } from './jsonl-parser';
import { LOG_COLUMNS, LogParser } from './log-parser';
import { readParquet } from './parquet-source';
import type { BatchColumn, ParseToDb } from './protocol';
import { isCancelled } from './protocol';
import { checkTable } from './not-a-table';
import { assignRoles } from './roles';
import { parseNumberAt, type Cursor } from './fast-number';
import { readTextChunks } from './text-source';

export const SAMPLE_ROWS = 10_000;
export const BATCH_ROWS = 8192;
/** SQLite's limit is 2000 columns a table, and ours has _id and _ts besides. */
const MAX_COLUMNS = 1998;

export interface ParseOptions {
  /** Appending to an existing dataset: its columns and time column replace inference. */
  append?: { columns: ColumnInfo[]; timeColumn: string | null };
  path: string;
  /** Name used in error messages. */
  file: string;
  format: DataFormat;
  timeColumn?: string;
  /** The time of day is in this column of its own, read with the dates of the time column. */
  clockColumn?: string;
  /** How to read the time column when its values do not say it (format, steps, syslog's year). */
  time?: TimeOptions;
  roles?: Partial<Record<CanonicalRole, string>>;
  /** Columns that play no role, whatever their names say. */
  noRoles?: string[];
  cancel: Int32Array;
}

export interface ParseOutput {
  send(msg: ParseToDb, transfer?: ArrayBuffer[]): void;
  /** Resolves when fewer than the allowed number of batches are in flight. */
  ready(): Promise<void>;
}

const EXTRA = '(extra fields)';

export async function runParse(opts: ParseOptions, out: ParseOutput): Promise<void> {
  try {
    await parse(opts, out);
  } catch (e) {
    const error = e instanceof AppFailure ? e.appError : toAppError(e);
    out.send({ type: 'fail', error });
  }
}

async function parse(opts: ParseOptions, out: ParseOutput): Promise<void> {
  const { file, format } = opts;
  let header: string[] | null = null;
  // Sampled records; unquoted CSV lines keep their text, to go through the fast path later.
  const sample: { values: unknown[]; line: number; text?: string }[] = [];
  const jsonKeys: Map<string, number> | null = format === 'jsonl' ? new Map() : null;
  let builder: BatchBuilder | null = null;
  let rows = 0;
  let bytes = 0;

  const csvRecord = (fields: string[], line: number, text?: string) => {
    if (header === null) {
      if (fields.length > MAX_COLUMNS)
        fail('MALFORMED_INPUT', `more than ${MAX_COLUMNS} columns`, { file, line });
      checkTable(fields.join(delimiter), null, file);
      header = fields.map((f, i) => f.trim() || `column_${i + 1}`);
      const names = header;
      csv!.columnName = (i) => names[i];
      return;
    }
    if (fields.length !== header.length) raggedRow(file, line, header, fields.length);
    record(fields, line, text);
  };
  const jsonRecord = (obj: Record<string, unknown>, line: number) => {
    if (builder === null) {
      sample.push({ values: [obj], line });
      for (const k of Object.keys(obj)) {
        if (!jsonKeys!.has(k)) {
          if (jsonKeys!.size >= MAX_COLUMNS)
            fail('MALFORMED_INPUT', `more than ${MAX_COLUMNS} fields`, { file, line });
          jsonKeys!.set(k, jsonKeys!.size);
        }
      }
      if (sample.length >= SAMPLE_ROWS) startBatches();
      return;
    }
    builder.addObject(obj, line);
  };
  const record = (values: unknown[], line: number, text?: string) => {
    if (builder === null) {
      sample.push({ values, line, text });
      if (sample.length >= SAMPLE_ROWS) startBatches();
      return;
    }
    builder.add(values, line);
  };

  const startBatches = () => {
    let names: string[];
    let rowsOf: (s: { values: unknown[] }) => unknown[];
    if (jsonKeys) {
      names = [...jsonKeys.keys()];
      rowsOf = (s) => {
        const o = s.values[0] as Record<string, unknown>;
        return names.map((k) => o[k]);
      };
    } else {
      if (header === null) fail('MALFORMED_INPUT', 'the file is empty (no header row)', { file });
      names = header!;
      rowsOf = (s) => s.values;
      if (names.length === 1 && !opts.append && csv)
        checkTable(
          names[0],
          sample.slice(0, 1000).map((s) => String(s.values[0] ?? '')),
          file,
        );
    }
    let inferred: InferredColumn[];
    let t: number;
    let columns: ColumnInfo[];
    if (opts.append) {
      ({ inferred, t, columns } = appendSchema(
        opts.append,
        names,
        sample.map(rowsOf),
        !!jsonKeys,
        file,
        opts.time,
      ));
      if (jsonKeys) names = inferred.slice(0, -1).map((c) => c.name);
    } else {
      if (opts.timeColumn && opts.roles?.time && opts.roles.time !== opts.timeColumn)
        fail('BAD_REQUEST', `two time columns given: "${opts.timeColumn}" and "${opts.roles.time}"`, {
          file,
        });
      const timeColumn = opts.timeColumn ?? opts.roles?.time;
      inferred = inferColumns(names, sample.map(rowsOf), timeColumn);
      const choice = chooseTime(
        inferred,
        { time: timeColumn, clock: opts.clockColumn, exclude: opts.noRoles },
        file,
        opts.time,
      );
      t = choice.t;
      const extraIndex = jsonKeys ? inferred.push({ name: EXTRA, type: 'TEXT', time: null }) - 1 : -1;
      const noRoles = [...(opts.noRoles ?? [])];
      if (choice.clock >= 0) noRoles.push(inferred[choice.clock].name);
      const roles = assignRoles(inferred, opts.roles ?? {}, t >= 0 ? inferred[t].name : null, file, noRoles);
      const sql = sqlNames(inferred.map((c) => c.name));
      columns = inferred.map((c, i) => ({
        name: c.name,
        sqlName: i === extraIndex ? '_extra' : sql[i],
        type: c.type,
        role: roles[i],
      }));
    }
    out.send({ type: 'schema', columns, timeColumn: t >= 0 ? inferred[t].name : null, format });
    builder = new BatchBuilder(inferred, t, file, jsonKeys ? names : null);
    const b = builder;
    for (const s of sample) {
      if (jsonKeys) b.addObject(s.values[0] as Record<string, unknown>, s.line);
      else if (s.text !== undefined) b.addLine(s.text, 0, s.text.length, s.line, delimiter);
      else b.add(s.values, s.line);
    }
    sample.length = 0;
    if (csv) csv.fastLine = (buf, start, end, line) => b.addLine(buf, start, end, line, delimiter);
  };

  const delimiter = format === 'tsv' ? '\t' : ',';
  // a server log: fixed columns, one row a line
  const log = format === 'syslog' ? new LogParser(file, (values, line) => record(values, line)) : null;
  if (log) header = [...LOG_COLUMNS];
  const csv =
    format === 'jsonl' || format === 'parquet' || log ? null : new CsvParser(delimiter, file, csvRecord);
  if (csv) {
    // While sampling, unquoted lines are split for inference and their text kept.
    csv.fastLine = (buf, start, end, line) => {
      const text = buf.slice(start, end);
      csvRecord(text.split(delimiter), line, text);
    };
  }
  const jsonl = format === 'jsonl' ? new JsonlParser(file, jsonRecord) : null;
  // For an undecodable-bytes error: the column a CSV record's text so far ends in.
  const columnAt = (before: string, firstLine: string) => {
    if (!csv) return undefined;
    const names = header ?? firstLine.replace(/\r$/, '').split(delimiter);
    return names[Math.min(names.length - 1, fieldIndexAt(before, delimiter))];
  };

  const flush = async (all: boolean) => {
    if (!builder) return;
    if (all) builder.seal();
    for (let b = builder.next(); b; b = builder.next()) {
      if (isCancelled(opts.cancel)) fail('CANCELLED', 'ingest cancelled');
      await out.ready();
      if (isCancelled(opts.cancel)) fail('CANCELLED', 'ingest cancelled');
      b.bytes = bytes;
      rows += b.rows;
      out.send(
        b,
        b.cols
          .filter((c): c is Float64Array => c instanceof Float64Array)
          .map((c) => c.buffer as ArrayBuffer)
          .concat(b.ts.buffer as ArrayBuffer),
      );
    }
  };

  if (format === 'parquet') {
    await readParquet(
      opts.path,
      file,
      (names) => {
        if (names.length > MAX_COLUMNS) fail('MALFORMED_INPUT', `more than ${MAX_COLUMNS} columns`, { file });
        header = names;
      },
      async (b) => {
        if (isCancelled(opts.cancel)) fail('CANCELLED', 'ingest cancelled');
        // a row's number stands for its line
        for (let k = 0; k < b.rows.length; k++) record(b.rows[k], b.first + k + 1);
        bytes = b.bytes;
        await flush(false);
      },
    );
    if (builder === null) startBatches();
    await flush(true);
    if (rows === 0) fail('MALFORMED_INPUT', 'the Parquet file has no rows', { file });
    out.send({ type: 'end', rows, bytes });
    return;
  }
  for await (const chunk of readTextChunks(opts.path, file, columnAt)) {
    if (isCancelled(opts.cancel)) fail('CANCELLED', 'ingest cancelled');
    bytes += chunk.bytes;
    (csv ?? jsonl ?? log)!.push(chunk.text);
    await flush(false);
  }
  (csv ?? jsonl ?? log)!.end();
  if (builder === null) startBatches();
  await flush(true);
  if (rows === 0)
    fail(
      'MALFORMED_INPUT',
      csv
        ? 'the file has a header but no rows'
        : log
          ? 'the file has no log lines'
          : 'the file has no records',
      { file },
    );
  out.send({ type: 'end', rows, bytes });
}

/**
 * The schema for rows appended to an existing dataset: its own columns and types. A CSV must
 * have the same header; JSON Lines keys are matched by name (missing ones are empty, unknown
 * ones go to the extras). The time column's kind is read from the sample, under the time options
 * given for this file (a format, steps from an origin, syslog's year).
 */
function appendSchema(
  target: { columns: ColumnInfo[]; timeColumn: string | null },
  names: string[],
  sampleRows: unknown[][],
  jsonl: boolean,
  file: string,
  time: TimeOptions = {},
): { inferred: InferredColumn[]; t: number; columns: ColumnInfo[] } {
  const own = target.columns.filter((c) => c.sqlName !== '_extra');
  if (jsonl !== own.length < target.columns.length) {
    fail(
      'BAD_REQUEST',
      `rows can be added only from a file of the dataset's own format (${jsonl ? 'CSV/TSV' : 'JSON Lines'})`,
      { file },
    );
  }
  if (!jsonl && (names.length !== own.length || names.some((n, i) => n !== own[i].name))) {
    fail(
      'MALFORMED_INPUT',
      `the header differs from the dataset's columns (${own.map((c) => c.name).join(', ')})`,
      { file, line: 1 },
    );
  }
  const t = target.timeColumn === null ? -1 : own.findIndex((c) => c.name === target.timeColumn);
  const inferred: InferredColumn[] = own.map((c) => ({ name: c.name, type: c.type, time: null }));
  if (t >= 0) {
    const at = jsonl ? names.indexOf(own[t].name) : t;
    const sampleTime =
      at >= 0
        ? inferColumns(
            [own[t].name],
            sampleRows.map((r) => [r[at]]),
            own[t].name,
          )[0].time
        : null;
    inferred[t].time = sampleTime ?? (own[t].type === 'TEXT' ? 'iso' : 'epoch_s');
    applyTimeOptions(inferred[t], time, file);
    // a dataset read from a date and a time-of-day column is appended to the same way
    if (!jsonl && own[t].type === 'TEXT') {
      const pair = findDateAndClock(inferColumns(names, sampleRows));
      if (pair && pair.date === t) inferred[t].clock = own[pair.clock].name;
    }
  }
  if (jsonl) inferred.push({ name: EXTRA, type: 'TEXT', time: null });
  return { inferred, t, columns: target.columns };
}

/** Index of the field that a record's text ends in, counting delimiters outside quotes. */
function fieldIndexAt(text: string, delimiter: string): number {
  const d = delimiter.charCodeAt(0);
  let index = 0;
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuote = !inQuote;
    else if (c === d && !inQuote) index++;
  }
  return index;
}

/** A row with too few or too many fields, naming the first missing column or the last one. */
export function raggedRow(file: string, line: number, header: string[], found: number): never {
  const n = header.length;
  const column = found < n ? header[found] : header[n - 1];
  const detail = found < n ? `no value for "${column}"` : `values past the last column "${column}"`;
  return fail('MALFORMED_INPUT', `expected ${n} fields, found ${found} (${detail})`, { file, line, column });
}

/**
 * End of the field starting at `pos` on the line ending at `end`. The last field is searched
 * only up to the line's end (an unbounded search would rescan the rest of the buffer on every
 * line of a one-column file); a stray delimiter in it is then seen as an extra field.
 */
function fieldEnd(
  buf: string,
  pos: number,
  end: number,
  d: number,
  delimiter: string,
  last: boolean,
): number {
  if (last) {
    for (let k = pos; k < end; k++) if (buf.charCodeAt(k) === d) return k;
    return end;
  }
  const j = buf.indexOf(delimiter, pos);
  return j < 0 || j > end ? end : j;
}

/** Accumulates converted rows column by column. */
class BatchBuilder {
  private n = 0;
  private ts!: Float64Array;
  private cols!: BatchColumn[];
  private readonly convert: Converter[];
  private readonly toTime: TimeConverter | null;
  /** The time-of-day column read with the time column's dates, or -1. */
  private readonly clockIndex: number;
  private readonly extraIndex: Map<string, number> | null;
  private readonly integer: boolean[];
  private readonly cursor: Cursor = { end: 0 };

  constructor(
    private readonly columns: InferredColumn[],
    private readonly timeIndex: number,
    private readonly file: string,
    jsonNames: string[] | null,
  ) {
    this.integer = columns.map((c) => c.type === 'INTEGER');
    this.convert = columns.map((c) => makeConverter(c, file));
    this.toTime = timeIndex >= 0 ? makeTimeConverter(columns[timeIndex], file) : null;
    const clock = timeIndex >= 0 ? columns[timeIndex].clock : undefined;
    this.clockIndex = clock === undefined ? -1 : columns.findIndex((c) => c.name === clock);
    this.extraIndex = jsonNames ? new Map(jsonNames.map((k, i) => [k, i])) : null;
    this.reset();
  }

  private reset(): void {
    this.n = 0;
    this.ts = new Float64Array(BATCH_ROWS);
    this.cols = this.columns.map((c) =>
      c.type === 'TEXT' ? new Array<string | null>(BATCH_ROWS) : new Float64Array(BATCH_ROWS),
    );
  }

  private readonly done: Extract<ParseToDb, { type: 'batch' }>[] = [];

  /** The oldest complete batch, if any. */
  next(): Extract<ParseToDb, { type: 'batch' }> | undefined {
    return this.done.shift();
  }

  /** Closes the partial batch at the end of the input. */
  seal(): void {
    if (this.n > 0) this.done.push(this.take());
  }

  /**
   * Fast path for an unquoted CSV line buf[start, end): numbers are parsed in place,
   * only text fields become strings. Same results and errors as add(line.split(delim)).
   */
  addLine(buf: string, start: number, end: number, line: number, delimiter: string): void {
    if (this.n === BATCH_ROWS) this.done.push(this.take());
    const d = delimiter.charCodeAt(0);
    const cursor = this.cursor;
    const i = this.n;
    const cols = this.cols;
    const nc = cols.length;
    let pos = start;
    let timeValue: unknown = null;
    let clockValue: unknown = null;
    for (let c = 0; c < nc; c++) {
      if (c > 0) {
        if (pos >= end || buf.charCodeAt(pos) !== d) this.ragged(buf, start, end, line, delimiter);
        pos++;
      }
      const col = cols[c];
      if (col instanceof Float64Array) {
        let v = parseNumberAt(buf, pos, end, d, cursor);
        if (v === undefined || (this.integer[c] && !Number.isSafeInteger(v) && v === v)) {
          const j = fieldEnd(buf, pos, end, d, delimiter, c === nc - 1);
          const r = this.convert[c](buf.slice(pos, j), line);
          v = r === null ? NaN : (r as number);
          cursor.end = j;
        }
        col[i] = v;
        if (c === this.timeIndex) timeValue = v !== v ? null : v;
        pos = cursor.end;
      } else {
        const j = fieldEnd(buf, pos, end, d, delimiter, c === nc - 1);
        const s = j > pos ? buf.slice(pos, j) : null;
        col[i] = s;
        if (c === this.timeIndex) timeValue = s;
        else if (c === this.clockIndex) clockValue = s;
        pos = j;
      }
    }
    if (pos !== end) this.ragged(buf, start, end, line, delimiter);
    const t = this.toTime ? this.toTime(timeValue, line, clockValue) : null;
    this.ts[i] = t === null ? NaN : t;
    this.n++;
  }

  private ragged(buf: string, start: number, end: number, line: number, delimiter: string): never {
    const found = buf.slice(start, end).split(delimiter).length;
    return raggedRow(
      this.file,
      line,
      this.columns.map((c) => c.name),
      found,
    );
  }

  add(values: unknown[], line: number): void {
    if (this.n === BATCH_ROWS) this.done.push(this.take());
    const i = this.n;
    const cols = this.cols;
    const convert = this.convert;
    for (let c = 0; c < cols.length; c++) {
      const v = convert[c](values[c], line);
      const col = cols[c];
      if (col instanceof Float64Array) col[i] = v === null ? NaN : (v as number);
      else col[i] = v as string | null;
    }
    const t = this.toTime
      ? this.toTime(values[this.timeIndex], line, this.clockIndex >= 0 ? values[this.clockIndex] : undefined)
      : null;
    this.ts[i] = t === null ? NaN : t;
    this.n++;
  }

  addObject(obj: Record<string, unknown>, line: number): void {
    const keys = this.extraIndex!;
    const values = new Array<unknown>(this.columns.length);
    let extra: Record<string, unknown> | null = null; // null prototype: a "__proto__" key is data
    for (const k in obj) {
      const i = keys.get(k);
      if (i !== undefined) values[i] = obj[k];
      else (extra ??= Object.create(null) as Record<string, unknown>)[k] = obj[k];
    }
    values[this.columns.length - 1] = extra ? JSON.stringify(extra) : null;
    this.add(values, line);
  }

  private take(): Extract<ParseToDb, { type: 'batch' }> {
    const n = this.n;
    const trim = <T extends BatchColumn>(c: T): T =>
      c instanceof Float64Array
        ? (c.subarray(0, n).slice() as T)
        : ((c as (string | null)[]).slice(0, n) as T);
    const batch = {
      type: 'batch' as const,
      rows: n,
      bytes: 0,
      ts: n === BATCH_ROWS ? this.ts : this.ts.slice(0, n),
      cols: n === BATCH_ROWS ? this.cols : this.cols.map(trim),
    };
    this.reset();
    return batch;
  }
}
