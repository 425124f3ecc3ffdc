// The desktop app prints case reports with its own browser engine: the report's HTML loaded in a
// hidden window with no script and no preload, then Electron's printToPDF.
import { BrowserWindow } from 'electron';
import { writeFileSync } from 'node:fs';

export async function printPdf(htmlFile: string, pdfFile: string): Promise<void> {
  const win = new BrowserWindow({
    show: false,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      javascript: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  try {
    await win.loadFile(htmlFile);
    const pdf = await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
    writeFileSync(pdfFile, pdf);
  } finally {
    win.destroy();
  }
}
