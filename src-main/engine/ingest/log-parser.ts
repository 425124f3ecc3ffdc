// Server logs in syslog's shape (`Dec 10 06:55:46 host program[pid]: message`, or an ISO 8601
// time in front): each line becomes one row of fixed columns. OpenSSH and PAM sign-in lines
// also become login events (user, address, success or failure), so the brute-force and
// sign-in rules and the models work on a server's own log; every other line keeps its time,
// host, program and message. A line of another shape is refused, naming it.
import { fail } from '../../../src-shared/result';
import { LineReader } from './lines';

/** The columns of a server log's dataset. `result` is success/failure on sign-in lines only. */
export const LOG_COLUMNS = ['ts', 'host', 'program', 'pid', 'event', 'user', 'ip', 'result', 'message'];

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
// time, host, program (up to its pid in brackets, or to the colon: "sshd(pam_unix)[123]",
// "syslogd 1.4.1"), message
const LINE = new RegExp(
  `^(${MONTH} {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2}|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?) +(\\S+) +([^:[]+?)(?:\\[(\\d+)\\])?: ?(.*)$`,
);

/** Does this line look like a syslog line (the format's detection)? */
export const isSyslogLine = (line: string): boolean => LINE.test(line.replace(/\r$/, ''));

type Row = (string | null)[];
type Login = { event: string; user: string | null; ip: string | null; result: 'success' | 'failure' | null };

// The user is what the client typed (it may hold spaces, even " from "): the address is the
// last "from ADDRESS" of the line, anchored to the end.
const SSHD: [RegExp, (m: RegExpExecArray) => Login][] = [
  [
    /^Failed (?:password|publickey|none|keyboard-interactive\/pam) for (?:invalid user )?(.*) from (\S+) port \d+(?: ssh\d?)?$/,
    (m) => ({ event: 'failed_password', user: m[1] || '(empty)', ip: m[2], result: 'failure' }),
  ],
  [
    /^Accepted (?:password|publickey|keyboard-interactive\/pam|gssapi-with-mic) for (.*) from (\S+) port \d+(?: ssh\d?)?(?:: .*)?$/,
    (m) => ({ event: 'accepted', user: m[1], ip: m[2], result: 'success' }),
  ],
  [
    // the connection named a user who does not exist; its password attempts follow as
    // "Failed password for invalid user …", which are the failures counted
    /^[Ii]nvalid user ?(.*) from (\S+)(?: port \d+)?$/,
    (m) => ({ event: 'invalid_user', user: m[1] || '(empty)', ip: m[2], result: null }),
  ],
  [
    /^(?:Connection closed|Disconnected|Received disconnect) (?:by|from) (?:(?:invalid |authenticating )?user (.*) )?(\S+?)(?: port \d+)?(?::.*| \[preauth\])?$/,
    (m) => ({ event: 'disconnect', user: m[1] ?? null, ip: m[2], result: null }),
  ],
];

/**
 * PAM's "authentication failure; … rhost=HOST user=NAME". Old sshd (program "sshd(pam_unix)")
 * logs nothing else for a failed password, so it is the sign-in failure; OpenSSH with PAM
 * ("pam_unix(sshd:auth): …") logs its own "Failed password" line right after, which is the one
 * counted (a failure is never counted twice).
 */
function pamFailure(program: string, message: string): Login | null {
  const m = /authentication failure;.*?\brhost=(\S*)(?:\s+user=(\S+))?/.exec(message);
  if (!m) return null;
  const counted = program.includes('(pam_unix)') && m[1] !== '';
  return {
    event: 'auth_failure',
    user: m[2] ?? '(unknown)',
    ip: m[1] || null,
    result: counted ? 'failure' : null,
  };
}

function loginOf(program: string, message: string): Login | null {
  const pam = pamFailure(program, message);
  if (pam) return pam;
  if (program.startsWith('sshd')) {
    if (/check pass; user unknown/.test(message))
      return { event: 'user_unknown', user: null, ip: null, result: null };
    for (const [re, make] of SSHD) {
      const m = re.exec(message);
      if (m) return make(m);
    }
  }
  const session = /session (opened|closed) for user (\S+)/.exec(message);
  return session ? { event: `session_${session[1]}`, user: session[2], ip: null, result: null } : null;
}

export class LogParser {
  private readonly lines: LineReader;

  constructor(
    private readonly file: string,
    private readonly sink: (values: Row, line: number) => void,
  ) {
    this.lines = new LineReader(file, (text, line) => this.one(text, line));
  }

  push(text: string): void {
    this.lines.push(text);
  }

  end(): void {
    this.lines.end();
  }

  private one(raw: string, line: number): void {
    const text = raw.replace(/\r$/, '');
    if (text.trim() === '') return;
    const m = LINE.exec(text);
    if (!m) {
      const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
      return fail(
        'MALFORMED_INPUT',
        `not a syslog line (expected "Mon DD HH:MM:SS host program[pid]: message"): ${JSON.stringify(shown)}`,
        { file: this.file, line },
      );
    }
    const [, ts, host, program, pid, message] = m;
    // rsyslog folds repeats: "message repeated 3 times: [ Failed password for … ]"
    const repeated = /^message repeated (\d+) times: \[ ?(.*?) ?\]$/.exec(message);
    const inner = repeated ? repeated[2] : message;
    // a few repeats are unfolded into rows; a line claiming more is kept with at most 100
    const times = repeated ? Math.min(Number(repeated[1]), 100) : 1;
    const login = loginOf(program, inner);
    const row: Row = [
      ts,
      host,
      program,
      pid ?? null,
      login?.event ?? null,
      login?.user ?? null,
      login?.ip ?? null,
      login?.result ?? null,
      inner,
    ];
    for (let k = 0; k < times; k++) this.sink(row, line);
  }
}
