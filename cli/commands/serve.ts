// `strata serve [--port 8080] [--host 127.0.0.1] [--images DIR] [--allow-host H]… [--allow-push-host H]… [--allow-private]`: the web app,
// the registry proxy and the embedded registry until SIGINT/SIGTERM. Node side.
import { existsSync } from 'node:fs';
import { bool, flag, parseArgs, UsageError } from '../args.ts';
import { startServer } from '../../server/serve.ts';

const SERVE_FLAGS = { boolean: ['allow-private', 'no-demo', 'help', 'allow-push'], value: ['port', 'host', 'images', 'allow-host', 'allow-push-host', 'allow-origin', 'public-host', 'push-dir'] };
const SERVE_USAGE = `usage: strata serve [--port 8080] [--host 127.0.0.1] [--images DIR]... [--allow-host H]... [--allow-push-host H]... [--allow-private] [--no-demo] [--allow-push [--push-dir DIR]]
  --images DIR     serve the OCI layouts in DIR (DIR itself, or one layout per subdirectory) at /v2/
  --allow-host H   let the proxy reach registry H ([http://|https://]host[:port], '*.example.com')
  --allow-push-host H  let the page push (blob uploads, manifest PUT) through the proxy to registry H (exact
                   [http://|https://]host[:port], also given with --allow-host or built in); pushes anywhere else are refused
  --allow-private  let allowed hosts resolve to private/loopback addresses
  --allow-origin O let pages from origin O (e.g. https://app.example) use the proxy (default: only this app)
  --public-host N  also answer to host name N (default: loopback names and --host only, against DNS rebinding)
  --no-demo        do not build and serve the demo images (demo/layers, demo/multiarch, demo/zstd)
  --allow-push     accept pushes into the embedded registry (blob uploads, manifest PUT), e.g. images committed in
                   the Container tab; they are written as OCI layouts and served at once (npm start turns this on)
  --push-dir DIR   where pushed repositories are written (default .cache/pushed-images)`;

export async function serveCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, SERVE_FLAGS);
  if (bool(p, 'help')) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }
  if (p.positional.length > 0) throw new UsageError(`strata serve takes no positional arguments (got "${p.positional[0]}")`);
  const portText = flag(p, 'port') ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${portText}"`);
  const imageDirs = p.flags.get('images') ?? [];
  for (const dir of imageDirs) if (!existsSync(dir)) throw new UsageError(`--images ${dir}: no such directory`);
  const host = flag(p, 'host') ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    process.stderr.write(`strata: warning: listening on ${host}; the proxy and registry become reachable from other machines\n`);
    if (bool(p, 'allow-push')) process.stderr.write('strata: warning: --allow-push lets anyone who reaches this server write images into the push directory\n');
  }
  if (flag(p, 'push-dir') !== undefined && !bool(p, 'allow-push')) throw new UsageError('--push-dir needs --allow-push');

  const server = await startServer({
    port,
    host,
    imageDirs,
    ...(bool(p, 'no-demo') ? { demoDir: false as const } : {}),
    allowHosts: p.flags.get('allow-host') ?? [],
    allowPushHosts: p.flags.get('allow-push-host') ?? [],
    allowPrivate: bool(p, 'allow-private'),
    allowOrigins: p.flags.get('allow-origin') ?? [],
    publicHosts: p.flags.get('public-host') ?? [],
    allowPush: bool(p, 'allow-push'),
    ...(flag(p, 'push-dir') !== undefined ? { pushDir: flag(p, 'push-dir')! } : {}),
  }).catch((e: unknown) => {
    const err = e as { code?: string; message?: string };
    if (err.code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is in use; pick another with --port`);
    if (/^allow-(push-)?host /.test(err.message ?? '')) throw new UsageError(`--${err.message ?? ''}`);
    throw e;
  });
  process.stdout.write(`strata: serving ${server.url}  (registry: ${server.url}v2/, repositories: ${server.repositories.join(', ') || 'none'})\n`);
  const pushHosts = p.flags.get('allow-push-host') ?? [];
  if (pushHosts.length > 0) process.stdout.write(`strata: the proxy forwards pushes to ${pushHosts.join(', ')} only\n`);
  process.stdout.write('strata: press Ctrl+C to stop\n');

  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  process.stdout.write('strata: stopped\n');
  return 0;
}
