// Serves the built single-page app from dist/: static files with their content types, index.html for client
// routes, immutable caching for Vite's hashed assets, and no way out of the folder. Node side.
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type * as http from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
/** Vite names built assets name-<hash>.ext under assets/: their bytes never change under that name. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const BASE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' } as const;

const MISSING_BUILD_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strata</title></head>
<body><h1>Strata</h1><p>The web app is not built yet. Run <code>npm run build</code>, then restart <code>strata serve</code>.</p>
<p>The embedded registry is already up at <a href="/v2/_catalog">/v2/_catalog</a>.</p></body></html>`;

export type SpaFiles = { handle(req: http.IncomingMessage, res: http.ServerResponse): void };

export function createSpaFiles(distDir: string): SpaFiles {
  const root = resolve(distDir);
  return {
    handle(req, res) {
      serveFile(root, req, res).catch(() => {
        if (!res.headersSent) sendText(req, res, 500, 'internal error');
        else res.destroy();
      });
    },
  };
}

async function serveFile(root: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(req, res, 405, 'method not allowed', { allow: 'GET, HEAD' });
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://app.invalid').pathname);
  } catch {
    return sendText(req, res, 400, 'bad path');
  }
  if (pathname.includes('\0') || pathname.includes('\\') || pathname.split('/').includes('..')) return sendText(req, res, 400, 'bad path');
  if (!existsSync(join(root, 'index.html'))) {
    if (pathname === '/' || pathname === '/index.html') return sendText(req, res, 200, MISSING_BUILD_PAGE, {}, 'text/html; charset=utf-8');
    return sendText(req, res, 404, 'not found (the app is not built: run npm run build)');
  }
  const target = resolve(root, `.${pathname}`);
  if (target !== root && !target.startsWith(root + sep)) return sendText(req, res, 400, 'bad path');
  const st = await stat(target).catch(() => undefined);
  if (st?.isFile()) return streamFile(req, res, target, st.size, pathname);
  // Client-side routes (no file extension) get the app shell; a missing asset is a real 404.
  if (extname(pathname) === '' || pathname.endsWith('/')) {
    const index = join(root, 'index.html');
    const indexStat = await stat(index);
    return streamFile(req, res, index, indexStat.size, '/index.html');
  }
  return sendText(req, res, 404, 'not found');
}

function streamFile(req: http.IncomingMessage, res: http.ServerResponse, path: string, size: number, pathname: string): void {
  const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    ...BASE_HEADERS,
    'content-type': type,
    'content-length': String(size),
    'cache-control': HASHED_ASSET.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(path);
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

function sendText(req: http.IncomingMessage, res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}, type = 'text/plain; charset=utf-8'): void {
  const body = Buffer.from(text);
  res.writeHead(status, { ...BASE_HEADERS, ...headers, 'content-type': type, 'content-length': String(body.length), 'cache-control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
