#!/usr/bin/env node
// `npm start`: build, then open the workstation on its demo case.
// In Electron where its binary is (or can be) installed; otherwise the same workstation in
// serve mode in a browser, saying why in one line.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const forceServe = args.includes('--serve') || process.env.SENTINEL_SERVE === '1';
const home = process.env.SENTINEL_HOME ?? path.join(os.homedir(), '.sentinelrisk');
const caseArg = args.indexOf('--case') >= 0 ? path.resolve(args[args.indexOf('--case') + 1]) : null;

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  return r.status === 0;
}

if (
  !run(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
) {
  console.error('sentinel: the build failed (see above)');
  process.exit(1);
}

/** Path of the Electron binary, installing it with Electron's own installer on first start. */
function electronBinary() {
  try {
    return require('electron');
  } catch {
    // not installed yet: try Electron's installer (needs the network)
  }
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return null;
  const r = spawnSync(process.execPath, [installer], {
    cwd: path.dirname(installer),
    stdio: 'ignore',
    timeout: 120_000,
  });
  if (r.status !== 0) return null;
  try {
    delete require.cache[require.resolve('electron')];
    return require('electron');
  } catch {
    return null;
  }
}

/** better-sqlite3 built for Electron's ABI, in .electron-native/ so Node's build stays intact. */
function electronSqlite(electronVersion) {
  const out = path.join(root, '.electron-native');
  const binding = path.join(out, 'better_sqlite3.node');
  const stamp = path.join(out, 'electron-version');
  if (existsSync(binding) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === electronVersion)
    return true;
  const src = path.join(out, 'better-sqlite3');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(path.join(root, 'node_modules', 'better-sqlite3'), src, {
    recursive: true,
    filter: (p) => !p.includes(`${path.sep}build${path.sep}`),
  });
  const gyp =
    process.env.npm_config_node_gyp ??
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    );
  const env = { ...process.env, npm_config_nodedir: '' };
  const ok = run(
    process.execPath,
    [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
    { cwd: src, env, stdio: 'ignore' },
  );
  if (!ok) return false;
  cpSync(path.join(src, 'build', 'Release', 'better_sqlite3.node'), binding);
  spawnSync('sh', ['-c', `echo ${electronVersion} > "${stamp}"`]);
  return true;
}

function serve(reason) {
  if (reason) console.log(`${reason}: opening the workstation in serve mode in your browser instead.`);
  mkdirSync(home, { recursive: true });
  const casePath = caseArg ?? path.join(home, 'demo.sentinel');
  const child = spawn(
    process.execPath,
    [path.join(root, 'out', 'main', 'cli.js'), 'serve', '--case', casePath, ...(caseArg ? [] : ['--demo'])],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let opened = false;
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[a-f0-9]+)/.exec(String(chunk));
    if (m && !opened) {
      opened = true;
      if (process.env.DISPLAY || process.platform !== 'linux') {
        const opener =
          process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
        spawn(opener, [m[1]], { stdio: 'ignore', detached: true })
          .on('error', () => {})
          .unref();
      } else console.log('No display here: open that URL in a browser on this machine.');
    }
  });
  process.on('SIGINT', () => child.kill('SIGINT'));
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (forceServe) serve(null);
else {
  const bin = electronBinary();
  if (!bin) serve("Electron's binary is not installed and could not be downloaded on this machine");
  else {
    const version = JSON.parse(
      readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
    ).version;
    if (!electronSqlite(version))
      serve(
        `better-sqlite3 could not be built for Electron ${version} (its headers could not be downloaded)`,
      );
    else {
      const child = spawn(bin, [root, ...(caseArg ? ['--case', caseArg] : [])], { stdio: 'inherit' });
      child.on('exit', (code) => process.exit(code ?? 0));
    }
  }
}
