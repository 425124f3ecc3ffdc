// The one RPC every boundary uses (src-shared/rpc.ts): results and errors as plain data, events,
// cancellation, moved buffers, and a peer that dies failing its pending calls. Over a real
// MessageChannel and real worker threads.
import { MessageChannel, Worker, type Transferable } from 'node:worker_threads';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fail } from '../../src-shared/result';
import { RpcClient, serveRpc, transferring, type RpcCall, type RpcCancel } from '../../src-shared/rpc';
import { DbClient } from '../../src-main/engine/db-client';
import { connectWorker } from '../../src-main/engine/worker-rpc';

type Api = {
  add: { params: { a: number; b: number }; result: number };
  boom: { params: { how: 'app' | 'error' | 'sqlite' }; result: never };
  slow: { params: { ms: number }; result: 'done' };
  buffer: { params: { n: number }; result: Float64Array };
};
type Events = { tick: number };

const closers: (() => unknown)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A client and a server joined by a real MessageChannel. */
function pair() {
  const { port1, port2 } = new MessageChannel();
  closers.push(() => {
    port1.close();
    port2.close();
  });
  const seen = { aborted: 0 };
  const receive = serveRpc<Api, Events>(
    {
      add: ({ a, b }, { emit }) => {
        emit('tick', a);
        return a + b;
      },
      boom: ({ how }) => {
        if (how === 'app') fail('BAD_REQUEST', 'no such thing', { file: 'x.csv', line: 3 });
        if (how === 'sqlite') throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        throw new Error('kaput');
      },
      slow: ({ ms }, { signal }) =>
        new Promise((resolve) => {
          const t = setTimeout(() => resolve('done'), ms);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            seen.aborted++;
          });
        }),
      buffer: ({ n }) => {
        const out = new Float64Array(n).fill(7);
        return transferring(out, [out.buffer]);
      },
    },
    (m, transfer) => port2.postMessage(m, (transfer ?? []) as Transferable[]),
  );
  port2.on('message', receive);
  const client = new RpcClient<Api, Events>(
    (m: RpcCall | RpcCancel, transfer) => port1.postMessage(m, (transfer ?? []) as Transferable[]),
    'the test peer',
  );
  port1.on('message', (m) => client.receive(m));
  return { client, seen };
}

describe('rpc', () => {
  it('answers calls and pushes events', async () => {
    const { client } = pair();
    const ticks: number[] = [];
    client.on('tick', (n) => ticks.push(n));
    expect(await client.call('add', { a: 2, b: 3 })).toEqual({ ok: true, value: 5 });
    expect(ticks).toEqual([2]);
  });

  it('carries errors as plain data: ours with where they are, SQLite errors in words, others under INTERNAL with their message', async () => {
    const { client } = pair();
    const app = await client.call('boom', { how: 'app' });
    expect(app).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'no such thing', file: 'x.csv', line: 3 },
    });
    expect(Object.getPrototypeOf((app as { error: object }).error)).toBe(Object.prototype);
    expect(await client.call('boom', { how: 'error' })).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'kaput' },
    });
    // a SQLite error has a string code too, not one of ours: it is said in words, its message kept
    expect(await client.call('boom', { how: 'sqlite' })).toEqual({
      ok: false,
      error: {
        code: 'BUSY',
        message:
          'the case is in use by another program: close it there, then try again (database is locked; SQLITE_BUSY)',
      },
    });
    expect(await client.call('nope' as 'add', { a: 1, b: 1 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'unknown method nope' },
    });
  });

  it('cancels: the caller is answered at once and the handler sees its signal', async () => {
    const { client, seen } = pair();
    const ac = new AbortController();
    const call = client.call('slow', { ms: 5_000 }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const started = performance.now();
    expect(await call).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect.poll(() => seen.aborted).toBe(1);
    expect(client.inFlight).toBe(0);
    // the line is still good
    expect(await client.call('add', { a: 1, b: 1 })).toEqual({ ok: true, value: 2 });
  });

  it('moves buffers a handler marks as transferring', async () => {
    const { client } = pair();
    const r = await client.call('buffer', { n: 4 });
    expect(r.ok && Array.from(r.value)).toEqual([7, 7, 7, 7]);
  });

  it('fails pending and later calls with a message naming a worker that died', async () => {
    const serve = path.resolve(__dirname, '../../src-main/engine/worker-rpc.ts');
    const worker = new Worker(
      `require('tsx/cjs/api').register();
       const { parentPort } = require('node:worker_threads');
       require(${JSON.stringify(serve)}).serveWorker(parentPort, {
         slow: () => new Promise(() => undefined),
         die: () => process.exit(3),
       });`,
      { eval: true },
    );
    closers.push(() => worker.terminate());
    const rpc = connectWorker<{
      slow: { params: null; result: never };
      die: { params: null; result: never };
    }>(worker, 'the test worker');
    const pending = rpc.call('slow', null);
    void rpc.call('die', null);
    expect(await pending).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'the test worker stopped (exit code 3)' },
    });
    expect(await rpc.call('slow', null)).toMatchObject({
      ok: false,
      error: { message: /test worker stopped/ },
    });
  });

  it('the DB worker answers an operation by name, typed, and says when no case is open', async () => {
    const db = new DbClient(() => undefined);
    closers.push(() => db.close());
    expect(await db.call('info')).toEqual({
      ok: false,
      error: { code: 'NO_CASE', message: 'no case is open' },
    });
    expect(await db.call('alerts', 1, 5)).toMatchObject({ ok: false, error: { code: 'NO_CASE' } });
  });
});
