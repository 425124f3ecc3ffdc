// The bridge to the engine, which shell carries it, and (serve mode) whether its socket is up.
import type { Bridge } from '../../../src-shared/contract';
import type { AppState } from '../../../src-shared/domain';
import type { ConnectionState } from '../bridge';
import type { Slice } from './types';

export interface AppSlice {
  bridge: Bridge | null;
  /** `app.state` has answered (or failed) at least once. */
  ready: boolean;
  shell: AppState['shell'] | null;
  /** Serve mode: the folder cases are opened and created in, by name. */
  casesFolder: string | null;
  /** Serve mode's socket; `null` in Electron, where there is nothing to lose. */
  connection: ConnectionState | null;
  /** Moves when cached pages can no longer be trusted: a reconnect, or another case. */
  connectionEpoch: number;
}

export const createAppSlice: Slice<AppSlice> = () => ({
  bridge: null,
  ready: false,
  shell: null,
  casesFolder: null,
  connection: null,
  connectionEpoch: 0,
});
