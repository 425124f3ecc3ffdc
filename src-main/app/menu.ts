// Native menus and the dialogs behind them.
import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { formatError, type Result } from '../../src-shared/result';
import type { EngineHost } from '../engine/host';
import type { RecentCases } from './recent';

export const DATA_FILTERS = [
  {
    name: 'Data files',
    extensions: ['csv', 'tsv', 'tab', 'jsonl', 'ndjson', 'json', 'txt', 'log', 'parquet'],
  },
];
const CASE_FILTERS = [{ name: 'SentinelRisk cases', extensions: ['sentinel'] }];

export function buildMenu(win: BrowserWindow, host: EngineHost, recent: RecentCases): void {
  const report = (title: string, r: Result<unknown>) => {
    if (!r.ok) dialog.showErrorBox(title, formatError(r.error));
  };
  const openCase = async (file: string) => {
    const r = await host.call('case.open', { path: file });
    report('Could not open the case', r);
    if (r.ok) {
      recent.add(r.value.path);
      buildMenu(win, host, recent);
    }
  };
  const recentItems: MenuItemConstructorOptions[] = recent
    .list()
    .map((p) => ({ label: p, click: () => void openCase(p) }));
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Case…',
          accelerator: 'CmdOrCtrl+O',
          click: async () => {
            const r = await dialog.showOpenDialog(win, { properties: ['openFile'], filters: CASE_FILTERS });
            if (!r.canceled && r.filePaths[0]) await openCase(r.filePaths[0]);
          },
        },
        {
          label: 'New Case…',
          accelerator: 'CmdOrCtrl+N',
          click: async () => {
            const r = await dialog.showSaveDialog(win, {
              filters: CASE_FILTERS,
              defaultPath: 'case.sentinel',
            });
            if (r.canceled || !r.filePath) return;
            const created = await host.call('case.create', { path: r.filePath });
            report('Could not create the case', created);
            if (created.ok) {
              recent.add(created.value.path);
              buildMenu(win, host, recent);
            }
          },
        },
        {
          label: 'Import Data…',
          accelerator: 'CmdOrCtrl+I', // the renderer's import shortcut too
          click: async () => {
            const r = await dialog.showOpenDialog(win, {
              properties: ['openFile', 'multiSelections'],
              filters: DATA_FILTERS,
            });
            for (const p of r.canceled ? [] : r.filePaths)
              report('Could not import', await host.handle('ingest.start', { path: p }));
          },
        },
        {
          label: 'Recent Cases',
          submenu: recentItems.length ? recentItems : [{ label: 'No recent cases', enabled: false }],
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : ([{ role: 'toggleDevTools' }] as MenuItemConstructorOptions[])),
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
