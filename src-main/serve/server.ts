// Serve mode: the same engine host behind HTTP + WebSocket, bound to 127.0.0.1 only.
// Every request needs the per-launch token (given once in the URL, then held in an HttpOnly
// cookie); WebSocket upgrades and uploads also need our own Origin; Host is checked against
// DNS rebinding.
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { Transform } from 'node:stream';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENT_NAMES, type WireMessage } from '../../src-shared/contract';
import { toAppError } from '../../src-shared/result';
import type { EngineHost } from '../engine/host';

export interface ServeOptions {
  port?: number;
  rendererDir: string;
  /** The largest upload taken, whether its length is announced or it comes in chunks. */
  maxUploadBytes?: number;
}

export interface Server {
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

/** Cookies are shared across ports: each server has its own cookie name. */
const cookieName = (port: number) => `sentinel_token_${port}`;
const MAX_WS_MESSAGE = 1 << 20;
const MAX_UPLOAD_BYTES = 20 * 1024 ** 3;
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const UPLOADS_PREFIX = 'sentinel-uploads-';
const OWNER_FILE = 'owner.pid';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Upload folders left by a server that was killed (its process gone, or no owner written and a
 * day old) are removed when another starts: uploads hold case data and are not left behind.
 */
export function removeStaleUploads(tmp = os.tmpdir()): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(tmp)) {
    if (!name.startsWith(UPLOADS_PREFIX)) continue;
    const dir = path.join(tmp, name);
    try {
      const owner = path.join(dir, OWNER_FILE);
      const pid = existsSync(owner) ? Number(readFileSync(owner, 'utf8')) : NaN;
      const stale = Number.isInteger(pid) ? !alive(pid) : Date.now() - statSync(dir).mtimeMs > 86_400_000;
      if (stale) {
        rmSync(dir, { recursive: true, force: true });
        removed.push(dir);
      }
    } catch {
      // another user's folder, or gone meanwhile: not ours to remove
    }
  }
  return removed;
}

/** Uploaded files, by id, for `ingest.start {uploadId}`. */
export class UploadStore {
  readonly dir: string;
  constructor(tmp = os.tmpdir()) {
    removeStaleUploads(tmp);
    this.dir = mkdtempSync(path.join(tmp, UPLOADS_PREFIX));
    writeFileSync(path.join(this.dir, OWNER_FILE), String(process.pid));
  }
  private readonly files = new Map<string, { path: string; fileName: string }>();
  add(fileName: string): { id: string; path: string } {
    const id = randomBytes(16).toString('hex');
    const p = path.join(this.dir, id);
    this.files.set(id, { path: p, fileName });
    return { id, path: p };
  }
  get = (id: string) => this.files.get(id) ?? null;
  drop(id: string): void {
    const f = this.files.get(id);
    if (f) rmSync(f.path, { force: true });
    this.files.delete(id);
  }
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Constant-time comparison of any input with the token (digests have equal lengths). */
function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const digest = (x: string) => createHash('sha256').update(x).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function cookieToken(req: http.IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export async function startServer(
  host: EngineHost,
  uploads: UploadStore,
  opts: ServeOptions,
): Promise<Server> {
  const token = randomBytes(24).toString('hex');
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const origin = `http://127.0.0.1:${port}`;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const cookie = cookieName(port);
  const maxUpload = opts.maxUploadBytes ?? MAX_UPLOAD_BYTES;

  const authorised = (req: http.IncomingMessage, url: URL): boolean =>
    sameToken(cookieToken(req, cookie), token) ||
    sameToken(url.searchParams.get('token') ?? undefined, token) ||
    sameToken(req.headers.authorization?.replace(/^Bearer /, ''), token);
  const originOk = (req: http.IncomingMessage): boolean => {
    const o = req.headers.origin;
    return o === undefined ? false : o === origin || o === `http://localhost:${port}`;
  };

  const send = (
    res: http.ServerResponse,
    status: number,
    body: string,
    type = 'text/plain; charset=utf-8',
  ) => {
    res.writeHead(status, {
      'Content-Type': type,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(body);
  };
  const sendJson = (res: http.ServerResponse, status: number, value: unknown) =>
    send(res, status, JSON.stringify(value), 'application/json');

  server.on('request', (req, res) => {
    void (async () => {
      if (!allowedHosts.has(req.headers.host ?? ''))
        return send(res, 403, 'Forbidden: unexpected Host header');
      const url = new URL(req.url ?? '/', origin);
      if (!authorised(req, url)) {
        return send(
          res,
          403,
          "Forbidden: open the URL printed by `sentinel serve` (it carries this launch's token).",
        );
      }
      if (url.searchParams.has('token')) {
        res.writeHead(302, {
          'Set-Cookie': `${cookie}=${token}; HttpOnly; SameSite=Strict; Path=/`,
          Location: url.pathname,
          'Cache-Control': 'no-store',
        });
        return res.end();
      }
      if (url.pathname === '/api/upload') {
        if (req.method !== 'POST')
          return sendJson(res, 405, {
            ok: false,
            error: { code: 'BAD_REQUEST', message: 'POST a file body' },
          });
        if (!originOk(req)) {
          return sendJson(res, 403, {
            ok: false,
            error: { code: 'FORBIDDEN', message: 'uploads must come from the workstation page (Origin)' },
          });
        }
        const name =
          (url.searchParams.get('name') ?? 'upload').replace(/[\\/\0]/g, '_').slice(0, 255) || 'upload';
        const length = Number(req.headers['content-length'] ?? 0);
        const tooLarge = () =>
          sendJson(res, 413, {
            ok: false,
            error: {
              code: 'IO',
              message: `file too large (more than ${maxUpload.toLocaleString('en-US')} bytes)`,
              file: name,
            },
          });
        if (length > maxUpload) {
          res.setHeader('Connection', 'close');
          return tooLarge();
        }
        const up = uploads.add(name);
        // a chunked body announces no length: it is counted as it comes
        let seen = 0;
        const limit = new Transform({
          transform(chunk: Buffer, _enc, done) {
            seen += chunk.length;
            done(seen > maxUpload ? new Error('too large') : null, chunk);
          },
        });
        try {
          await pipeline(req, limit, createWriteStream(up.path));
        } catch (e) {
          uploads.drop(up.id);
          if (seen > maxUpload) {
            res.setHeader('Connection', 'close');
            tooLarge();
            req.destroy();
            return;
          }
          return sendJson(res, 500, {
            ok: false,
            error: { code: 'IO', message: `upload failed: ${(e as Error).message}`, file: name },
          });
        }
        return sendJson(res, 200, { ok: true, value: { uploadId: up.id } });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
      // Static renderer files.
      let rel: string;
      try {
        rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
      } catch {
        return send(res, 400, 'Bad request: the path is not valid percent-encoding');
      }
      const file = path.resolve(opts.rendererDir, '.' + rel);
      if (
        !file.startsWith(path.resolve(opts.rendererDir) + path.sep) ||
        !existsSync(file) ||
        !statSync(file).isFile()
      ) {
        return send(res, 404, 'Not found');
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, `Internal error: ${(e as Error).message}`);
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    const refuse = () => {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
    };
    try {
      const url = new URL(req.url ?? '/', origin);
      if (
        url.pathname !== '/ws' ||
        !allowedHosts.has(req.headers.host ?? '') ||
        !originOk(req) ||
        !authorised(req, url)
      ) {
        return refuse();
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch {
      refuse(); // a malformed upgrade must never take the server down
    }
  });

  const sockets = new Set<WebSocket>();
  const post = (ws: WebSocket, m: WireMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const unsubscribe = EVENT_NAMES.map((event) =>
    host.on(event, (payload) => {
      for (const ws of sockets) post(ws, { kind: 'event', event, payload });
    }),
  );
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    // A malformed frame (no mask, a reserved opcode, invalid UTF-8, a message over the limit)
    // is this socket's error: ws has already failed the connection; it must not reach the
    // process as an unhandled 'error' event, which would end serve mode for every page.
    ws.on('error', () => {
      sockets.delete(ws);
      ws.terminate();
    });
    ws.on('message', (data, isBinary) => {
      let msg: { id?: unknown; method?: unknown; params?: unknown };
      try {
        if (isBinary) throw new Error('binary');
        msg = JSON.parse(String(data)) as typeof msg;
        if (typeof msg !== 'object' || msg === null) throw new Error('not an object');
      } catch {
        post(ws, {
          kind: 'result',
          id: -1,
          result: {
            ok: false,
            error: { code: 'BAD_REQUEST', message: 'messages must be JSON objects {id, method, params}' },
          },
        });
        return;
      }
      const id = typeof msg.id === 'number' && Number.isSafeInteger(msg.id) ? msg.id : -1;
      if (id < 0) {
        post(ws, {
          kind: 'result',
          id: -1,
          result: { ok: false, error: { code: 'BAD_REQUEST', message: 'a request needs a numeric id' } },
        });
        return;
      }
      void host
        .handle(msg.method, msg.params)
        .catch((e: unknown) => ({ ok: false as const, error: toAppError(e) })) // never the process's end
        .then((result) => post(ws, { kind: 'result', id, result }));
    });
  });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: async () => {
      unsubscribe.forEach((u) => u());
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
