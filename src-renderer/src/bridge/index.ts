// The renderer's one way to reach the engine: the Electron preload's bridge when present,
// otherwise the serve-mode WebSocket bridge.
import type { Bridge } from '../../../src-shared/contract';
import { createWsBridge } from './ws-bridge';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge). Absent in serve mode. */
    sentinel?: Bridge;
  }
}

let bridge: Bridge | null = null;

export function getBridge(): Bridge {
  bridge ??= window.sentinel ?? createWsBridge();
  return bridge;
}

export { isConnectedBridge, type ConnectionState } from './ws-bridge';
