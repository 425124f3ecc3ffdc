// One request/reply protocol for every boundary that carries calls: the engine's workers
// (database, ONNX, compute, live stream, demo) and the serve-mode WebSocket. A call is
// `{id, method, params}`; the answer `{kind: 'result', id, result}` with the result as plain
// data (`Result`, errors never class instances); the callee may push `{kind: 'event', event,
// payload}` at any time; `{cancel: id}` asks it to stop a call. Imports nothing platform-specific,
// so the renderer's bridge and the Node workers share it; the carriers are adapters
// (src-main/engine/worker-rpc.ts, src-renderer/src/bridge/ws-bridge.ts).
import { toAppError, type AppError, type Result } from './result';

/** What a side answers: method → the params it takes and the result it gives. */
export type RpcApi = Record<string, { params: unknown; result: unknown }>;
/** What a side pushes: event → payload. */
export type RpcEvents = object;

export type RpcCall = { id: number; method: string; params: unknown };
export type RpcCancel = { cancel: number };
export type RpcResult = { kind: 'result'; id: number; result: Result<unknown> };
export type RpcEventMessage = { kind: 'event'; event: string; payload: unknown };
/** Anything the answering side sends. */
export type RpcReply = RpcResult | RpcEventMessage;

/** Carries one message to the other side; `transfer` lists buffers or ports to move, not copy. */
export type RpcSend<M> = (message: M, transfer?: readonly unknown[]) => void;

export interface CallOptions {
  transfer?: readonly unknown[];
  /** Aborting settles the call as CANCELLED at once and asks the other side to stop. */
  signal?: AbortSignal;
}

interface Pending {
  settle: (r: Result<unknown>) => void;
}

const isObject = (m: unknown): m is Record<string, unknown> => typeof m === 'object' && m !== null;

/** The calling side: sequence numbers, the pending calls, events, and failing everything at once. */
export class RpcClient<Api extends RpcApi, Events extends RpcEvents = RpcEvents> {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  private down: AppError | null = null;

  /** `peer` names the other side in errors ("the database worker"). */
  constructor(
    private readonly send: RpcSend<RpcCall | RpcCancel>,
    readonly peer: string,
  ) {}

  /** Calls `method`; resolves with its result, or an error as data (never rejects). */
  call<K extends keyof Api & string>(
    method: K,
    params: Api[K]['params'],
    options: CallOptions = {},
  ): Promise<Result<Api[K]['result']>> {
    if (this.down) return Promise.resolve({ ok: false, error: this.down });
    const id = ++this.seq;
    return new Promise<Result<Api[K]['result']>>((resolve) => {
      const { signal } = options;
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        resolve({ ok: false, error: { code: 'CANCELLED', message: `${method} cancelled` } });
        this.trySend({ cancel: id });
      };
      this.pending.set(id, {
        settle: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r as Result<Api[K]['result']>);
        },
      });
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (!this.trySend({ id, method, params }, options.transfer)) {
        this.settle(id, {
          ok: false,
          error: { code: 'INTERNAL', message: `could not send ${method} to ${this.peer}` },
        });
      }
    });
  }

  private trySend(m: RpcCall | RpcCancel, transfer?: readonly unknown[]): boolean {
    try {
      this.send(m, transfer);
      return true;
    } catch {
      return false;
    }
  }

  private settle(id: number, result: Result<unknown>): void {
    const p = this.pending.get(id);
    if (!p) return; // cancelled, or failed when the peer went away
    this.pending.delete(id);
    p.settle(result);
  }

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** Feeds one message from the other side. False when it is not an RPC reply. */
  receive(message: unknown): boolean {
    if (!isObject(message)) return false;
    if (message.kind === 'result' && typeof message.id === 'number') {
      const result = message.result;
      this.settle(
        message.id,
        isObject(result) && typeof result.ok === 'boolean'
          ? (result as Result<unknown>)
          : { ok: false, error: { code: 'INTERNAL', message: `${this.peer} sent a malformed result` } },
      );
      return true;
    }
    if (message.kind === 'event' && typeof message.event === 'string') {
      if (this.down) return true; // the peer is gone: a late event is not delivered
      for (const l of [...(this.listeners.get(message.event as keyof Events) ?? [])]) {
        try {
          (l as (payload: unknown) => void)(message.payload);
        } catch (e) {
          console.error(`${this.peer}: a ${message.event} listener failed`, e);
        }
      }
      return true;
    }
    return false;
  }

  /** Calls waiting for an answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Fails every pending call with `error` (the peer died or the line dropped). */
  failPending(error: AppError): void {
    const lost = [...this.pending.values()];
    this.pending.clear();
    for (const p of lost) p.settle({ ok: false, error });
  }

  /** The peer is gone for good: pending and later calls fail with `error`. */
  close(error: AppError): void {
    this.down ??= error;
    this.failPending(error);
  }
}

/** What a handler on the answering side gets besides its params. */
export interface RpcContext<Events extends RpcEvents = RpcEvents> {
  /** Aborted when the caller cancels the call. */
  signal: AbortSignal;
  emit<E extends keyof Events & string>(event: E, payload: Events[E]): void;
}

/** A handler's answer with buffers to move instead of copy. */
export interface Transferring<T> {
  readonly transferring: true;
  value: T;
  transfer: readonly unknown[];
}
export const transferring = <T>(value: T, transfer: readonly unknown[]): Transferring<T> => ({
  transferring: true,
  value,
  transfer,
});

export type RpcHandlers<Api extends RpcApi, Events extends RpcEvents = RpcEvents> = {
  [K in keyof Api]: (
    params: Api[K]['params'],
    ctx: RpcContext<Events>,
  ) =>
    | Api[K]['result']
    | Transferring<Api[K]['result']>
    | Promise<Api[K]['result'] | Transferring<Api[K]['result']>>;
};

const isTransferring = (v: unknown): v is Transferring<unknown> =>
  isObject(v) && v.transferring === true && Array.isArray(v.transfer);

/**
 * The answering side: returns the function to feed each incoming message. Unknown methods and
 * thrown errors come back as errors (plain data); a cancelled call gets no answer.
 */
export function serveRpc<Api extends RpcApi, Events extends RpcEvents = RpcEvents>(
  handlers: RpcHandlers<Api, Events>,
  send: RpcSend<RpcReply>,
): (message: unknown) => void {
  const running = new Map<number, AbortController>();
  const emit = (event: string, payload: unknown) => send({ kind: 'event', event, payload });
  return (message) => {
    if (!isObject(message)) return;
    if (typeof message.cancel === 'number') {
      // the caller has stopped waiting: no answer is sent (nor its buffers moved)
      running.get(message.cancel)?.abort();
      running.delete(message.cancel);
      return;
    }
    const { id, method } = message;
    if (typeof id !== 'number') return;
    const reply = (result: Result<unknown>, transfer?: readonly unknown[]) => {
      if (!running.delete(id)) return; // cancelled: the caller has stopped waiting
      try {
        send({ kind: 'result', id, result }, transfer);
      } catch (e) {
        // e.g. a value that cannot be cloned: the caller still gets an answer, if the line holds
        try {
          send({ kind: 'result', id, result: { ok: false, error: toAppError(e) } });
        } catch {
          // the line is gone: the caller's side fails its pending calls when it notices
        }
      }
    };
    const controller = new AbortController();
    running.set(id, controller);
    const handler =
      typeof method === 'string' && Object.prototype.hasOwnProperty.call(handlers, method)
        ? (handlers[method] as (p: unknown, ctx: RpcContext<Events>) => unknown)
        : null;
    if (!handler) {
      reply({ ok: false, error: { code: 'BAD_REQUEST', message: `unknown method ${String(method)}` } });
      return;
    }
    const ctx: RpcContext<Events> = { signal: controller.signal, emit };
    Promise.resolve()
      .then(() => handler(message.params, ctx))
      .then(
        (value) =>
          isTransferring(value)
            ? reply({ ok: true, value: value.value }, value.transfer)
            : reply({ ok: true, value }),
        (e: unknown) => reply({ ok: false, error: toAppError(e) }),
      );
  };
}
