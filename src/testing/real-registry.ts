// Starts a real distribution registry (Debian's docker-registry 2.8) on 127.0.0.1 with a free port and a temp storage
// dir, optionally behind htpasswd Basic auth (bcrypt via hash-wasm), waits for /v2/ and stops it by PID. Node tests only.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bcrypt } from 'hash-wasm';

export const DOCKER_REGISTRY_BIN = '/usr/bin/docker-registry';

export type RealRegistry = {
  /** 127.0.0.1:port */
  readonly host: string;
  readonly url: string;
  readonly storageDir: string;
  readonly pid: number;
  stop(): Promise<void>;
};

export type RealRegistryOptions = {
  /** Require Basic auth with this user (htpasswd file, bcrypt). */
  readonly user?: { readonly username: string; readonly password: string };
  readonly startTimeoutMs?: number;
};

export function isRealRegistryInstalled(): boolean {
  return existsSync(DOCKER_REGISTRY_BIN);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** An htpasswd line with a bcrypt hash ($2a$, which Go's bcrypt accepts); cost 5 keeps tests fast. */
export async function htpasswdLine(username: string, password: string): Promise<string> {
  const hash = await bcrypt({ password, salt: randomBytes(16), costFactor: 5, outputType: 'encoded' });
  return `${username}:${hash}\n`;
}

function configYaml(port: number, dataDir: string, htpasswdPath: string | undefined): string {
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(dataDir)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    ...(htpasswdPath ? ['auth:', '  htpasswd:', '    realm: strata-test', `    path: ${JSON.stringify(htpasswdPath)}`] : []),
    '',
  ].join('\n');
}

async function waitForApi(url: string, child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with code ${child.exitCode}: ${stderr().slice(-2000)}`);
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer /v2/ within ${timeoutMs} ms: ${stderr().slice(-2000)}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const kill = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    process.kill(child.pid, 'SIGTERM');
  });
}

/** Starts docker-registry; the caller must `stop()` it (in `after()`). */
export async function startRealRegistry(options: RealRegistryOptions = {}): Promise<RealRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-registry-'));
  const dataDir = join(dir, 'data');
  let htpasswdPath: string | undefined;
  if (options.user) {
    htpasswdPath = join(dir, 'htpasswd');
    await writeFile(htpasswdPath, await htpasswdLine(options.user.username, options.user.password), { mode: 0o600 });
  }
  let lastError: unknown;
  for (let tries = 0; tries < 3; tries++) {
    const port = await freePort();
    const configPath = join(dir, 'config.yml');
    await writeFile(configPath, configYaml(port, dataDir, htpasswdPath));
    const child = spawn(DOCKER_REGISTRY_BIN, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errText = '';
    child.stderr?.on('data', (d: Buffer) => {
      errText = (errText + d.toString()).slice(-8000);
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForApi(url, child, () => errText, options.startTimeoutMs ?? 15_000);
    } catch (e) {
      lastError = e;
      await stopChild(child);
      continue;
    }
    const pid = child.pid ?? -1;
    return {
      host: `127.0.0.1:${port}`, url, storageDir: dataDir, pid,
      stop: async () => {
        await stopChild(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
