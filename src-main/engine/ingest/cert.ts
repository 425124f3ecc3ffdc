// The CERT insider-threat data set (r4.2 layout), a folder at once: logon.csv, device.csv,
// file.csv, email.csv and http.csv (each `id,date,user,pc,…`, dates as MM/DD/YYYY HH:MM:SS),
// optionally LDAP/*.csv (a role per user) and an answers file (insiders.csv: user, start, end).
// Insider threats show in behaviour over days, not in one event, so the folder becomes one row
// per user and day: after-hours logons, logons to PCs new to the user, removable devices, file
// copies to them, e-mail out of the organisation and its attachments, visits to job-search and
// leak sites; with roles, each also against the user's peer group's history before that day.
// The rows are written as a CSV that the ordinary import reads (day = time, user = entity,
// insider = label when the answers are there), so detectors and explanations work unchanged.
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../../../src-shared/result';
import { csvCell, eachLine, LineWriter, splitCsvLine } from './csv-lines';
import { LineReader } from './lines';

/** The files of a CERT folder (absolute paths); logon.csv at least. */
export interface CertFolder {
  folder: string;
  logon: string;
  device: string | null;
  file: string | null;
  email: string | null;
  http: string | null;
  /** LDAP snapshots (one a month in r4.2), oldest first: a user's latest role wins. */
  ldap: string[];
  answers: string | null;
}

const fileIn = (dir: string, name: string): string | null => {
  if (!existsSync(dir)) return null;
  const found = readdirSync(dir).find((f) => f.toLowerCase() === name);
  return found && statSync(path.join(dir, found)).isFile() ? path.join(dir, found) : null;
};

/** The CERT files in a folder, or null when it is not one (no logon.csv). */
export function certFolder(dir: string): CertFolder | null {
  const logon = fileIn(dir, 'logon.csv');
  if (!logon) return null;
  const ldapDir = readdirSync(dir).find((f) => f.toLowerCase() === 'ldap');
  const ldap = ldapDir
    ? readdirSync(path.join(dir, ldapDir))
        .filter((f) => f.toLowerCase().endsWith('.csv'))
        .sort()
        .map((f) => path.join(dir, ldapDir, f))
    : [fileIn(dir, 'ldap.csv')].filter((f): f is string => !!f);
  const answersDir = readdirSync(dir).find((f) => f.toLowerCase() === 'answers');
  return {
    folder: dir,
    logon,
    device: fileIn(dir, 'device.csv'),
    file: fileIn(dir, 'file.csv'),
    email: fileIn(dir, 'email.csv'),
    http: fileIn(dir, 'http.csv'),
    ldap,
    answers:
      fileIn(dir, 'insiders.csv') ?? (answersDir ? fileIn(path.join(dir, answersDir), 'insiders.csv') : null),
  };
}

/** Hosts of job-search sites and of sites documents leak to (matched in the URL's host). */
const JOB_SITES =
  /(^|\.)(monster|indeed|careerbuilder|simplyhired|linkedin|glassdoor|hotjobs|jobhuntersbible|craigslist|hiring|job|jobs|career|careers|recruit\w*)\./i;
const LEAK_SITES = /(^|\.)(wikileaks|leak\w*|pastebin|dropbox|mediafire|4shared|rapidshare)\./i;

/** Working hours: 07:00 to 19:00 on weekdays. */
const afterHours = (t: Stamp) => t.hour < 7 || t.hour >= 19 || t.weekday === 0 || t.weekday === 6;

interface Stamp {
  day: string;
  hour: number;
  weekday: number;
  ms: number;
}

/** MM/DD/YYYY HH:MM:SS (the data's own clock, read as UTC). */
function stamp(text: string, file: string, line: number): Stamp {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  const ms = m ? Date.UTC(+m[3], +m[1] - 1, +m[2], +m[4], +m[5], +m[6]) : NaN;
  const back = new Date(ms);
  if (
    !m ||
    Number.isNaN(ms) ||
    back.getUTCDate() !== +m[2] ||
    back.getUTCMonth() + 1 !== +m[1] ||
    +m[4] > 23 ||
    +m[5] > 59 ||
    +m[6] > 59
  )
    fail('MALFORMED_INPUT', `the date "${text.slice(0, 40)}" is not MM/DD/YYYY HH:MM:SS as CERT writes it`, {
      file,
      line,
      column: 'date',
    });
  const d = new Date(ms);
  return { day: `${m![3]}-${m![1]}-${m![2]}`, hour: d.getUTCHours(), weekday: d.getUTCDay(), ms };
}

/** The counts kept per user and day, in the order of the output's columns. */
export const CERT_COUNTS = [
  'logons',
  'after_hours_logons',
  'new_pc_logons',
  'device_connects',
  'after_hours_devices',
  'file_copies',
  'emails',
  'external_emails',
  'attachments',
  'attachment_bytes',
  'web_visits',
  'jobsearch_visits',
  'leak_visits',
] as const;
type Count = (typeof CERT_COUNTS)[number];
const INDEX = Object.fromEntries(CERT_COUNTS.map((c, i) => [c, i])) as Record<Count, number>;

/** Counts compared with the user's peer group (role) when roles are known. */
const PEER_COUNTS: Count[] = [
  'after_hours_logons',
  'new_pc_logons',
  'device_connects',
  'file_copies',
  'external_emails',
  'attachment_bytes',
  'jobsearch_visits',
  'leak_visits',
];

export interface CertProgress {
  (phase: string, lines: number): void;
}

export interface CertSummary {
  users: number;
  days: number;
  rows: number;
  /** Lines read per file (by file name). */
  lines: Record<string, number>;
  roles: boolean;
  insiders: number;
  columns: string[];
}

/** Streams a file's lines after its header, checking the header names the columns used. */
async function eachRow(
  file: string,
  need: string[],
  onRow: (get: (name: string) => string, line: number) => void,
  cancelled: () => boolean,
  progress: CertProgress,
): Promise<number> {
  const name = path.basename(file);
  let header: string[] | null = null;
  let at: number[] = [];
  let width = 0;
  let lines = 0;
  const index = new Map<string, number>();
  await eachLine(
    file,
    (text, line) => {
      if (!header) {
        header = splitCsvLine(text).map((h) => h.trim().toLowerCase());
        header.forEach((h, i) => index.set(h, i));
        const missing = need.filter((c) => !index.has(c));
        if (missing.length)
          fail(
            'MALFORMED_INPUT',
            `the header has no ${missing.map((c) => `"${c}"`).join(', ')} column (CERT's ${name} has ${need.join(', ')})`,
            { file: name, line },
          );
        at = need.map((c) => index.get(c)!);
        width = Math.max(...at) + 1;
        return;
      }
      const f = splitCsvLine(text, width);
      if (f.length < width)
        fail('MALFORMED_INPUT', `expected at least ${width} fields, found ${f.length} (a cut-off row?)`, {
          file: name,
          line,
        });
      lines++;
      onRow((c) => f[index.get(c)!] ?? '', line);
    },
    cancelled,
    progress,
    () => lines,
  );
  if (!header) fail('MALFORMED_INPUT', 'the file is empty', { file: name });
  return lines;
}

/** The organisation's mail domain: the most common sender domain among the first e-mails. */
async function homeDomain(file: string): Promise<string> {
  const counts = new Map<string, number>();
  let seen = 0;
  let fromAt = -1;
  const stream = createReadStream(file, { highWaterMark: 1 << 20, end: 4 << 20 });
  const reader = new LineReader(path.basename(file), (text) => {
    if (fromAt < 0) {
      fromAt = splitCsvLine(text).findIndex((h) => h.trim().toLowerCase() === 'from');
      return;
    }
    const from = splitCsvLine(text, fromAt + 1)[fromAt] ?? '';
    const d = from.slice(from.lastIndexOf('@') + 1).toLowerCase();
    if (d) counts.set(d, (counts.get(d) ?? 0) + 1);
    seen++;
  });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    reader.push(chunk.toString('utf8'));
    if (seen > 20_000) break;
  }
  stream.destroy();
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/**
 * Reads a CERT folder into one row per user and day and writes them as CSV to `out`
 * (day, user, [role,] the counts, [their peer-group scores,] [insider]), oldest day first.
 */
export async function certUserDays(
  c: CertFolder,
  out: string,
  cancelled: () => boolean,
  progress: CertProgress,
): Promise<CertSummary> {
  const days = new Map<string, Float64Array>(); // `${day}\t${user}` → counts
  const lines: Record<string, number> = {};
  const counts = (s: Stamp, user: string) => {
    const key = `${s.day}\t${user}`;
    let v = days.get(key);
    if (!v) days.set(key, (v = new Float64Array(CERT_COUNTS.length)));
    return v;
  };
  const pcsOf = new Map<string, Set<string>>();
  lines[path.basename(c.logon)] = await eachRow(
    c.logon,
    ['date', 'user', 'pc', 'activity'],
    (get, line) => {
      if (get('activity').trim().toLowerCase() !== 'logon') return;
      const s = stamp(get('date'), path.basename(c.logon), line);
      const user = get('user');
      const v = counts(s, user);
      v[INDEX.logons]++;
      if (afterHours(s)) v[INDEX.after_hours_logons]++;
      let pcs = pcsOf.get(user);
      if (!pcs) pcsOf.set(user, (pcs = new Set()));
      const pc = get('pc');
      // a user's first logons are all to PCs "new" to the data: only after the first day counts
      if (!pcs.has(pc)) {
        if (pcs.size > 0) v[INDEX.new_pc_logons]++;
        pcs.add(pc);
      }
    },
    cancelled,
    progress,
  );
  if (c.device)
    lines[path.basename(c.device)] = await eachRow(
      c.device,
      ['date', 'user', 'activity'],
      (get, line) => {
        if (get('activity').trim().toLowerCase() !== 'connect') return;
        const s = stamp(get('date'), path.basename(c.device!), line);
        const v = counts(s, get('user'));
        v[INDEX.device_connects]++;
        if (afterHours(s)) v[INDEX.after_hours_devices]++;
      },
      cancelled,
      progress,
    );
  if (c.file) {
    // r4.2 lists copies to removable media only; later releases say so per row
    const name = path.basename(c.file);
    lines[name] = await eachRow(
      c.file,
      ['date', 'user'],
      (get, line) => {
        const to = get('to_removable_media').trim().toLowerCase();
        if (to && to !== 'true') return;
        counts(stamp(get('date'), name, line), get('user'))[INDEX.file_copies]++;
      },
      cancelled,
      progress,
    );
  }
  if (c.email) {
    const name = path.basename(c.email);
    const home = await homeDomain(c.email);
    lines[name] = await eachRow(
      c.email,
      ['date', 'user', 'to', 'cc', 'bcc', 'size', 'attachments'],
      (get, line) => {
        const v = counts(stamp(get('date'), name, line), get('user'));
        v[INDEX.emails]++;
        const to = `${get('to')};${get('cc')};${get('bcc')}`.split(';').filter((a) => a.includes('@'));
        if (to.some((a) => a.slice(a.lastIndexOf('@') + 1).toLowerCase() !== home))
          v[INDEX.external_emails]++;
        const attachments = Number(get('attachments')) || 0;
        if (attachments > 0) {
          v[INDEX.attachments] += attachments;
          v[INDEX.attachment_bytes] += Number(get('size')) || 0;
        }
      },
      cancelled,
      progress,
    );
  }
  if (c.http) {
    const name = path.basename(c.http);
    lines[name] = await eachRow(
      c.http,
      ['date', 'user', 'url'],
      (get, line) => {
        const v = counts(stamp(get('date'), name, line), get('user'));
        v[INDEX.web_visits]++;
        const url = get('url');
        const host = url.replace(/^[a-z]+:\/\//i, '').split('/')[0] + '.';
        if (JOB_SITES.test(host)) v[INDEX.jobsearch_visits]++;
        if (LEAK_SITES.test(host)) v[INDEX.leak_visits]++;
      },
      cancelled,
      progress,
    );
  }

  // roles from LDAP (the latest snapshot naming the user wins)
  const role = new Map<string, string>();
  for (const f of c.ldap)
    await eachRow(
      f,
      ['user_id', 'role'],
      (get) => void role.set(get('user_id'), get('role')),
      cancelled,
      progress,
    );
  // insiders: user, from day, to day. CERT's answers file covers every release: only this
  // folder's rows count (its release from the folder's name, r4.2 → 4.2), when that is known.
  const insiders: { user: string; from: string; to: string }[] = [];
  const release = /(?:^|[^\d.])r?(\d+\.\d+)(?:[^\d.]|$)/i.exec(path.basename(c.folder))?.[1] ?? null;
  if (c.answers) {
    const name = path.basename(c.answers);
    await eachRow(
      c.answers,
      ['user', 'start', 'end'],
      (get, line) => {
        const dataset = get('dataset').trim();
        if (release && dataset && dataset !== release) return;
        const from = stamp(get('start'), name, line).day;
        const to = stamp(get('end'), name, line).day;
        insiders.push({ user: get('user'), from, to });
      },
      cancelled,
      progress,
    );
  }

  const keys = [...days.keys()].sort();
  const roles = role.size > 0;
  const columns = [
    'day',
    'user',
    ...(roles ? ['role'] : []),
    ...CERT_COUNTS,
    ...(roles ? PEER_COUNTS.map((k) => `${k}_vs_role`) : []),
    ...(c.answers ? ['insider'] : []),
  ];
  // Peer groups: per role and count, the sums over the days before the current one.
  const peer = new Map<string, { n: number; sum: Float64Array; sq: Float64Array }>();
  const writer = new LineWriter(out);
  writer.push(columns.join(','));
  let done = false;
  const users = new Set<string>();
  try {
    let i = 0;
    while (i < keys.length) {
      const day = keys[i].slice(0, keys[i].indexOf('\t'));
      let j = i;
      while (j < keys.length && keys[j].startsWith(`${day}\t`)) j++;
      const today: [string, Float64Array][] = [];
      for (let k = i; k < j; k++) {
        const user = keys[k].slice(day.length + 1);
        const v = days.get(keys[k])!;
        users.add(user);
        today.push([user, v]);
        const cells: (string | number)[] = [day, csvCell(user)];
        if (roles) cells.push(csvCell(role.get(user) ?? ''));
        for (const x of v) cells.push(x);
        if (roles) {
          const g = peer.get(role.get(user) ?? '');
          for (const name of PEER_COUNTS) {
            const x = v[INDEX[name]];
            if (!g || g.n < 2) cells.push('');
            else {
              const k2 = PEER_COUNTS.indexOf(name);
              const mean = g.sum[k2] / g.n;
              const sd = Math.sqrt(Math.max(0, g.sq[k2] / g.n - mean * mean));
              cells.push(Number(((x - mean) / (sd + 1)).toFixed(4)));
            }
          }
        }
        if (c.answers)
          cells.push(insiders.some((s) => s.user === user && s.from <= day && day <= s.to) ? 1 : 0);
        writer.push(cells.join(','));
      }
      // only now do today's rows join their peers' history (no look-ahead within the day)
      if (roles)
        for (const [user, v] of today) {
          const r = role.get(user) ?? '';
          let g = peer.get(r);
          if (!g)
            peer.set(
              r,
              (g = {
                n: 0,
                sum: new Float64Array(PEER_COUNTS.length),
                sq: new Float64Array(PEER_COUNTS.length),
              }),
            );
          g.n++;
          PEER_COUNTS.forEach((name, k) => {
            const x = v[INDEX[name]];
            g!.sum[k] += x;
            g!.sq[k] += x * x;
          });
        }
      if (cancelled()) fail('CANCELLED', 'import cancelled');
      i = j;
    }
    done = true;
  } finally {
    writer.close(done);
  }
  if (!keys.length)
    fail('MALFORMED_INPUT', 'no logons, devices, files, e-mails or web visits in the folder', {
      file: path.basename(c.folder),
    });
  const known = new Set(insiders.map((s) => s.user));
  return {
    users: users.size,
    days: new Set(keys.map((k) => k.slice(0, 10))).size,
    rows: keys.length,
    lines,
    roles,
    insiders: [...known].filter((u) => users.has(u)).length,
    columns,
  };
}
