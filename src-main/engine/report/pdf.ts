// A report printed to PDF by a browser engine already in the stack: Electron's printToPDF in the
// desktop app (the shell passes it in), else the machine's Chromium, headless (serve mode and the
// CLI; Debian's `chromium`, or SENTINEL_CHROMIUM). No renderer of our own.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fail } from '../../../src-shared/result';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

/** The Chromium that prints, or null when the machine has none. */
export function findChromium(): string | null {
  const given = process.env.SENTINEL_CHROMIUM;
  if (given) return existsSync(given) ? given : null;
  return CANDIDATES.find((c) => existsSync(c)) ?? null;
}

/** Prints `htmlFile` to `pdfFile` with headless Chromium (A4, no header or footer). */
export async function chromiumPrint(htmlFile: string, pdfFile: string, timeoutMs = 120_000): Promise<void> {
  const chromium = findChromium();
  if (!chromium)
    fail(
      'BAD_REQUEST',
      'no Chromium on this machine to print the PDF (install `chromium`, or set SENTINEL_CHROMIUM): write the report as .html and print it from a browser',
    );
  // its own profile: a running browser's must not be touched
  const profile = mkdtempSync(path.join(os.tmpdir(), 'sentinel-print-'));
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        chromium!,
        [
          '--headless',
          '--disable-gpu',
          '--no-sandbox',
          '--no-first-run',
          '--no-default-browser-check',
          '--disable-extensions',
          `--user-data-dir=${profile}`,
          '--no-pdf-header-footer',
          `--print-to-pdf=${pdfFile}`,
          pathToFileURL(htmlFile).href,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => {
        if (stderr.length < 4000) stderr += String(d);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (code === 0 && existsSync(pdfFile) && statSync(pdfFile).size > 0) resolve();
        else
          reject(
            new Error(
              `Chromium could not print the report (exit ${code}): ${stderr.trim().split('\n').slice(-2).join(' ')}`,
            ),
          );
      });
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
