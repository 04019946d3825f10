// Test images built in code (Node): a minimal ustar writer for regular files and directories, gzip layers, image
// config, OCI/Docker manifests and indexes with their digests. For registry tests; not a general tar writer.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Digest } from '../core/oci/digest.ts';
import type { Descriptor } from '../core/oci/manifest.ts';
import { MEDIA } from '../core/oci/media-types.ts';
import type { Platform } from '../core/oci/platform.ts';

export type TarFile = { readonly path: string; readonly content?: string | Uint8Array; readonly dir?: boolean; readonly mode?: number };

const enc = new TextEncoder();

export function sha256Of(bytes: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;
}

export function descriptorOf(bytes: Uint8Array, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: sha256Of(bytes), size: bytes.byteLength, ...extra };
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar archive of regular files and directories (names ≤ 100 bytes), ending in two zero blocks. */
export function writeSimpleTar(files: readonly TarFile[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const f of files) {
    const body = f.dir ? new Uint8Array(0) : typeof f.content === 'string' ? enc.encode(f.content) : (f.content ?? new Uint8Array(0));
    const header = new Uint8Array(512);
    const put = (s: string, at: number): void => header.set(enc.encode(s), at);
    const name = f.dir && !f.path.endsWith('/') ? `${f.path}/` : f.path;
    if (enc.encode(name).byteLength > 100) throw new Error(`tar name too long for this writer: ${name}`);
    put(name, 0);
    put(octal(f.mode ?? (f.dir ? 0o755 : 0o644), 8), 100);
    put(octal(0, 8), 108);
    put(octal(0, 8), 116);
    put(octal(body.byteLength, 12), 124);
    put(octal(0, 12), 136);
    put('        ', 148);
    put(f.dir ? '5' : '0', 156);
    put('ustar\u000000', 257);
    let sum = 0;
    for (const b of header) sum += b;
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body);
    const pad = (512 - (body.byteLength % 512)) % 512;
    if (pad > 0) blocks.push(new Uint8Array(pad));
  }
  blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}

export type BuiltBlob = { readonly bytes: Uint8Array; readonly descriptor: Descriptor };
export type BuiltImage = {
  readonly layers: readonly (BuiltBlob & { readonly diffId: Digest })[];
  readonly config: BuiltBlob;
  readonly manifest: BuiltBlob;
};

/** An image with one gzip layer per file list, a matching config and a manifest (OCI by default). */
export function buildImage(options: { layers: readonly (readonly TarFile[])[]; platform?: Platform; format?: 'oci' | 'docker' }): BuiltImage {
  const docker = options.format === 'docker';
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers = options.layers.map((files) => {
    const tar = writeSimpleTar(files);
    const bytes = new Uint8Array(gzipSync(tar));
    return { bytes, descriptor: descriptorOf(bytes, docker ? MEDIA.dockerLayer : MEDIA.ociLayerGzip), diffId: sha256Of(tar) };
  });
  const configJson = {
    architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Env: ['PATH=/usr/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created_by: `step ${i + 1}` })),
  };
  const configBytes = enc.encode(JSON.stringify(configJson));
  const config = { bytes: configBytes, descriptor: descriptorOf(configBytes, docker ? MEDIA.dockerConfig : MEDIA.ociConfig) };
  const mediaType = docker ? MEDIA.dockerManifest : MEDIA.ociManifest;
  const manifestBytes = enc.encode(JSON.stringify({ schemaVersion: 2, mediaType, config: config.descriptor, layers: layers.map((l) => l.descriptor) }));
  return { layers, config, manifest: { bytes: manifestBytes, descriptor: descriptorOf(manifestBytes, mediaType) } };
}

/** An index over manifests (each entry given with its platform, or any descriptor for odd entries). */
export function buildIndex(entries: readonly Descriptor[], mediaType: string = MEDIA.ociIndex): BuiltBlob {
  const bytes = enc.encode(JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries }));
  return { bytes, descriptor: descriptorOf(bytes, mediaType) };
}

/** Deterministic pseudo-random bytes (a blob that does not compress). */
export function noiseBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
