// A small CERT insider-threat folder in the r4.2 layout, written exactly as CERT publishes it:
// logon, device, file, email and http CSVs (MM/DD/YYYY HH:MM:SS dates, CRLF line ends), an LDAP
// snapshot with roles, and the answers' insiders.csv naming one insider and the attack's span.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const pad = (n: number) => String(n).padStart(2, '0');
/** MM/DD/YYYY HH:MM:SS, as CERT writes its dates. */
const cert = (day: number, h: number, m: number) => {
  const d = new Date(Date.UTC(2010, 0, 4 + day, h, m, (day * 7 + h + m) % 60));
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

export const INSIDER = 'CSF0929';
const DAYS = 60;
export const ATTACK = [40, 47]; // the insider's days (inclusive)

/** A small CERT r4.2 folder: 24 users (3 IT administrators who log on at night), 60 days. */
export function certFolder(dir: string, opts: { badDeviceDate?: boolean; cutEmail?: boolean } = {}): string {
  const users = Array.from({ length: 24 }, (_, i) => (i === 5 ? INSIDER : `U${String(1000 + i * 37)}`));
  const admin = (u: string) => ['U1000', 'U1037', 'U1074'].includes(u);
  const logon = ['id,date,user,pc,activity'];
  const device = ['id,date,user,pc,activity'];
  const file = ['id,date,user,pc,filename,content'];
  const email = ['id,date,user,pc,to,cc,bcc,from,size,attachments,content'];
  const http = ['id,date,user,pc,url,content'];
  let id = 0;
  const next = () => `{${String(++id).padStart(6, '0')}}`;
  for (let day = 0; day < DAYS; day++) {
    const weekday = (day % 7) + 1 <= 5; // 2010-01-04 was a Monday
    users.forEach((u, k) => {
      const pc = `PC-${String(1000 + k * 11)}`;
      const attack = u === INSIDER && day >= ATTACK[0] && day <= ATTACK[1];
      if (weekday) {
        logon.push(`${next()},${cert(day, 8, k)},${u},${pc},Logon`);
        logon.push(`${next()},${cert(day, 17, k)},${u},${pc},Logoff`);
        for (let e = 0; e < 3; e++)
          email.push(
            `${next()},${cert(day, 9 + e, k)},${u},${pc},colleague${(k + e) % 24}@dtaa.com,,,${u.toLowerCase()}@dtaa.com,${20000 + ((k * 131 + e * 17 + day) % 9000)},0,meeting notes`,
          );
        if ((k + day) % 19 === 0)
          email.push(
            `${next()},${cert(day, 13, k)},${u},${pc},friend${k}@gmail.com,,,${u.toLowerCase()}@dtaa.com,31000,0,lunch`,
          );
        for (let v = 0; v < 8; v++)
          http.push(
            `${next()},${cert(day, 10 + (v % 6), (k + v * 7) % 60)},${u},${pc},http://news${v % 4}.com/story/${day}${v},words`,
          );
        if ((k * 3 + day) % 23 === 0) {
          device.push(`${next()},${cert(day, 11, k)},${u},${pc},Connect`);
          device.push(`${next()},${cert(day, 11, k + 5)},${u},${pc},Disconnect`);
          file.push(`${next()},${cert(day, 11, k + 2)},${u},${pc},R:\\\\docs\\\\report${day}.doc,words`);
        }
      }
      if (admin(u) && (weekday || day % 2 === 0)) {
        // administrators work at night, every night: normal for their role
        logon.push(`${next()},${cert(day, 22, k)},${u},PC-9${k},Logon`);
        logon.push(`${next()},${cert(day, 23, k)},${u},PC-9${k},Logoff`);
      }
      if (attack) {
        logon.push(`${next()},${cert(day, 23, 5)},${u},PC-6666,Logon`);
        device.push(`${next()},${cert(day, 23, 10)},${u},PC-6666,Connect`);
        for (let f = 0; f < 12; f++)
          file.push(
            `${next()},${cert(day, 23, 12 + f)},${u},PC-6666,R:\\\\secret\\\\plan${f}.pdf,confidential`,
          );
        device.push(`${next()},${cert(day, 23, 40)},${u},PC-6666,Disconnect`);
        http.push(`${next()},${cert(day, 23, 45)},${u},PC-6666,http://wikileaks.org/upload/${day},words`);
        http.push(`${next()},${cert(day, 23, 47)},${u},PC-6666,http://www.monster.com/jobs/${day},words`);
        email.push(
          `${next()},${cert(day, 23, 50)},${u},PC-6666,drop${day}@hotmail.com,,,${u.toLowerCase()}@dtaa.com,4500000,3,files`,
        );
        logon.push(`${next()},${cert(day, 23, 58)},${u},PC-6666,Logoff`);
      }
    });
  }
  if (opts.badDeviceDate) device.splice(4, 0, `${next()},2010-02-01 10:00:00,U1000,PC-1000,Connect`);
  const folder = path.join(dir, 'r4.2');
  mkdirSync(path.join(folder, 'LDAP'), { recursive: true });
  mkdirSync(path.join(folder, 'answers'), { recursive: true });
  const write = (name: string, lines: string[]) =>
    writeFileSync(path.join(folder, name), lines.join('\r\n') + '\r\n');
  write('logon.csv', logon);
  write('device.csv', device);
  write('file.csv', file);
  write('http.csv', http);
  if (opts.cutEmail)
    writeFileSync(
      path.join(folder, 'email.csv'),
      email.join('\n') + '\n' + '{999999},02/01/2010 10:00:00,U1000\n',
    );
  else write('email.csv', email);
  write('LDAP/2010-01.csv', [
    'employee_name,user_id,email,role,business_unit,functional_unit,department,team,supervisor',
    ...users.map(
      (u, k) =>
        `Person ${k},${u},${u.toLowerCase()}@dtaa.com,${admin(u) ? 'ITAdmin' : 'Salesman'},1,2 - Sales,3 - Field,4 - Team,Boss ${k % 3}`,
    ),
  ]);
  write('answers/insiders.csv', [
    'dataset,scenario,details,user,start,end',
    `4.2,1,r4.2-1-${INSIDER}.csv,${INSIDER},${cert(ATTACK[0], 23, 0)},${cert(ATTACK[1], 23, 59)}`,
    // the answers cover every release: another's insider, written another way, is not this one's
    `5.2,2,r5.2-2-U1000.csv,U1000,2010-02-01 10:00:00,2010-02-28 10:00:00`,
  ]);
  return folder;
}
