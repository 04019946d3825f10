// Test images built in code (Node): gzip layers from tar specs (tar-builder.ts), an image config, OCI/Docker
// manifests and indexes, all with their digests. For registry tests.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Digest } from '../core/oci/digest.ts';
import type { Descriptor } from '../core/oci/manifest.ts';
import { MEDIA } from '../core/oci/media-types.ts';
import type { Platform } from '../core/oci/platform.ts';
import { buildTar, type TarSpec } from './tar-builder.ts';

const enc = new TextEncoder();

export function sha256Of(bytes: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;
}

export function descriptorOf(bytes: Uint8Array, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: sha256Of(bytes), size: bytes.byteLength, ...extra };
}

export type BuiltBlob = { readonly bytes: Uint8Array; readonly descriptor: Descriptor };
export type BuiltImage = {
  readonly layers: readonly (BuiltBlob & { readonly diffId: Digest })[];
  readonly config: BuiltBlob;
  readonly manifest: BuiltBlob;
};

/** An image with one gzip layer per list of tar entries, a matching config and a manifest (OCI by default). */
export function buildImage(options: { layers: readonly TarSpec[][]; platform?: Platform; format?: 'oci' | 'docker' }): BuiltImage {
  const docker = options.format === 'docker';
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers = options.layers.map((files) => {
    const tar = buildTar(files);
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
