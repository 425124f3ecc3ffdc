// The shared RPC (src-shared/rpc.ts) over worker threads: the host's end of a worker, and the
// worker's end serving its handlers. A worker that fails or exits fails its pending calls with a
// message naming it.
import type { MessagePort, Transferable, Worker } from 'node:worker_threads';
import {
  RpcClient,
  serveRpc,
  type RpcApi,
  type RpcCall,
  type RpcCancel,
  type RpcEvents,
  type RpcHandlers,
  type RpcReply,
} from '../../src-shared/rpc';

/**
 * Connects to a started worker. `peer` names it in errors ("the database worker"); messages that
 * are not RPC replies go to `other` (none of ours send any).
 */
export function connectWorker<Api extends RpcApi, Events extends RpcEvents = RpcEvents>(
  worker: Worker,
  peer: string,
): RpcClient<Api, Events> {
  const rpc = new RpcClient<Api, Events>(
    (m: RpcCall | RpcCancel, transfer) => worker.postMessage(m, (transfer ?? []) as Transferable[]),
    peer,
  );
  worker.on('message', (m: unknown) => {
    rpc.receive(m);
  });
  worker.on('error', (e) => rpc.close({ code: 'INTERNAL', message: `${peer} failed: ${e.message}` }));
  worker.on('exit', (code) =>
    rpc.close({ code: 'INTERNAL', message: `${peer} stopped (exit code ${code})` }),
  );
  return rpc;
}

/** Inside a worker: answers calls from its parent with `handlers`. */
export function serveWorker<Api extends RpcApi, Events extends RpcEvents = RpcEvents>(
  port: MessagePort,
  handlers: RpcHandlers<Api, Events>,
): void {
  const receive = serveRpc<Api, Events>(handlers, (m: RpcReply, transfer) =>
    port.postMessage(m, (transfer ?? []) as Transferable[]),
  );
  port.on('message', receive);
}
