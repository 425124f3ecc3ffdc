// Electron IPC channels carrying the contract: one for requests, one for pushed events.
// Imports nothing, so the sandboxed preload can bundle it (it may require only 'electron').
export const IPC_INVOKE = 'sentinel:invoke';
export const IPC_EVENT = 'sentinel:event';
