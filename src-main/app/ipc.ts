// The Electron carrier of the contract: one invoke channel, one event channel.
import { ipcMain, type BrowserWindow } from 'electron';
import { EVENT_NAMES } from '../../src-shared/contract';
import { IPC_EVENT as EVENT_CHANNEL, IPC_INVOKE as INVOKE_CHANNEL } from '../../src-shared/ipc-channels';
import type { EngineHost } from '../engine/host';
import { isTrustedUrl } from './security';

export function connectIpc(host: EngineHost, win: BrowserWindow, rendererUrl: string): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, params: unknown) => {
    const url = event.senderFrame?.url ?? '';
    if (event.sender !== win.webContents || !isTrustedUrl(url, rendererUrl)) {
      return {
        ok: false,
        error: { code: 'FORBIDDEN', message: `refused a request from ${url || 'an unknown sender'}` },
      };
    }
    return host.handle(method, params);
  });
  const offs = EVENT_NAMES.map((name) =>
    host.on(name, (payload) => {
      if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, name, payload);
    }),
  );
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    offs.forEach((off) => off());
  };
}
