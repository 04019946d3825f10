// Tar entries of the demo images: small, deterministic file trees that show layering at work (whiteouts, opaque
// directories, hardlinks, symlinks, a big file re-shipped by chmod). Node side, used by build-demo-images.ts.
import type { TarEntry } from '../../src/core/layers/tar-writer.ts';

/** Fixed timestamp so layer bytes, and therefore digests, never change between builds. */
export const DEMO_MTIME = 1_700_000_000;
export const DEMO_CREATED = new Date(DEMO_MTIME * 1000).toISOString();
export const BIG_FILE_SIZE = 2 * 1024 * 1024;

const enc = new TextEncoder();
const base = { uid: 0, gid: 0, mtime: DEMO_MTIME, uname: 'root', gname: 'root' } as const;

export const dir = (path: string, mode = 0o755): TarEntry => ({ ...base, path, type: 'dir', mode });
export const file = (path: string, content: string | Uint8Array, mode = 0o644): TarEntry => ({
  ...base, path, type: 'file', mode, body: { kind: 'bytes', bytes: typeof content === 'string' ? enc.encode(content) : content },
});
export const symlink = (path: string, target: string): TarEntry => ({ ...base, path, type: 'symlink', mode: 0o777, linkTarget: target });
export const hardlink = (path: string, target: string): TarEntry => ({ ...base, path, type: 'hardlink', mode: 0o755, linkTarget: target });
/** OCI image-spec layer.md: ".wh.<name>" removes <name> from the lower layers. */
export const whiteout = (path: string): TarEntry => {
  const slash = path.lastIndexOf('/');
  return file(`${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}`, '', 0o644);
};
/** layer.md: ".wh..wh..opq" hides everything the lower layers had in its directory. */
export const opaque = (dirPath: string): TarEntry => file(`${dirPath}/.wh..wh..opq`, '', 0o644);

/** Pseudo-random bytes from a fixed seed (xorshift32): incompressible like a real binary, identical every build. */
export function makeNoise(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function baseLayer(arch = 'amd64'): TarEntry[] {
  return [
    dir('bin'), dir('etc'), dir('tmp', 0o1777), dir('usr'), dir('usr/bin'), dir('var'), dir('var/log'),
    file('bin/busybox', makeNoise(48 * 1024, arch === 'amd64' ? 7 : 11), 0o755),
    symlink('bin/sh', 'busybox'),
    symlink('bin/ls', 'busybox'),
    symlink('usr/bin/env', '/bin/busybox'),
    hardlink('usr/bin/busybox', 'bin/busybox'),
    file('etc/os-release', `NAME="Strata Demo"\nID=strata-demo\nVERSION_ID=1\n`),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/opt/app:/bin/sh\n'),
    file('etc/group', 'root:x:0:\napp:x:1000:\n'),
    file('etc/hostname', 'strata-demo\n'),
  ];
}

export function appLayer(bigFile: Uint8Array): TarEntry[] {
  return [
    dir('etc'), dir('opt'), dir('opt/app'), dir('opt/app/bin'), dir('opt/app/cache'), dir('var'), dir('var/log'),
    file('etc/app.conf', 'listen = 0.0.0.0:8080\nsecret = not-really\n'),
    file('opt/app/bin/app', makeNoise(96 * 1024, 23), 0o755),
    hardlink('opt/app/bin/app-alias', 'opt/app/bin/app'),
    file('opt/app/data.bin', bigFile, 0o644),
    file('opt/app/config.yml', 'mode: demo\nlayers: teach\n'),
    file('opt/app/cache/a.tmp', makeNoise(16 * 1024, 31)),
    file('opt/app/cache/b.tmp', makeNoise(16 * 1024, 37)),
    file('var/log/app.log', 'started\n'),
  ];
}

export function cleanupLayer(): TarEntry[] {
  return [
    dir('etc'), whiteout('etc/app.conf'),
    dir('opt'), dir('opt/app'), dir('opt/app/cache'), opaque('opt/app/cache'),
    file('opt/app/cache/fresh.txt', 'fresh\n'),
  ];
}

/** `chmod 0755 /opt/app/data.bin` copies the whole file up into a new layer: the same bytes shipped twice. */
export function chmodLayer(bigFile: Uint8Array): TarEntry[] {
  return [dir('opt'), dir('opt/app'), file('opt/app/data.bin', bigFile, 0o755)];
}

export function archLayer(arch: string): TarEntry[] {
  return [
    dir('etc'), dir('usr'), dir('usr/bin'),
    file('etc/arch', `${arch}\n`),
    file('usr/bin/hello', makeNoise(arch === 'amd64' ? 12 * 1024 : 10 * 1024, arch === 'amd64' ? 41 : 43), 0o755),
  ];
}
