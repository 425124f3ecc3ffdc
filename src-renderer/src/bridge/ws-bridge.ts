// Serve-mode bridge: the engine host behind a WebSocket on the same origin as the page.
// The session cookie (HttpOnly) authenticates both the socket and uploads; the renderer never
// sees a token.
import type {
  Bridge,
  EventMap,
  EventName,
  Method,
  Params,
  ResultOf,
  WireMessage,
  WireRequest,
} from '../../../src-shared/contract';
import type { AppError, Result } from '../../../src-shared/result';

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

interface Pending {
  resolve: (r: Result<unknown>) => void;
}
interface Queued extends Pending {
  request: WireRequest;
  timer: ReturnType<typeof setTimeout>;
}

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
  let nextId = 1;
  let attempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  const pending = new Map<number, Pending>();
  const queue: Queued[] = [];
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const l of [...connectionListeners]) l(s);
  };

  const send = (ws: WebSocket, request: WireRequest, p: Pending): void => {
    pending.set(request.id, p);
    try {
      ws.send(JSON.stringify(request));
    } catch {
      pending.delete(request.id);
      p.resolve({ ok: false, error: LOST });
    }
  };

  const flush = (): void => {
    const ws = socket;
    if (!ws || ws.readyState !== WS.OPEN) return;
    while (queue.length) {
      const q = queue.shift()!;
      clearTimeout(q.timer);
      send(ws, q.request, q);
    }
  };

  const onMessage = (ev: MessageEvent): void => {
    let msg: WireMessage;
    try {
      msg = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data)) as WireMessage;
    } catch {
      console.warn('sentinel: ignoring a message that is not JSON');
      return;
    }
    if (msg.kind === 'result') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      p.resolve(msg.result);
    } else if (msg.kind === 'event') {
      const set = listeners.get(msg.event);
      if (!set) return;
      for (const l of [...set]) {
        try {
          (l as (payload: unknown) => void)(msg.payload);
        } catch (e) {
          console.error(`sentinel: a ${msg.event} listener failed`, e);
        }
      }
    }
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
      const lost = [...pending.values()];
      pending.clear();
      for (const p of lost) p.resolve({ ok: false, error: LOST });
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
      return new Promise<Result<ResultOf<M>>>((resolve) => {
        const request: WireRequest = { id: nextId++, method, params };
        const p: Pending = { resolve: resolve as (r: Result<unknown>) => void };
        if (socket && socket.readyState === WS.OPEN) {
          send(socket, request, p);
          return;
        }
        const q: Queued = {
          ...p,
          request,
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
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => {
        set.delete(listener as (payload: never) => void);
      };
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
