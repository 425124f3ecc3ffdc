// The user journeys, written once against a Page, run in Chromium against serve mode and in
// Electron where its binary exists.
import { execFileSync } from 'node:child_process';
import { expect, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEMO_DATASETS = ['card_transactions', 'logins', 'api_gateway', 'service_metrics'];

export function dataFile(name: string, content: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-e2e-data-'));
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const amountOf = (i: number) => ((i * 7919) % 100_000) / 100;

export function transactionsCsv(rows: number): string {
  const lines = ['ts,account,amount,merchant'];
  for (let i = 0; i < rows; i++) {
    const t = new Date(Date.UTC(2026, 9, 1) + i * 15_000).toISOString();
    lines.push(`${t},acct_${i % 311},${amountOf(i)},${['Cafe', 'Fuel', 'Books', 'Games'][i % 4]}`);
  }
  return lines.join('\n') + '\n';
}

const rowCount = async (page: Page) =>
  Number((await page.getByTestId('row-count').innerText()).replace(/[^0-9]/g, ''));

export async function demoCaseAppears(page: Page): Promise<void> {
  await expect(page.getByTestId('dataset-item')).toHaveCount(4, { timeout: 60_000 });
  for (const name of DEMO_DATASETS)
    await expect(page.getByTestId('dataset-item').filter({ hasText: name })).toBeVisible();
  await page.getByTestId('dataset-item').filter({ hasText: 'card_transactions' }).click();
  // The case opens on its anomaly feed (the demo is scored by the default model).
  await expect(page.getByTestId('feed-row').first()).toBeVisible();
  await page.getByTestId('tab-events').click();
  await expect(page.getByTestId('events-row').first()).toBeVisible();
  expect(await rowCount(page)).toBeGreaterThan(50_000);
}

const countIn = async (page: Page, testId: string) =>
  Number((await page.getByTestId(testId).locator('.count').innerText()).replace(/[^0-9]/g, ''));

/** Works an anomaly: reads why, how bad, cost, action; marks it with a key; undoes it. */
export async function triageAnomaly(page: Page): Promise<void> {
  await page.getByTestId('dataset-item').filter({ hasText: 'card_transactions' }).click();
  await page.getByTestId('tab-anomalies').click();
  // one row an event here (incidents fold by default: incidentFoldsIntoOneRow)
  await page.getByTestId('feed-unfold').click();
  const rows = page.getByTestId('feed-row');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  const open = await countIn(page, 'feed-view-open');
  expect(open).toBeGreaterThan(10);
  // Ranked on one axis, highest first.
  const scores = (await page.locator('[data-testid="feed-row"] .score-num').allInnerTexts()).map(Number);
  expect(scores.slice(0, 20)).toEqual([...scores.slice(0, 20)].sort((a, b) => b - a));
  await expect(page.getByTestId('score-histogram').locator('canvas')).toBeVisible();

  await rows.nth(1).click();
  const explanation = page.getByTestId('explanation');
  await expect(explanation.getByTestId('reasons').locator('li').first()).toBeVisible();
  await expect(explanation.getByTestId('severity').first()).toHaveAttribute(
    'data-severity',
    /LOW|MEDIUM|HIGH|CRITICAL/,
  );
  await expect(explanation.getByTestId('action')).not.toBeEmpty();
  await expect(explanation.getByTestId('cost')).toContainText('about');
  // one headline in the data's terms (the demo's cards pay in dollars), no formula; the trees'
  // exact contributions drawn as a chart
  const entity = await explanation.locator('.explain-entity').innerText();
  await expect(explanation.getByTestId('sentence')).toContainText(`on ${entity}: `);
  await expect(explanation.getByTestId('sentence')).toContainText(/Risk (LOW|MEDIUM|HIGH|CRITICAL)/);
  await expect(explanation.getByTestId('sentence')).toContainText(/act within \d+ (min|h)/);
  await expect(explanation.getByTestId('cost')).toContainText('$');
  await expect(explanation.getByTestId('contributions-chart').locator('canvas')).toBeVisible();
  await expect(explanation.getByTestId('contributions')).toContainText('TreeSHAP');
  // the entity's story: its timeline, its features against its own history and its peers
  await explanation.getByTestId('open-entity').click();
  const story = page.getByTestId('entity-story');
  await expect(story.getByTestId('story-summary')).toContainText('events');
  await expect(story.getByTestId('story-timeline').locator('canvas')).toBeVisible();
  await expect(story.getByTestId('story-features').locator('tbody tr').first()).toBeVisible();
  await expect(story.getByTestId('story-alerts').locator('li').first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(story).toHaveCount(0);
  const judged = await rows.nth(1).getAttribute('data-event-id');

  await page.keyboard.press('f');
  await expect(page.getByTestId('feed-view-open').locator('.count')).toHaveText(
    (open - 1).toLocaleString('en-US'),
  );
  expect(await countIn(page, 'feed-view-false_positive')).toBe(1);
  await expect(page.locator(`[data-testid="feed-row"][data-event-id="${judged}"]`)).toHaveCount(0);

  await page.keyboard.press('u');
  await expect(page.getByTestId('feed-view-false_positive').locator('.count')).toHaveText('0');
  expect(await countIn(page, 'feed-view-open')).toBe(open);

  // on a laptop's 1280×720 the verdict column and the pager stay in view
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect(page.locator('.feed-table th.col-verdict')).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId('feed-next')).toBeInViewport({ ratio: 1 });
  await page.setViewportSize({ width: 1400, height: 900 });

  // J past a page's last row turns to the next page's first; K before its first, back again
  expect(open).toBeGreaterThan(100); // the demo has several pages of open items
  await rows.nth(99).click();
  const last = await rows.nth(99).getAttribute('data-event-id');
  await page.keyboard.press('j');
  await expect(page.getByTestId('feed-range')).toContainText('101–');
  await expect(rows.first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('k');
  await expect(page.getByTestId('feed-range')).toContainText('1–100');
  await expect(page.locator(`[data-testid="feed-row"][data-event-id="${last}"]`)).toHaveAttribute(
    'aria-selected',
    'true',
  );

  // Rule alerts, models, evaluation and scenarios are a key away.
  await page.keyboard.press('3');
  await expect(page.getByTestId('rules-run')).toBeVisible();
  await page.keyboard.press('4');
  await expect(page.getByTestId('model-row').first()).toBeVisible();
  await page.keyboard.press('5');
  await expect(page.getByTestId('evaluation-view')).toBeVisible();
  await page.keyboard.press('6');
  await expect(page.getByTestId('inject-form')).toBeVisible();
  await expect(page.getByTestId('injection-row').first()).toBeVisible();

  // a toast never covers the feed or the explanation: it sits over the foot of the dataset list
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByTestId('dataset-item').filter({ hasText: 'logins' }).click();
  await page.keyboard.press('3');
  await page.getByTestId('rules-run').click();
  const notice = page.getByTestId('notice').first();
  await expect(notice).toBeVisible({ timeout: 60_000 });
  const box = (await notice.boundingBox())!;
  const side = (await page.locator('.sidebar').boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(side.x + side.width);
  // a feed ranked by rule alerts alone says so, and offers to train a model for every event
  await page.keyboard.press('1');
  await expect(page.getByTestId('feed-train-hint')).toContainText('events behind rule alerts are ranked');
  await expect(page.getByTestId('feed-train')).toBeEnabled();
  await page.keyboard.press('3');
  // and the rule alerts keep their verdict column in view
  await expect(page.locator('[data-testid="alerts-table"] th.col-verdict')).toBeInViewport({ ratio: 1 });

  // Rule alerts are judged like events: changeable, undoable, with notes kept across a reload.
  const alertRows = page.getByTestId('alert-row');
  await alertRows.first().click();
  const first = alertRows.first();
  const detail = page.getByTestId('alert-detail');
  await expect(detail.getByTestId('alert-sentence')).toContainText(
    /^Brute force on address [\d.]+: \d+ failed logins/,
  );
  await expect(detail.getByTestId('alert-action')).not.toBeEmpty();
  await page.keyboard.press('f');
  await expect(first.locator('.verdict-tag')).toHaveText(/false positive/);
  await expect(first.locator('.verdict-tag')).toBeInViewport({ ratio: 1 });
  await expect(alertRows.nth(1)).toHaveAttribute('aria-selected', 'true'); // moved on
  await page.keyboard.press('k');
  await page.keyboard.press('c');
  await expect(first.locator('.verdict-tag')).toHaveText(/confirmed/);
  await page.keyboard.press('u');
  await expect(first.locator('.verdict-tag')).toHaveText(/false positive/);
  await page.keyboard.press('k');
  await page.keyboard.press('u');
  await expect(first.locator('.verdict-tag')).toHaveCount(0);
  await page.keyboard.press('n');
  await detail.getByTestId('note-text').fill('Same address hit three other users this morning.');
  await page.keyboard.press('Control+Enter');
  await expect(detail.getByTestId('review-list')).toContainText('Same address hit three other users');
  await expect(detail.getByTestId('review-list')).toContainText('verdict cleared');
  // the address's story: the failures the rule saw, marked
  await detail.getByTestId('alert-open-entity').click();
  await expect(page.getByTestId('entity-story').getByTestId('story-alerts')).toContainText('brute force');
  await page.keyboard.press('Escape');
  // an evidence id opens the story of its event's user (a failure the rule counted); the
  // window's events open among the dataset's events
  await detail.getByTestId('evidence-id').first().click();
  await expect(page.getByTestId('entity-story').getByTestId('story-alerts')).toContainText('brute force');
  await page.keyboard.press('Escape');
  await detail.getByTestId('alert-events').click();
  await expect(page.getByTestId('filter-chip').first()).toBeVisible();
  await page.reload();
  await page.getByTestId('dataset-item').filter({ hasText: 'logins' }).click();
  await page.keyboard.press('3');
  await page.getByTestId('alert-row').first().click();
  await expect(page.getByTestId('alert-detail').getByTestId('review-list')).toContainText(
    'Same address hit three other users',
  );
  await page.setViewportSize({ width: 1400, height: 900 });
}

/**
 * Incidents: a brute force (one address failing many users' logins) is one row; → lists its
 * events, one key judges them all, the verdicts are there after a reload, and U clears them.
 */
export async function incidentFoldsIntoOneRow(page: Page): Promise<void> {
  await page.getByTestId('dataset-item').filter({ hasText: 'logins' }).click();
  await page.getByTestId('tab-anomalies').click();
  await expect(page.getByTestId('feed-fold')).toHaveAttribute('aria-pressed', 'true');
  const rows = page.getByTestId('feed-row');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  const brute = rows.filter({ has: page.locator('.tag.rule', { hasText: 'brute force' }) }).first();
  const size = Number(await brute.getByTestId('incident-count').innerText());
  expect(size).toBeGreaterThanOrEqual(10);
  const open = await countIn(page, 'feed-view-open');
  expect(await rows.count()).toBeLessThan(open / 5);
  const head = await brute.getAttribute('data-event-id');
  await brute.click();
  await expect(page.getByTestId('explain-incident')).toContainText(`${size} events`);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('feed-member')).toHaveCount(size);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('feed-member')).toHaveCount(0);

  await page.keyboard.press('c');
  await expect(page.getByTestId('feed-view-open').locator('.count')).toHaveText(
    (open - size).toLocaleString('en-US'),
  );
  expect(await countIn(page, 'feed-view-confirmed')).toBe(size);
  await expect(page.locator(`[data-testid="feed-row"][data-event-id="${head}"]`)).toHaveCount(0);

  await page.reload();
  await page.getByTestId('dataset-item').filter({ hasText: 'logins' }).click();
  await page.getByTestId('tab-anomalies').click();
  await page.getByTestId('feed-view-confirmed').click();
  const kept = page.locator(`[data-testid="feed-row"][data-event-id="${head}"]`);
  await expect(kept.getByTestId('incident-count')).toHaveText(String(size));
  await expect(kept.locator('.verdict-tag')).toHaveText(/confirmed/);
  await kept.click();
  await page.keyboard.press('u');
  await expect(page.getByTestId('feed-view-confirmed').locator('.count')).toHaveText('0');
  expect(await countIn(page, 'feed-view-open')).toBe(open);
}

/** A case report as PDF: printed by the browser engine beside the case, its text read back. */
export async function reportIsPrinted(page: Page): Promise<void> {
  await page.getByTestId('dataset-item').filter({ hasText: 'card_transactions' }).click();
  await page.getByTestId('tab-anomalies').click();
  await expect(page.getByTestId('feed-row').first()).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('report-pdf').click();
  const notice = page.getByTestId('notice').filter({ hasText: 'Case report written' });
  await expect(notice).toBeVisible({ timeout: 120_000 });
  const file = /Case report written: (\S+\.pdf)/.exec(await notice.innerText())![1];
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  expect(text).toContain('Case report: demo.sentinel');
  expect(text).toContain('card_transactions');
  expect(text).toMatch(/Open incidents \(the 25 highest of \d+\)/);
  expect(text).toContain('Exact contributions (TreeSHAP');
}

/**
 * Evaluation: every model kind on the same split of the demo's card transactions, side by side,
 * with ROC and PR curves. Screenshots at 1280×720 and 1920×1080.
 */
export async function evaluateEveryModel(page: Page, shots: string): Promise<void> {
  await ready(page);
  await page.getByTestId('dataset-item').filter({ hasText: 'card_transactions' }).click();
  await page.getByTestId('tab-evaluation').click();
  await expect(page.getByTestId('evaluation-view')).toBeVisible();
  await page.getByTestId('evaluate').click();
  await expect(page.getByTestId('evaluation-row')).toHaveCount(5, { timeout: 120_000 });
  await expect(page.getByTestId('evaluation-split')).toContainText('rows split by time');
  await expect(page.getByTestId('eval-roc').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('eval-pr').locator('canvas')).toBeVisible();
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: path.join(shots, `evaluation-${width}x${height}.png`) });
  }
  const download = page.waitForEvent('download');
  await page.getByTestId('evaluation-csv').click();
  expect((await download).suggestedFilename()).toMatch(/^card_transactions-evaluation-\d+\.csv$/);
}

/** U undoes the last verdict given (back to what it was before), not just "clears the selected one". */
export async function undoRestoresThePreviousVerdict(page: Page): Promise<void> {
  await page.getByTestId('dataset-item').filter({ hasText: 'card_transactions' }).click();
  await page.getByTestId('tab-anomalies').click();
  await page.getByTestId('feed-view-all').click();
  const rows = page.getByTestId('feed-row');
  await expect(rows.nth(6)).toBeVisible({ timeout: 60_000 });
  await rows.nth(5).click();
  const id = await rows.nth(5).getAttribute('data-event-id');
  const row = page.locator(`[data-testid="feed-row"][data-event-id="${id}"]`);
  const fps = await countIn(page, 'feed-view-false_positive');
  const next = page.locator(
    `[data-testid="feed-row"][data-event-id="${await rows.nth(6).getAttribute('data-event-id')}"]`,
  );
  await page.keyboard.press('f');
  await expect(row.locator('.verdict-tag')).toHaveText(/false positive/);
  // the judged item stays listed in "All events": the selection moves on to the next row
  await expect(next).toHaveAttribute('aria-selected', 'true');
  // Changed my mind: back on it, confirmed. Then undo that: a false positive again, not open.
  await page.keyboard.press('k');
  await page.keyboard.press('c');
  await expect(row.locator('.verdict-tag')).toHaveText(/confirmed/);
  await page.keyboard.press('u');
  await expect(row.locator('.verdict-tag')).toHaveText(/false positive/);
  // Another item judged, then back on the first: U undoes the last verdict (the other item's).
  await expect(next).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('c');
  await expect(next.locator('.verdict-tag')).toHaveText(/confirmed/);
  await page.keyboard.press('k');
  await page.keyboard.press('k');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('u');
  await expect(next.locator('.verdict-tag')).toHaveCount(0);
  await expect(row.locator('.verdict-tag')).toHaveText(/false positive/);
  // Nothing left to undo: U clears the selected item's verdict.
  await page.keyboard.press('u');
  await expect(row.locator('.verdict-tag')).toHaveCount(0);
  expect(await countIn(page, 'feed-view-false_positive')).toBe(fps);
}

/** A running live stream touches no case: the case's actions stay available while it runs. */
export async function caseWorkGoesOnDuringALiveStream(page: Page): Promise<void> {
  await ready(page);
  await page.keyboard.press('l');
  await page.getByTestId('live-start').click();
  await expect(page.getByTestId('live-stop')).toBeVisible({ timeout: 60_000 });
  await page.keyboard.press('l');
  await page.getByTestId('dataset-item').filter({ hasText: 'card_transactions' }).click();
  await page.getByTestId('tab-anomalies').click();
  await expect(page.getByTestId('feed-update')).toBeEnabled();
  await page.keyboard.press('4');
  await expect(page.getByTestId('model-row').first()).toBeVisible();
  await expect(page.getByTestId('train-submit')).toBeEnabled();
  await page.keyboard.press('l');
  await page.getByTestId('live-stop').click();
  await expect(page.getByTestId('live-start')).toBeVisible({ timeout: 20_000 });
  await page.keyboard.press('l');
}

/** The app has its first state from the engine. */
export async function ready(page: Page): Promise<void> {
  await expect(page.locator('[data-testid="app-root"][data-ready="true"]')).toBeVisible({ timeout: 60_000 });
}

/** The import dialog shows the chosen file's columns; Import takes them as they are. */
export async function confirmImport(page: Page): Promise<void> {
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog.getByTestId('import-columns')).toBeVisible();
  await dialog.getByTestId('import-confirm').click();
  await expect(dialog).toBeHidden();
}

/**
 * The import dialog: a file with dates no value settles, an amount under a name the workstation
 * does not know and a text label. The analyst picks the date format, maps the amount, ticks the
 * attack value and imports with Enter; the next file with the same header opens mapped the same
 * way, and Esc cancels it without adding anything. Screenshots at 1280×720 and 1920×1080.
 */
export async function importDialogMapsColumns(page: Page, shots: string): Promise<void> {
  await ready(page);
  await expect(page.getByTestId('dataset-item').first()).toBeVisible();
  const before = await page.getByTestId('dataset-item').count();
  const lines = ['date,account,spend,merchant,verdict'];
  for (let i = 0; i < 40; i++)
    lines.push(
      `0${1 + (i % 9)}/0${1 + (i % 7)}/2026,acct_${i % 5},${(i * 37) % 400}.5,${['Cafe', 'Fuel'][i % 2]},${i % 13 === 4 ? 'anom' : 'norm'}`,
    );
  const content = lines.join('\n') + '\n';
  await page.getByTestId('import-input').setInputFiles(dataFile('mapped_payments.csv', content));
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog.getByTestId('import-columns')).toBeVisible();
  await expect(dialog.getByTestId('import-ambiguous')).toContainText('month/day or day/month');
  await expect(dialog.getByTestId('import-confirm')).toBeDisabled();
  await expect(dialog.getByTestId('import-role-account')).toHaveValue('entity');
  await expect(dialog.getByTestId('import-role-spend')).toHaveValue('none');
  await expect(dialog.getByTestId('import-role-verdict')).toHaveValue('label');

  await dialog.getByTestId('import-time-format').selectOption('mdy');
  await expect(dialog.getByTestId('import-ambiguous')).toBeHidden();
  await dialog.getByTestId('import-role-spend').selectOption('amount');
  await dialog.getByTestId('import-positive-anom').check();
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ]) {
    await page.setViewportSize({ width, height });
    await expect(dialog.getByTestId('import-confirm')).toBeInViewport();
    await page.screenshot({ path: path.join(shots, `import-dialog-${width}x${height}.png`) });
  }
  await expect(dialog.getByTestId('import-confirm')).toBeEnabled();
  await dialog.getByTestId('import-role-spend').press('Enter');
  await expect(dialog).toBeHidden();
  const item = page.getByTestId('dataset-item').filter({ hasText: 'mapped_payments' });
  await expect(item).toHaveAttribute('aria-selected', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('dataset-item')).toHaveCount(before + 1);
  await expect(page.getByTestId('col-header-spend')).toContainText('amount');
  await expect(page.getByTestId('col-header-date')).toContainText('time');
  await expect.poll(() => rowCount(page)).toBe(40);

  // The same header again: the mapping is remembered; Esc cancels and adds nothing.
  await page.getByTestId('import-input').setInputFiles(dataFile('mapped_payments_2.csv', content));
  await expect(dialog.getByTestId('import-remembered')).toBeVisible();
  await expect(dialog.getByTestId('import-role-spend')).toHaveValue('amount');
  await expect(dialog.getByTestId('import-time-format')).toHaveValue('mdy');
  await expect(dialog.getByTestId('import-positive-anom')).toBeChecked();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('dataset-item')).toHaveCount(before + 1);
}

/**
 * Files as published: a PaySim file opens mapped by its layout (named in the dialog); a server
 * log is read line by line, its sign-in lines as logins. Screenshots at 1280×720.
 */
export async function importReadsPublishedLayouts(page: Page, shots: string): Promise<void> {
  await ready(page);
  await expect(page.getByTestId('dataset-item').first()).toBeVisible();
  const before = await page.getByTestId('dataset-item').count();
  const paysim = [
    'step,type,amount,nameOrig,oldbalanceOrg,newbalanceOrig,nameDest,oldbalanceDest,newbalanceDest,isFraud,isFlaggedFraud',
  ];
  for (let i = 0; i < 60; i++)
    paysim.push(
      `${1 + (i >> 3)},${['PAYMENT', 'TRANSFER', 'CASH_OUT'][i % 3]},${(i * 137) % 9000}.5,C${100 + (i % 7)},${i * 10}.0,0.0,M${200 + (i % 5)},0.0,0.0,${i % 17 === 3 ? 1 : 0},0`,
    );
  await page
    .getByTestId('import-input')
    .setInputFiles(dataFile('paysim_sample.csv', paysim.join('\n') + '\n'));
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog.getByTestId('import-source')).toHaveText('read as published');
  await expect(dialog.getByTestId('import-role-nameOrig')).toHaveValue('entity');
  await expect(dialog.getByTestId('import-role-nameDest')).toHaveValue('resource');
  await expect(dialog.getByTestId('import-role-isFraud')).toHaveValue('label');
  // the layout menu overrides what the header said: read by its own names, then as PaySim again
  await expect(dialog.getByTestId('import-layout')).toHaveValue('paysim');
  await dialog.getByTestId('import-layout').selectOption('none');
  await expect(dialog.getByTestId('import-source')).toHaveCount(0);
  await expect(dialog.getByTestId('import-role-nameDest')).not.toHaveValue('resource');
  await dialog.getByTestId('import-layout').selectOption('paysim');
  await expect(dialog.getByTestId('import-role-nameDest')).toHaveValue('resource');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: path.join(shots, 'import-paysim-1280x720.png') });
  await dialog.getByTestId('import-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('dataset-item').filter({ hasText: 'paysim_sample' })).toHaveAttribute(
    'aria-selected',
    'true',
    { timeout: 30_000 },
  );
  await expect(page.getByTestId('col-header-step')).toContainText('time');

  const log = [
    'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186',
    'Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2',
    'Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu from 119.137.62.142 port 49116 ssh2',
    'Dec 10 09:32:21 LabSZ CRON[24681]: pam_unix(cron:session): session opened for user root by (uid=0)',
  ];
  await page.getByTestId('import-input').setInputFiles(dataFile('auth.log', log.join('\n') + '\n'));
  await expect(dialog.getByTestId('import-summary')).toContainText('Server log');
  await page.screenshot({ path: path.join(shots, 'import-server-log-1280x720.png') });
  await dialog.getByTestId('import-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('dataset-item').filter({ hasText: 'auth' })).toHaveAttribute(
    'aria-selected',
    'true',
    { timeout: 30_000 },
  );
  await expect(page.getByTestId('dataset-item')).toHaveCount(before + 2);
  await expect.poll(() => rowCount(page)).toBe(4);
  await expect(page.getByTestId('col-header-result')).toBeVisible();
}

export async function importShowsProgressAndRows(page: Page): Promise<void> {
  await ready(page);
  await expect(page.getByTestId('dataset-item').first()).toBeVisible();
  const before = await page.getByTestId('dataset-item').count();
  const file = dataFile('big_transactions.csv', transactionsCsv(400_000));
  await page.getByTestId('import-input').setInputFiles(file);
  await confirmImport(page);
  const job = page.getByTestId('job');
  await expect(job).toBeVisible();
  await expect(job.getByTestId('job-progress')).toBeVisible();
  await expect(job.getByTestId('job-cancel')).toBeVisible();
  await expect(page.getByTestId('dataset-item')).toHaveCount(before + 1, { timeout: 60_000 });
  const item = page.getByTestId('dataset-item').filter({ hasText: 'big_transactions' });
  await expect(item).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('events-row').first()).toBeVisible();
  await expect.poll(() => rowCount(page)).toBe(400_000);
}

export async function sortAndFilter(page: Page): Promise<void> {
  await ready(page);
  const file = dataFile('sortable.csv', transactionsCsv(2_000));
  await page.getByTestId('import-input').setInputFiles(file);
  await confirmImport(page);
  await expect(page.getByTestId('dataset-item').filter({ hasText: 'sortable' })).toHaveAttribute(
    'aria-selected',
    'true',
    { timeout: 30_000 },
  );
  await expect.poll(() => rowCount(page)).toBe(2_000);
  const amounts = async () =>
    (await page.locator('[data-testid="events-row"] [data-col="amount"]').allInnerTexts()).map((t) =>
      Number(t.replace(/,/g, '')),
    );

  // sort ascending, then descending, by clicking the header
  await page.getByTestId('col-header-amount').click();
  const all = Array.from({ length: 2_000 }, (_, i) => amountOf(i));
  await expect.poll(async () => (await amounts())[0]).toBe(Math.min(...all));
  await page.getByTestId('col-header-amount').click();
  await expect.poll(async () => (await amounts())[0]).toBe(Math.max(...all));
  const desc = await amounts();
  expect(desc).toEqual([...desc].sort((a, b) => b - a));

  // filter: merchant = Cafe and amount > 500
  await page.getByTestId('filter-column').selectOption('merchant');
  await page.getByTestId('filter-op').selectOption('eq');
  await page.getByTestId('filter-value').fill('Cafe');
  await page.getByTestId('filter-add').click();
  await expect.poll(() => rowCount(page)).toBe(500); // every fourth row is Cafe
  await page.getByTestId('filter-column').selectOption('amount');
  await page.getByTestId('filter-op').selectOption('gt');
  await page.getByTestId('filter-value').fill('500');
  await page.getByTestId('filter-value').press('Enter');
  await expect(page.getByTestId('filter-chip')).toHaveCount(2);
  await expect.poll(async () => (await amounts()).every((a) => a > 500)).toBe(true);
  const merchants = await page.locator('[data-testid="events-row"] [data-col="merchant"]').allInnerTexts();
  expect(new Set(merchants)).toEqual(new Set(['Cafe']));
  const filtered = await rowCount(page);
  expect(filtered).toBeGreaterThan(0);
  expect(filtered).toBeLessThan(500);
  await page.getByTestId('filters-clear').click();
  await expect.poll(() => rowCount(page)).toBe(2_000);
}

export async function malformedCsvShowsErrorAndAddsNothing(page: Page): Promise<void> {
  await ready(page);
  await expect(page.getByTestId('dataset-item').first()).toBeVisible();
  const before = await page.getByTestId('dataset-item').allInnerTexts();
  const file = dataFile(
    'broken.csv',
    'ts,account,amount\n2026-10-01T00:00:00Z,a,1\n2026-10-01T00:00:01Z,b\n',
  );
  await page.getByTestId('import-input').setInputFiles(file);
  const banner = page.getByTestId('error-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('broken.csv:3');
  await expect(banner).toContainText('expected 3 fields, found 2 (no value for "amount")');
  expect(await page.getByTestId('dataset-item').allInnerTexts()).toEqual(before);
  await page.getByTestId('error-dismiss').click();
  await expect(banner).toBeHidden();
}

/** A trainer's demo: start the live stream, launch a brute-force attack, see it caught; stop. */
export async function liveAttackIsCaught(page: Page): Promise<void> {
  await ready(page);
  await page.keyboard.press('l');
  await expect(page.getByTestId('live-view')).toBeVisible();
  await page.getByTestId('live-start').click();
  await expect(page.getByTestId('live-stats')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('attack-brute_force')).toBeEnabled();
  await page.getByTestId('attack-brute_force').click();
  await expect(page.getByTestId('caught').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('live-alert').filter({ hasText: 'brute force' }).first()).toBeVisible();
  await page.getByTestId('live-stop').click();
  await expect(page.getByTestId('live-start')).toBeVisible({ timeout: 20_000 });
  await page.keyboard.press('l');
  await expect(page.getByTestId('live-view')).toHaveCount(0);
}
