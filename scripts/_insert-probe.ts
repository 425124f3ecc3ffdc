import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
const N = 284807, C = 31;
const rows: number[][] = [];
for (let i = 0; i < N; i++) { const r = new Array(C + 1); for (let c = 0; c <= C; c++) r[c] = Math.round(Math.random() * 1e6) / 1e3; r[0] = i * 1000; rows.push(r); }
function run(label: string, setup: (db: Database.Database) => void, page = 65536) {
  const f = '/tmp/probe.db'; for (const x of [f, f + '-wal', f + '-shm']) rmSync(x, { force: true });
  const db = new Database(f); db.pragma(`page_size=${page}`); setup(db);
  db.exec(`CREATE TABLE t (_id INTEGER PRIMARY KEY, _ts INTEGER, ${Array.from({ length: C }, (_, i) => `c${i} REAL`).join(',')}) STRICT`);
  const st = db.prepare(`INSERT INTO t (_ts, ${Array.from({ length: C }, (_, i) => `c${i}`).join(',')}) VALUES (${Array(C + 1).fill('?').join(',')})`);
  const t0 = performance.now(); db.exec('BEGIN');
  for (const r of rows) st.run(r);
  const t1 = performance.now(); db.exec('COMMIT'); const t2 = performance.now();
  db.close(); const t3 = performance.now();
  console.log(label.padEnd(34), 'insert', ((t1 - t0) / 1000).toFixed(2), 'commit', ((t2 - t1) / 1000).toFixed(2), 'close', ((t3 - t2) / 1000).toFixed(2));
}
for (let k = 0; k < 2; k++) {
run('wal normal', (db) => { db.pragma('journal_mode=WAL'); db.pragma('synchronous=NORMAL'); });
run('wal normal no autockpt', (db) => { db.pragma('journal_mode=WAL'); db.pragma('synchronous=NORMAL'); db.pragma('wal_autocheckpoint=0'); });
run('wal off', (db) => { db.pragma('journal_mode=WAL'); db.pragma('synchronous=OFF'); db.pragma('wal_autocheckpoint=0'); });
run('delete journal normal', (db) => { db.pragma('journal_mode=DELETE'); db.pragma('synchronous=NORMAL'); });
run('journal off', (db) => { db.pragma('journal_mode=OFF'); db.pragma('synchronous=OFF'); });
}
