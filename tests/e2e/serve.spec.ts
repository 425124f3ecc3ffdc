// End-to-end in Debian Chromium against serve mode (the built CLI: `npm run build` first).
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  demoCaseAppears,
  importDialogMapsColumns,
  importReadsPublishedLayouts,
  evaluateEveryModel,
  importShowsProgressAndRows,
  malformedCsvShowsErrorAndAddsNothing,
  sortAndFilter,
  triageAnomaly,
  incidentFoldsIntoOneRow,
  reportIsPrinted,
  undoRestoresThePreviousVerdict,
  caseWorkGoesOnDuringALiveStream,
  liveAttackIsCaught,
} from './journeys';

const root = path.resolve(__dirname, '..', '..');
let server: ChildProcess;
let url: string;

test.beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-e2e-'));
  server = spawn(
    process.execPath,
    [
      path.join(root, 'bin', 'sentinel.cjs'),
      'serve',
      '--case',
      path.join(dir, 'demo.sentinel'),
      '--demo',
      '--json',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  url = await new Promise<string>((resolve, reject) => {
    server.stdout!.once('data', (d) => resolve((JSON.parse(String(d)) as { url: string }).url));
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
});

test.afterAll(() => {
  server?.kill('SIGTERM');
});

// No journey may leave an error in the browser's console (a missing favicon, a CSP warning, a
// failed request, an exception in the renderer).
let consoleErrors: string[] = [];
test.beforeEach(async ({ page }) => {
  consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url);
});

test.afterEach(() => {
  expect(consoleErrors).toEqual([]);
});

test('the demo case appears', async ({ page }) => demoCaseAppears(page));
test('a CSV is imported with progress and appears in the table', async ({ page }) =>
  importShowsProgressAndRows(page));
test('the import dialog maps columns, remembers the mapping and cancels with Esc', async ({ page }) =>
  importDialogMapsColumns(page, path.join(root, 'test-results')));
test('every model is evaluated side by side with curves', async ({ page }) =>
  evaluateEveryModel(page, path.join(root, 'test-results')));
test('published layouts and server logs are read as they are', async ({ page }) =>
  importReadsPublishedLayouts(page, path.join(root, 'test-results')));
test('an anomaly is explained and judged with one key', async ({ page }) => triageAnomaly(page));
test('U undoes the last verdict, back to the one before', async ({ page }) =>
  undoRestoresThePreviousVerdict(page));
test('a brute force folds into one row, judged with one key, kept across a reload', async ({ page }) =>
  incidentFoldsIntoOneRow(page));
test('a case report is printed to PDF', async ({ page }) => reportIsPrinted(page));
test('a live attack is caught while the trainer watches', async ({ page }) => liveAttackIsCaught(page));
test('case work goes on during a live stream', async ({ page }) => caseWorkGoesOnDuringALiveStream(page));
test('sorting and filtering work', async ({ page }) => sortAndFilter(page));
test('a malformed CSV shows its error and adds nothing', async ({ page }) =>
  malformedCsvShowsErrorAndAddsNothing(page));
