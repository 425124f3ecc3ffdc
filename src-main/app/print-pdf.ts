// The desktop app prints case reports with its own browser engine: the report's HTML loaded in a
// hidden window with no script and no preload, then Electron's printToPDF.
import { BrowserWindow } from 'electron';
import { writeFileSync } from 'node:fs';
import { secureWebPreferences } from './security';

export async function printPdf(htmlFile: string, pdfFile: string): Promise<void> {
  const win = new BrowserWindow({
    show: false,
    // the app's hardened settings, no preload, and no script at all
    webPreferences: { ...secureWebPreferences(), javascript: false },
  });
  try {
    await win.loadFile(htmlFile);
    const pdf = await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
    writeFileSync(pdfFile, pdf);
  } finally {
    win.destroy();
  }
}
