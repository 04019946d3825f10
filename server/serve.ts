// The strata web server (node:http): the built SPA from dist/, /proxy/… (CORS proxy to registries) and /v2/… (the
// embedded registry over demo images and --images layouts, accepting pushes with allowPush) and /api/config (what the
// page may push where). Node side; listens on 127.0.0.1 by default.
import { mkdir } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoImages } from './demo/build-demo-images.ts';
import { createProxy } from './proxy/create-proxy.ts';
import { createRegistry } from './registry/create-registry.ts';
import { loadLayoutStore } from './registry/layout-store.ts';
import { createPushRoutes, type PushRoutes } from './registry/push-routes.ts';
import { createPushStore } from './registry/push-store.ts';
import type { UploadLimits } from './registry/upload-sessions.ts';
import { createSpaFiles } from './spa-files.ts';

export type ServerOptions = {
  readonly port?: number;
  readonly host?: string;
  /** Folders of OCI layouts to serve (each a layout, or a folder of layouts: one per subdirectory). */
  readonly imageDirs?: readonly string[];
  /** Where the demo images are built and served from; false leaves them out. Default .cache/demo-images. */
  readonly demoDir?: string | false;
  readonly distDir?: string;
  readonly allowHosts?: readonly string[];
  readonly allowPrivate?: boolean;
  /** Host names (besides loopback and the listening host) this server answers to; guards against DNS rebinding. */
  readonly publicHosts?: readonly string[];
  /** Extra origins allowed to use the proxy (the app's own origin always is). */
  readonly allowOrigins?: readonly string[];
  readonly log?: (line: string) => void;
  /** Accept pushes into the embedded registry (written as OCI layouts under pushDir, served at once). Default false. */
  readonly allowPush?: boolean;
  /** Where pushed repositories are written. Default .cache/pushed-images. */
  readonly pushDir?: string;
  readonly uploadLimits?: UploadLimits;
  /** Registries (exact host[:port], each also in allowHosts or the built-in list) the proxy forwards pushes to. */
  readonly allowPushHosts?: readonly string[];
};

/** GET /api/config: what the page needs to know about this server before offering a push. */
export type ServerConfig = { readonly embeddedPush: boolean; readonly pushHosts: readonly string[] };

export type RunningServer = {
  readonly url: string;
  readonly port: number;
  readonly repositories: readonly string[];
  close(): Promise<void>;
};

export const DEFAULT_DIST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
export const DEFAULT_PUSH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'pushed-images');

function sendConfig(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('GET only\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string): void => void process.stderr.write(`${line}\n`));
  const roots: string[] = [];
  if (options.demoDir !== false) roots.push((await ensureDemoImages(options.demoDir, log)).dir);
  roots.push(...(options.imageDirs ?? []));
  const pushDir = resolve(options.pushDir ?? DEFAULT_PUSH_DIR);
  if (options.allowPush) {
    await mkdir(pushDir, { recursive: true });
    roots.push(pushDir);
  }
  const base = await loadLayoutStore(roots, log);
  const pushStore = options.allowPush ? createPushStore(base, pushDir) : undefined;
  const store = pushStore ?? base;
  const push: PushRoutes | undefined = pushStore ? createPushRoutes(pushStore, options.uploadLimits) : undefined;
  const registry = createRegistry(store, log, push);
  const spa = createSpaFiles(options.distDir ?? DEFAULT_DIST_DIR);
  const proxy = createProxy({
    allowHosts: options.allowHosts ?? [],
    allowPrivate: options.allowPrivate ?? false,
    ...(options.allowOrigins && options.allowOrigins.length > 0 ? { allowedOrigins: options.allowOrigins } : {}),
    allowPushHosts: options.allowPushHosts ?? [],
    log,
  });
  const config: ServerConfig = { embeddedPush: options.allowPush ?? false, pushHosts: proxy.pushHosts };
  const configBody = JSON.stringify(config);
  const host = options.host ?? '127.0.0.1';
  // A page on another site can rebind its own name to 127.0.0.1 and so reach this server "same-origin"; answer
  // only to the names this server is meant to have (hardening S13 and the proxy's origin check rely on it).
  const knownHosts = new Set(['localhost', '127.0.0.1', '[::1]', host.includes(':') ? `[${host}]` : host, ...(options.publicHosts ?? [])].map((h) => h.toLowerCase()));

  const server = http.createServer((req, res) => {
    const hostName = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (!knownHosts.has(hostName)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`strata serve does not answer to the host "${hostName.slice(0, 100)}"; start it with --public-host ${hostName.slice(0, 100)} if that name is really yours\n`);
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/api/config') sendConfig(req, res, configBody);
    else if (path.startsWith('/proxy/')) proxy.handle(req, res);
    else if (path === '/v2' || path.startsWith('/v2/')) registry.handle(req, res);
    else spa.handle(req, res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    repositories: store.listRepositories(),
    close: () => new Promise<void>((ok, fail) => {
      proxy.close();
      void push?.close();
      server.close((e) => (e ? fail(e) : ok()));
      server.closeAllConnections();
    }),
  };
}
