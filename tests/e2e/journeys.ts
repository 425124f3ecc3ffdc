// The user journeys, written once against a Page, run in Chromium against serve mode and in
// Electron where its binary exists.
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
  await expect(page.getByTestId('events-row').first()).toBeVisible();
  expect(await rowCount(page)).toBeGreaterThan(50_000);
}

/** The app has its first state from the engine. */
export async function ready(page: Page): Promise<void> {
  await expect(page.locator('[data-testid="app-root"][data-ready="true"]')).toBeVisible({ timeout: 60_000 });
}

export async function importShowsProgressAndRows(page: Page): Promise<void> {
  await ready(page);
  await expect(page.getByTestId('dataset-item').first()).toBeVisible();
  const before = await page.getByTestId('dataset-item').count();
  const file = dataFile('big_transactions.csv', transactionsCsv(400_000));
  await page.getByTestId('import-input').setInputFiles(file);
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
