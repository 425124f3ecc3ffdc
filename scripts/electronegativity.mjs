// Electronegativity (Doyensec's Electron security linter) on the built main process, offline:
// the Electron version is given (no lookup), and any finding above LOW fails the run.
// usage: node scripts/electronegativity.mjs   (after npm run build)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const electron = require('electron/package.json').version;
const bin = path.join(root, 'node_modules', '.bin', 'electronegativity');
const dir = mkdtempSync(path.join(os.tmpdir(), 'eneg-'));
const out = path.join(dir, 'findings.csv');
try {
  const r = spawnSync(bin, ['-i', path.join(root, 'out', 'main'), '-e', electron, '-o', out, '-v', 'false'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    throw new Error(`electronegativity exited with ${r.status}`);
  }
  const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).filter(Boolean);
  // check id, "SEVERITY", "CONFIDENCE", file, …
  const severity = (row) => row.split(',')[1].replace(/"/g, '');
  const above = rows.filter((row) => ['MEDIUM', 'HIGH', 'CRITICAL'].includes(severity(row)));
  console.log(`electronegativity ${electron}: ${rows.length} finding(s), ${above.length} above LOW`);
  for (const row of rows) console.log('  ' + row);
  if (above.length) process.exit(1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
