import { LATEST_VERSION } from '../../src-main/engine/db/migrations';
import { describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { startServer, UploadStore } from '../../src-main/serve/server';
import { EngineHost } from '../../src-main/engine/host';
import { requestSchemas, type WireMessage } from '../../src-shared/contract';
import { tempDir, writeFile } from './helpers';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function serve(maxUploadBytes?: number) {
  const dir = tempDir();
  writeFile(dir, 'index.html', '<!doctype html><title>t</title>');
  const uploads = new UploadStore();
  const host = new EngineHost({
    shell: 'serve',
    resolveUpload: uploads.get,
    releaseUpload: (id) => uploads.drop(id),
    paths: { casesFolder: dir },
  });
  const c = await host.call('case.create', { path: path.join(dir, 'case.sentinel') });
  expect(c.ok).toBe(true);
  const server = await startServer(host, uploads, { rendererDir: dir, maxUploadBytes });
  stops.push(async () => {
    await server.close();
    await host.close();
    uploads.clear();
  });
  return { server, host, dir, uploads };
}

function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function connect(origin: string, url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function call(ws: WebSocket, id: number, method: string, params: unknown): Promise<WireMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const m = JSON.parse(String(data)) as WireMessage;
      if (m.kind === 'result' && m.id === id) {
        ws.off('message', onMessage);
        resolve(m);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof params === 'string' ? params : JSON.stringify({ id, method, params }));
  });
}

/** A raw socket through the handshake, then `frame` written as it is; resolves when closed. */
function rawFrame(server: { origin: string; token: string }, frame: Buffer): Promise<string> {
  const { hostname, port } = new URL(server.origin);
  return new Promise<string>((resolve, reject) => {
    const sock = net.connect(Number(port), hostname);
    let seen = '';
    sock.on('data', (d) => {
      seen += d.toString('latin1');
      if (seen.includes('\r\n\r\n') && seen.startsWith('HTTP/1.1 101') && !sock.destroyed) {
        if (!seen.includes('frame-sent')) {
          seen += 'frame-sent';
          // the frame, then our end closed: a frame that asks for more bytes gets no more
          sock.end(frame);
        }
      }
    });
    sock.on('close', () => resolve(seen.split('\r\n')[0]));
    sock.on('error', reject);
    sock.write(
      [
        'GET /ws HTTP/1.1',
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Origin: ${server.origin}`,
        `Authorization: Bearer ${server.token}`,
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
  });
}

describe('serve mode', () => {
  it('binds to 127.0.0.1 and refuses requests without the launch token', async () => {
    const { server } = await serve();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[a-f0-9]{48}$/);
    expect((await get(server.origin + '/')).status).toBe(403);
    expect((await get(server.origin + '/?token=wrong')).status).toBe(403);
    const ok = await get(server.url);
    expect(ok.status).toBe(302);
    // the cookie is this server's own: cookies are shared across ports on 127.0.0.1
    const port = new URL(server.origin).port;
    expect(ok.headers['set-cookie']?.[0]).toMatch(
      new RegExp(`^sentinel_token_${port}=[a-f0-9]+; HttpOnly; SameSite=Strict`),
    );
    const cookie = ok.headers['set-cookie']![0].split(';')[0];
    const page = await get(server.origin + '/', { cookie });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    // DNS rebinding: a foreign Host header is refused even with the token
    expect((await get(server.origin + '/', { cookie, host: 'evil.example:80' })).status).toBe(403);
    // no path traversal out of the renderer folder
    expect((await get(server.origin + '/..%2f..%2fetc%2fpasswd', { cookie })).status).toBe(404);
  });

  it('carries the contract over a WebSocket, with an Origin check and clear errors for bogus messages', async () => {
    const { server } = await serve();
    const auth = { authorization: `Bearer ${server.token}` };
    await expect(
      connect('http://evil.example', server.origin.replace('http', 'ws') + '/ws', auth),
    ).rejects.toThrow(/403/);
    await expect(connect(server.origin, server.origin.replace('http', 'ws') + '/ws', {})).rejects.toThrow(
      /403/,
    );
    // a token of multi-byte characters is refused, and does not bring the server down
    const wide = { authorization: `Bearer ${'é'.repeat(48)}` };
    await expect(
      connect(
        server.origin,
        server.origin.replace('http', 'ws') + '/ws?token=' + encodeURIComponent('é'.repeat(48)),
        wide,
      ),
    ).rejects.toThrow(/403/);
    const ws = await connect(server.origin, server.origin.replace('http', 'ws') + '/ws', auth);
    try {
      const state = await call(ws, 1, 'app.state', {});
      expect(state).toMatchObject({
        kind: 'result',
        id: 1,
        result: { ok: true, value: { shell: 'serve', case: { schemaVersion: LATEST_VERSION } } },
      });
      expect(await call(ws, 2, 'nope', {})).toMatchObject({
        result: { ok: false, error: { code: 'BAD_REQUEST' } },
      });
      expect(await call(ws, 3, 'events.page', { datasetId: 'x' })).toMatchObject({
        result: { ok: false, error: { code: 'BAD_REQUEST' } },
      });
      expect(await call(ws, -1, '', 'not json at all')).toMatchObject({
        result: { ok: false, error: { code: 'BAD_REQUEST' } },
      });
    } finally {
      ws.close();
    }
  });

  it('a malformed WebSocket frame closes that socket only: the server goes on answering', async () => {
    const { server } = await serve();
    const raw = (frame: Buffer) => rawFrame(server, frame);
    const masked = (opcode: number, payload: Buffer) => {
      const mask = randomBytes(4);
      const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
      return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, body]);
    };
    const frames = {
      'an unmasked frame': Buffer.concat([Buffer.from([0x81, 0x05]), Buffer.from('hello')]),
      'a reserved opcode': masked(0x3, Buffer.from('x')),
      'invalid UTF-8': masked(0x1, Buffer.from([0xff, 0xfe, 0xfd])),
      'a 4 GiB message announced': Buffer.concat([
        Buffer.from([0x82, 0xff, 0, 0, 0, 1, 0, 0, 0, 0]),
        randomBytes(4),
      ]),
    };
    for (const [what, frame] of Object.entries(frames)) {
      expect(await raw(frame), what).toBe('HTTP/1.1 101 Switching Protocols');
      const ws = await connect(server.origin, server.origin.replace('http', 'ws') + '/ws', {
        authorization: `Bearer ${server.token}`,
      });
      expect(await call(ws, 1, 'app.state', {}), what).toMatchObject({ result: { ok: true } });
      ws.close();
    }
  });

  it('goes on answering after seconds of random frames and messages (fuzz)', async () => {
    const { server } = await serve();
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100_000);
    let state = seed;
    const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const methods = [...Object.keys(requestSchemas), 'nope', '', '__proto__', 'constructor'];
    const junk = (depth = 0): unknown =>
      depth > 2
        ? pick([null, 0, -1, 1e308, 'x', '', true])
        : pick([
            () => null,
            () => Math.floor(rand() * 2 ** 31) - 2 ** 30,
            () => 'é\u0000'.repeat(Math.floor(rand() * 5)),
            () => Array.from({ length: Math.floor(rand() * 4) }, () => junk(depth + 1)),
            () =>
              Object.fromEntries(
                ['datasetId', 'path', 'uploadId', 'jobId', 'limit', 'offset', 'view', '__proto__'].map(
                  (k) => [k, junk(depth + 1)],
                ),
              ),
          ])();
    const ws = await connect(server.origin, server.origin.replace('http', 'ws') + '/ws', {
      authorization: `Bearer ${server.token}`,
    });
    let answered = 0;
    ws.on('message', () => answered++);
    const until = Date.now() + 3000;
    let sent = 0;
    while (Date.now() < until) {
      const kind = rand();
      if (kind < 0.6) {
        ws.send(JSON.stringify({ id: sent, method: pick(methods), params: junk() }));
      } else if (kind < 0.8) {
        ws.send(
          pick([
            '',
            '{',
            '[]',
            'null',
            '{"id":1}',
            '{"id":"x","method":1}',
            Buffer.from([0xff, 0x00]).toString('latin1'),
          ]),
        );
      } else {
        // a frame of random bytes after the handshake, on a socket of its own
        const bytes = Buffer.from(
          Array.from({ length: 2 + Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)),
        );
        await rawFrame(server, bytes);
      }
      sent++;
      if (sent % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const state2 = await call(ws, 999_999, 'app.state', {});
    expect(state2, `seed ${seed}`).toMatchObject({ result: { ok: true } });
    expect(answered).toBeGreaterThan(0);
    ws.close();
    const again = await connect(server.origin, server.origin.replace('http', 'ws') + '/ws', {
      authorization: `Bearer ${server.token}`,
    });
    expect(await call(again, 1, 'app.state', {}), `seed ${seed}`).toMatchObject({ result: { ok: true } });
    again.close();
  });

  it('lets a page name no file of the machine: data by upload, cases in the cases folder only', async () => {
    const { server, dir } = await serve();
    const outside = tempDir();
    symlinkSync(outside, path.join(dir, 'link'));
    const ws = await connect(server.origin, server.origin.replace('http', 'ws') + '/ws', {
      authorization: `Bearer ${server.token}`,
    });
    try {
      let id = 10;
      const ask = (method: string, params: unknown) => call(ws, ++id, method, params);
      const refused = { result: { ok: false, error: { code: 'FORBIDDEN' } } };
      const state = await ask('app.state', {});
      expect(state).toMatchObject({ result: { ok: true, value: { casesFolder: realpathSync(dir) } } });
      for (const [method, params] of [
        ['ingest.start', { path: '/etc/passwd' }],
        ['ingest.preview', { path: '/etc/passwd' }],
        ['model.score', { datasetId: 1, path: '/etc/passwd' }],
        ['case.open', { path: '/etc/passwd' }],
        ['case.create', { path: path.join(outside, 'x.sentinel') }],
        ['case.create', { path: '../x.sentinel' }],
        ['case.create', { path: 'link/x.sentinel' }],
        ['demo.create', { path: '/tmp/demo-anywhere.sentinel' }],
      ] as const) {
        const r = await ask(method, params);
        expect(r, `${method} ${JSON.stringify(params)}`).toMatchObject(refused);
        expect(JSON.stringify(r)).not.toMatch(/root:/); // nothing of the file is quoted
      }
      // a link in the folder whose target does not exist yet, or beside an export's name
      symlinkSync(path.join(outside, 'pwned.sentinel'), path.join(dir, 'dangling.sentinel'));
      symlinkSync(path.join(outside, 'pwned.json'), path.join(dir, 'm.json'));
      expect(await ask('case.create', { path: 'dangling.sentinel' })).toMatchObject(refused);
      expect(await ask('model.train', { datasetId: 1, model: 'iforest', out: 'm.onnx' })).toMatchObject(
        refused,
      );
      expect(readdirSync(outside)).toEqual([]);
      // a name that merely starts with two dots is a name in the folder
      expect(await ask('case.create', { path: '..odd.sentinel' })).toMatchObject({ result: { ok: true } });
      // a name in the folder is a case there
      const made = await ask('case.create', { path: 'new.sentinel' });
      expect(made).toMatchObject({
        result: { ok: true, value: { path: path.join(realpathSync(dir), 'new.sentinel') } },
      });
      expect(existsSync(path.join(dir, 'new.sentinel'))).toBe(true);
    } finally {
      ws.close();
    }
  });

  it('refuses an upload over the limit, chunked or not, keeping nothing; 400 for bad URLs', async () => {
    const { server, uploads } = await serve(1000);
    const cookie = (await get(server.url)).headers['set-cookie']![0].split(';')[0];
    const upload = (chunks: Buffer[], announce: boolean) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(server.origin + '/api/upload?name=big.csv', {
          method: 'POST',
          headers: {
            cookie,
            origin: server.origin,
            ...(announce ? { 'content-length': String(chunks.reduce((n, c) => n + c.length, 0)) } : {}),
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', (e) =>
          (e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET'
            ? resolve(-1)
            : reject(e),
        );
        for (const c of chunks) req.write(c);
        req.end();
      });
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(500, 0x41));
    expect(await upload(chunks, true)).toBe(413);
    expect([413, -1]).toContain(await upload(chunks, false)); // chunked: counted as it comes
    expect(await upload([Buffer.from('a,b\n1,2\n')], false)).toBe(200);
    // only the owner mark and the small upload are kept: no part of the big bodies
    // (a connection reset may reach us before the server has dropped the partial file)
    for (let i = 0; i < 50 && readdirSync(uploads.dir).length > 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    const kept = readdirSync(uploads.dir).map((f) => statSync(path.join(uploads.dir, f)).size);
    expect(kept.length).toBe(2);
    expect(kept.every((size) => size < 100)).toBe(true);
    expect((await get(server.origin + '/%E0%A4%A', { cookie })).status).toBe(400);
    expect((await get(server.origin + '/', { cookie })).status).toBe(200); // and it goes on
  });

  it('removes the uploads of a server that was killed when another starts', async () => {
    const tmp = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    const left = path.join(tmp, 'sentinel-uploads-old');
    mkdirSync(left);
    writeFileSync(path.join(left, 'owner.pid'), dead);
    writeFileSync(path.join(left, 'abc'), 'card data');
    const running = path.join(tmp, 'sentinel-uploads-running');
    mkdirSync(running);
    writeFileSync(path.join(running, 'owner.pid'), String(process.pid));
    const store = new UploadStore(tmp);
    try {
      expect(existsSync(left)).toBe(false);
      expect(existsSync(running)).toBe(true); // a live server's uploads stay
      expect(readFileSync(path.join(store.dir, 'owner.pid'), 'utf8')).toBe(String(process.pid));
    } finally {
      store.clear();
    }
  });

  it('imports an uploaded file and pushes progress and finish events', async () => {
    const { server } = await serve();
    const auth = { authorization: `Bearer ${server.token}` };
    const up = await get(
      server.origin + '/api/upload?name=tx.csv',
      { ...auth, origin: server.origin, 'content-type': 'text/csv' },
      'POST',
      'ts,user,amount\n2026-01-01T00:00:00Z,a,1\n2026-01-01T00:01:00Z,b,2\n',
    );
    expect(up.status).toBe(200);
    const uploadId = (JSON.parse(up.body) as { value: { uploadId: string } }).value.uploadId;
    const foreign = await get(
      server.origin + '/api/upload?name=x.csv',
      { ...auth, origin: 'http://evil.example' },
      'POST',
      'a\n1\n',
    );
    expect(foreign.status).toBe(403);
    const noOrigin = await get(server.origin + '/api/upload?name=x.csv', auth, 'POST', 'a\n1\n');
    expect(noOrigin.status).toBe(403);
    const ws = await connect(server.origin, server.origin.replace('http', 'ws') + '/ws', auth);
    try {
      const events: WireMessage[] = [];
      ws.on('message', (d: Buffer) => events.push(JSON.parse(String(d)) as WireMessage));
      const started = await call(ws, 1, 'ingest.start', { uploadId, fileName: 'tx.csv' });
      expect(started).toMatchObject({ result: { ok: true } });
      await new Promise<void>((resolve) => {
        const check = () =>
          events.some((e) => e.kind === 'event' && e.event === 'job.finished')
            ? resolve()
            : setTimeout(check, 20);
        check();
      });
      const finished = events.find((e) => e.kind === 'event' && e.event === 'job.finished');
      expect(finished).toMatchObject({ payload: { ok: true, result: { rows: 2, dataset: { name: 'tx' } } } });
      expect(events.some((e) => e.kind === 'event' && e.event === 'case.changed')).toBe(true);
      // the upload is gone once ingested
      expect(await call(ws, 2, 'ingest.start', { uploadId })).toMatchObject({
        result: { ok: false, error: { code: 'BAD_REQUEST' } },
      });
    } finally {
      ws.close();
    }
  });
});
