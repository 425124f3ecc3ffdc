// Serve-mode bridge: the engine host behind a WebSocket on the same origin as the page.
// The session cookie (HttpOnly) authenticates both the socket and uploads; the renderer never
// sees a token.
import type { Bridge, EventMap, EventName, Method, Params, ResultOf } from '../../../src-shared/contract';
import type { AppError, Result } from '../../../src-shared/result';
import { RpcClient } from '../../../src-shared/rpc';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** A Bridge that can also say whether it is connected (serve mode only). */
export interface ConnectedBridge extends Bridge {
  readonly connection: ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export function isConnectedBridge(b: Bridge): b is ConnectedBridge {
  return typeof (b as Partial<ConnectedBridge>).onConnection === 'function';
}

const LOST: AppError = { code: 'IO', message: 'lost connection to the workstation' };
const UNREACHABLE: AppError = {
  code: 'IO',
  message: 'cannot reach the workstation (is `sentinel serve` still running?)',
};

/** How long a request may wait for the socket to open before it fails. */
const QUEUE_TIMEOUT_MS = 30_000;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 8_000;

/** The contract as the shared RPC sees it: method → params and result. */
type ContractApi = { [M in Method]: { params: Params<M>; result: ResultOf<M> } };

export interface WsBridgeOptions {
  url?: string;
  /** For tests: the WebSocket constructor to use. */
  WebSocketImpl?: typeof WebSocket;
}

export function defaultWsUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

export function createWsBridge(options: WsBridgeOptions = {}): ConnectedBridge {
  const url = options.url ?? defaultWsUrl();
  const WS = options.WebSocketImpl ?? WebSocket;

  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let attempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** Calls made while the socket was not open: sent when it opens, failed after a while. */
  const queue: { send: () => void; timer: ReturnType<typeof setTimeout> }[] = [];
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  const rpc = new RpcClient<ContractApi, EventMap>((m) => {
    if (!socket || socket.readyState !== WS.OPEN) throw new Error('not connected');
    socket.send(JSON.stringify(m));
  }, 'the workstation');

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const l of [...connectionListeners]) l(s);
  };

  const flush = (): void => {
    while (queue.length && socket?.readyState === WS.OPEN) {
      const q = queue.shift()!;
      clearTimeout(q.timer);
      q.send();
    }
  };

  const onMessage = (ev: MessageEvent): void => {
    let msg: unknown;
    try {
      msg = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data));
    } catch {
      console.warn('sentinel: ignoring a message that is not JSON');
      return;
    }
    if (!rpc.receive(msg)) console.warn('sentinel: ignoring a message that is not a reply or an event');
  };

  const scheduleReconnect = (): void => {
    if (reconnectTimer) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempts);
    const delay = base / 2 + Math.random() * (base / 2);
    attempts++;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  };

  const connect = (): void => {
    setState('connecting');
    let ws: WebSocket;
    try {
      ws = new WS(url);
    } catch {
      setState('closed');
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempts = 0;
      setState('open');
      flush();
    };
    ws.onmessage = (ev) => {
      if (socket === ws) onMessage(ev);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      // Requests already sent will never be answered: fail them now.
      rpc.failPending(LOST);
      setState('closed');
      scheduleReconnect();
    };
    // A failed socket also fires `close`, which does the work.
    ws.onerror = () => undefined;
  };

  // Reconnect at once when the page comes back to life (laptop lid, network back).
  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => {
      if (state !== 'open' && reconnectTimer) {
        clearTimeout(reconnectTimer);
        reconnectTimer = null;
        attempts = 0;
        connect();
      }
    });
  }

  connect();

  return {
    get connection() {
      return state;
    },

    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },

    invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<ResultOf<M>>> {
      const call = () => rpc.call(method, params) as Promise<Result<ResultOf<M>>>;
      if (socket && socket.readyState === WS.OPEN) return call();
      return new Promise((resolve) => {
        const q = {
          send: () => void call().then(resolve),
          timer: setTimeout(() => {
            const i = queue.indexOf(q);
            if (i >= 0) queue.splice(i, 1);
            resolve({ ok: false, error: UNREACHABLE });
          }, QUEUE_TIMEOUT_MS),
        };
        queue.push(q);
      });
    },

    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
      return rpc.on(event, listener);
    },

    async stageFile(file: File): Promise<Result<{ path?: string; uploadId?: string; fileName: string }>> {
      let res: Response;
      try {
        res = await fetch('/api/upload?name=' + encodeURIComponent(file.name), {
          method: 'POST',
          body: file,
          credentials: 'same-origin',
        });
      } catch (e) {
        return {
          ok: false,
          error: {
            code: 'IO',
            message: `could not upload the file (${(e as Error).message || 'network error'})`,
            file: file.name,
          },
        };
      }
      let body: Result<{ uploadId: string }> | null = null;
      try {
        body = (await res.json()) as Result<{ uploadId: string }>;
      } catch {
        body = null;
      }
      if (body && body.ok === false && body.error)
        return { ok: false, error: { file: file.name, ...body.error } };
      if (!res.ok || !body || !body.ok || typeof body.value?.uploadId !== 'string') {
        return {
          ok: false,
          error: {
            code: 'IO',
            message: `the upload was refused (HTTP ${res.status} ${res.statusText})`.trim(),
            file: file.name,
          },
        };
      }
      return { ok: true, value: { uploadId: body.value.uploadId, fileName: file.name } };
    },
  };
}
