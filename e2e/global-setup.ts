// Global setup of the browser tests: builds dist/ when stale, builds the demo images, starts a real registry with
// htpasswd auth holding a private copy of demo/layers (skopeo), and starts `strata serve` on 127.0.0.1:0 allowing that
// registry (reads, and pushes with --allow-push-host). Exposes URLs through STRATA_E2E_* env vars; the returned
// teardown stops both. Node side.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoImages } from '../server/demo/build-demo-images.ts';
import { startServer } from '../server/serve.ts';
import { startRealRegistry } from '../src/testing/real-registry.ts';
import { E2E_USER } from './e2e-env.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

function buildIfStale(): void {
  const built = existsSync(join(root, 'dist', 'index.html')) ? statSync(join(root, 'dist', 'index.html')).mtimeMs : 0;
  const sources = Math.max(...['src', 'workers', 'index.html', 'vite.config.ts', 'public'].map((p) => newestMtime(join(root, p))));
  if (built >= sources) return;
  const r = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed with exit code ${r.status}`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  buildIfStale();
  const tmp = mkdtempSync(join(tmpdir(), 'strata-e2e-'));
  const demo = await ensureDemoImages(join(tmp, 'demo'));
  const registry = await startRealRegistry({ user: E2E_USER });
  try {
    execFileSync('/usr/bin/skopeo', [
      'copy', '--insecure-policy', '--dest-tls-verify=false', '--dest-creds', `${E2E_USER.username}:${E2E_USER.password}`,
      `oci:${join(demo.dir, 'layers')}:latest`, `docker://${registry.host}/private/layers:latest`,
    ], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    await registry.stop();
    throw e;
  }
  const server = await startServer({ port: 0, host: '127.0.0.1', demoDir: demo.dir, allowHosts: [registry.host], allowPushHosts: [registry.host], allowPush: true, pushDir: join(tmp, 'pushed'), log: () => undefined });
  process.env.STRATA_E2E_URL = server.url;
  process.env.STRATA_E2E_REGISTRY = registry.host;
  return async () => {
    await server.close();
    await registry.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
}
