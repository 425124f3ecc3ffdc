// The preload exposes one small object, `window.sentinel`, built from the contract.
// Never ipcRenderer itself.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC_EVENT as EVENT_CHANNEL, IPC_INVOKE as INVOKE_CHANNEL } from '../../src-shared/ipc-channels';
import type { Bridge, EventMap, EventName } from '../../src-shared/contract';

const bridge: Bridge = {
  invoke: (method, params) => ipcRenderer.invoke(INVOKE_CHANNEL, method, params),
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
    const handler = (_e: unknown, name: EventName, payload: EventMap[E]) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
  async stageFile(file: File) {
    const p = webUtils.getPathForFile(file);
    if (!p)
      return {
        ok: false,
        error: { code: 'IO', message: `cannot read ${file.name}: it has no path on disk` },
      };
    return { ok: true, value: { path: p, fileName: file.name } };
  },
};

contextBridge.exposeInMainWorld('sentinel', bridge);
