// The renderer's one way to reach the engine: the Electron preload's bridge when present,
// otherwise the serve-mode WebSocket bridge.
import type { Bridge } from '../../../src-shared/contract';
import type { AppError } from '../../../src-shared/result';
import { createWsBridge } from './ws-bridge';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge). Absent in serve mode. */
    sentinel?: Bridge;
  }
}

/** A page that is neither served over HTTP nor given a preload bridge cannot reach anything. */
function unavailableBridge(): Bridge {
  const error: AppError = {
    code: 'INTERNAL',
    message: 'the workstation bridge is missing (the Electron preload script did not run)',
  };
  return {
    invoke: async () => ({ ok: false, error }),
    on: () => () => undefined,
    stageFile: async () => ({ ok: false, error }),
  };
}

/** The shell's bridge: made once, by the store (startApp), which keeps it. */
export function createBridge(): Bridge {
  return window.sentinel ?? (/^https?:$/.test(location.protocol) ? createWsBridge() : unavailableBridge());
}

export { isConnectedBridge, type ConnectedBridge, type ConnectionState } from './ws-bridge';
