// Electron main: a thin shell around the engine host. Windows, menus, dialogs, security.
import { app, BrowserWindow, dialog } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatError } from '../../src-shared/result';
import { EngineHost } from '../engine/host';
import { demoStatus, retireDemo } from '../engine/demo/demo-case';
import { connectIpc } from './ipc';
import { printPdf } from './print-pdf';
import { buildMenu } from './menu';
import { RecentCases } from './recent';
import { hardenApp, hardenSession, secureWebPreferences } from './security';

hardenApp();

// better-sqlite3 built for Electron's ABI lives apart from the Node build (scripts/start.mjs).
const electronBinding = path.join(__dirname, '..', '..', '.electron-native', 'better_sqlite3.node');
if (existsSync(electronBinding)) process.env.SENTINEL_SQLITE_BINDING = electronBinding;

function caseFromArgs(): string | null {
  const i = process.argv.indexOf('--case');
  return i > 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]) : null;
}

async function main(): Promise<void> {
  await app.whenReady();
  hardenSession();
  const host = new EngineHost({ shell: 'electron', printPdf });
  const recent = new RecentCases(app.getPath('userData'));
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 560,
    show: false,
    backgroundColor: '#0f1216',
    title: 'SentinelRisk Workstation',
    webPreferences: secureWebPreferences(path.join(__dirname, '..', 'preload', 'index.cjs')),
  });
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const rendererFile = path.join(__dirname, '..', 'renderer', 'index.html');
  const rendererUrl = devUrl ?? pathToFileURL(rendererFile).href;
  const disconnect = connectIpc(host, win, rendererUrl);
  buildMenu(win, host, recent);
  win.once('ready-to-show', () => win.show());
  await (devUrl ? win.loadURL(devUrl) : win.loadFile(rendererFile));

  const requested = caseFromArgs();
  const casePath = requested ?? path.join(app.getPath('userData'), 'demo.sentinel');
  // A demo built by an older version is set aside (kept) and built again.
  if (!requested && demoStatus(casePath) === 'stale') retireDemo(casePath);
  if (existsSync(casePath)) {
    const r = await host.call('case.open', { path: casePath });
    if (!r.ok) dialog.showErrorBox('Could not open the case', formatError(r.error));
    else recent.add(r.value.path);
  } else if (!requested) {
    const started = await host.call('demo.create', { path: casePath });
    if (!started.ok) dialog.showErrorBox('Could not build the demo case', formatError(started.error));
  } else {
    dialog.showErrorBox('Could not open the case', `No case file at ${casePath}`);
  }

  app.on('window-all-closed', () => {
    disconnect();
    void host.close().finally(() => app.quit());
  });
}

main().catch((e: unknown) => {
  dialog.showErrorBox('SentinelRisk could not start', (e as Error).stack ?? String(e));
  app.exit(1);
});
