// Results cross every boundary (worker, IPC, WebSocket, CLI) as plain data, never class instances.

export type ErrorCode =
  | 'BAD_REQUEST' // a request failed schema validation or named something that does not exist
  | 'NO_CASE' // no case is open
  | 'NOT_A_CASE' // the file is not a SentinelRisk case (or not SQLite at all)
  | 'CASE_TOO_NEW' // the case was written by a newer version of the workstation
  | 'MALFORMED_INPUT' // a data file could not be parsed
  | 'CANCELLED' // the user cancelled a job
  | 'BUSY' // another job holds what this one needs
  | 'IO' // a file could not be read or written
  | 'FORBIDDEN' // a sender or token was refused
  | 'TIMEOUT' // a query ran past its time budget and was stopped
  | 'INTERNAL'; // a bug: the message says what happened

export interface AppError {
  code: ErrorCode;
  message: string;
  /** Where the problem is, when it is in a file. Lines are 1-based; column is a column name. */
  file?: string;
  line?: number;
  column?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(
  code: ErrorCode,
  message: string,
  where?: Pick<AppError, 'file' | 'line' | 'column'>,
): Result<T> => ({ ok: false, error: { code, message, ...where } });

/** An error carrying an AppError through `throw` inside one process; converted to data at the boundary. */
export class AppFailure extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message);
  }
}

export const fail = (
  code: ErrorCode,
  message: string,
  where?: Pick<AppError, 'file' | 'line' | 'column'>,
): never => {
  throw new AppFailure({ code, message, ...where });
};

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'BAD_REQUEST',
  'NO_CASE',
  'NOT_A_CASE',
  'CASE_TOO_NEW',
  'MALFORMED_INPUT',
  'CANCELLED',
  'BUSY',
  'IO',
  'FORBIDDEN',
  'TIMEOUT',
  'INTERNAL',
]);

/** SQLite's result codes (as better-sqlite3's SqliteError carries them) in a user's words. */
const SQLITE_CAUSES: [RegExp, ErrorCode, string][] = [
  [/^SQLITE_BUSY/, 'BUSY', 'the case is in use by another program: close it there, then try again'],
  [/^SQLITE_LOCKED/, 'BUSY', 'the case is busy with another task: try again when it is done'],
  [/^SQLITE_(CORRUPT|NOTADB)/, 'NOT_A_CASE', 'the case file is damaged'],
  [/^SQLITE_FULL/, 'IO', 'the disk is full'],
  [/^SQLITE_READONLY/, 'IO', 'the case file cannot be written (a read-only file or folder)'],
  [/^SQLITE_(IOERR|CANTOPEN|PERM)/, 'IO', 'the case file could not be read or written'],
  [/^SQLITE_INTERRUPT/, 'CANCELLED', 'the query was stopped'],
  [/^SQLITE_(NOMEM|TOOBIG)/, 'IO', 'the data is too large to handle'],
];

/**
 * Turns anything thrown into plain AppError data that survives any boundary (a worker's
 * structured clone, JSON): only the AppError fields are copied. SQLite's errors (`SQLITE_BUSY`)
 * are said in words with their message and code kept; any other code not ours (Node's `ENOENT`)
 * keeps its message under INTERNAL.
 */
export function toAppError(e: unknown): AppError {
  const source = e instanceof AppFailure ? e.appError : e;
  if (isAppError(source) && ERROR_CODES.has(source.code)) {
    const out: AppError = { code: source.code, message: String(source.message) };
    if (typeof source.file === 'string') out.file = source.file;
    if (typeof source.line === 'number') out.line = source.line;
    if (typeof source.column === 'string') out.column = source.column;
    return out;
  }
  const message =
    source instanceof Error ? source.message : isAppError(source) ? source.message : String(source);
  const code = (source as { code?: unknown } | null)?.code;
  const cause = typeof code === 'string' ? SQLITE_CAUSES.find(([re]) => re.test(code)) : undefined;
  if (cause) return { code: cause[1], message: `${cause[2]} (${message || 'no detail'}; ${String(code)})` };
  return {
    code: 'INTERNAL',
    message: typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message,
  };
}

export function isAppError(v: unknown): v is AppError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AppError).code === 'string' &&
    typeof (v as AppError).message === 'string'
  );
}

/** One line for humans: "file:line, column "x": message". */
export function formatError(e: AppError): string {
  const where: string[] = [];
  if (e.file) where.push(e.line ? `${e.file}:${e.line}` : e.file);
  else if (e.line) where.push(`line ${e.line}`);
  if (e.column) where.push(`column "${e.column}"`);
  return where.length ? `${where.join(', ')}: ${e.message}` : e.message;
}
