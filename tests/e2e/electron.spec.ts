// The same journeys in the real Electron app, through Playwright's Electron launcher.
// Runs wherever Electron's binary is installed; skipped, with the reason, elsewhere.
import { _electron as electron, test, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  demoCaseAppears,
  importShowsProgressAndRows,
  malformedCsvShowsErrorAndAddsNothing,
  sortAndFilter,
  triageAnomaly,
  incidentFoldsIntoOneRow,
  undoRestoresThePreviousVerdict,
  caseWorkGoesOnDuringALiveStream,
  liveAttackIsCaught,
} from './journeys';

const root = path.resolve(__dirname, '..', '..');
const require = createRequire(__filename);

function electronBinary(): string | null {
  try {
    const p = require('electron') as unknown as string;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const binding = path.join(root, '.electron-native', 'better_sqlite3.node');
const reason = !binary
  ? "Electron's binary is not installed on this machine (it cannot be downloaded here); run `npm start` where it can be"
  : !existsSync(binding)
    ? 'better-sqlite3 has not been built for Electron yet: run `npm start` once'
    : '';
if (reason) console.log(`electron tests skipped: ${reason}`);

test.describe('electron', () => {
  test.skip(!!reason, reason);
  let app: ElectronApplication;
  let page: Page;

  test.beforeAll(async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'sentinel-electron-'));
    app = await electron.launch({
      executablePath: binary!,
      args: [root, `--user-data-dir=${home}`],
      env: { ...process.env, ELECTRON_DISABLE_SECURITY_WARNINGS: '1' },
    });
    page = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
  });

  test('the demo case appears', async () => demoCaseAppears(page));
  test('a CSV is imported with progress and appears in the table', async () =>
    importShowsProgressAndRows(page));
  test('sorting and filtering work', async () => sortAndFilter(page));
  test('an anomaly is explained and judged with one key', async () => triageAnomaly(page));
  test('U undoes the last verdict, back to the one before', async () => undoRestoresThePreviousVerdict(page));
  test('a brute force folds into one row, judged with one key, kept across a reload', async () =>
    incidentFoldsIntoOneRow(page));
  test('a live attack is caught while the trainer watches', async () => liveAttackIsCaught(page));
  test('case work goes on during a live stream', async () => caseWorkGoesOnDuringALiveStream(page));
  test('a malformed CSV shows its error and adds nothing', async () =>
    malformedCsvShowsErrorAndAddsNothing(page));

  test('the window is hardened', async () => {
    // The page sees only the bridge: no Node, no ipcRenderer.
    const seen = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((globalThis as { sentinel?: object }).sentinel ?? {}).sort(),
    }));
    test
      .expect(seen)
      .toEqual({ require: 'undefined', process: 'undefined', bridge: ['invoke', 'on', 'stageFile'] });
    // New windows and navigation away are refused.
    const opened = app.waitForEvent('window', { timeout: 2000 }).then(
      () => true,
      () => false,
    );
    await page.evaluate(() => window.open('https://example.com'));
    test.expect(await opened).toBe(false);
    const url = page.url();
    await page.evaluate(() => {
      window.location.href = 'https://example.com';
    });
    await page.waitForTimeout(500);
    test.expect(page.url()).toBe(url);
  });
});
