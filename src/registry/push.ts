// Pushing to a registry (distribution-spec "Push"): blobs by monolithic POST+PUT or chunked POST+PATCH…+PUT (bounded
// memory from a stream), optional cross-repository mount, manifests last. Every unexpected status, missing Location or
// digest disagreement is an error — nothing is skipped silently. Page, worker and Node.
import { formatDigest, parseDigest, type Digest } from '../core/oci/digest.ts';
import { LIMITS_JSON } from '../core/oci/json.ts';
import { MEDIA } from '../core/oci/media-types.ts';
import { repositoryScope } from './challenge.ts';
import type { RegistryError } from './errors.ts';
import { createWasmHasher, digestBytes } from './hashing.ts';
import type { RegistryClient } from './registry-client.ts';
import type { SendSpec, SessionResponse } from './session.ts';
import { resolveLocation } from './transport.ts';

export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;

export type PushedBlob = { readonly digest: Digest; readonly size: number; readonly how: 'uploaded' | 'existed' | 'mounted' };

export type BlobPushOptions = {
  readonly signal?: AbortSignal | undefined;
  /** 'monolithic' (one PUT) or 'chunked' (PATCH per chunk, then PUT). Default monolithic. */
  readonly mode?: 'monolithic' | 'chunked' | undefined;
  readonly chunkSize?: number | undefined;
  /** HEAD first and skip the upload when the registry already has the blob (default true). */
  readonly skipExisting?: boolean | undefined;
  /** Try a cross-repository mount from this repository first. */
  readonly mountFrom?: string | undefined;
  readonly onProgress?: ((sent: number, total: number | undefined) => void) | undefined;
};

type Ctx = { readonly client: RegistryClient; readonly repository: string; readonly signal: AbortSignal | undefined; readonly what: string; readonly digest?: string };

function spec(ctx: Ctx, method: SendSpec['method'], path: string, extra: Partial<SendSpec> = {}): SendSpec {
  return { method, path, repository: ctx.repository, scope: repositoryScope(ctx.repository, 'pull,push'), what: ctx.what, digest: ctx.digest, signal: ctx.signal, ...extra };
}

function fail(ctx: Ctx, why: string, status?: number): RegistryError {
  return ctx.client.session.failure(ctx, 'PUSH_FAILED', why, undefined, status);
}

/** The upload URL from a Location header, resolved against the registry; a missing Location is an error. */
function uploadUrl(ctx: Ctx, res: SessionResponse): URL {
  const location = res.headers.get('location');
  if (location === null || location === '') throw fail(ctx, `the registry answered ${res.status} without a Location for the upload`, res.status);
  return resolveLocation(ctx.client.session.transport, location, res.url);
}

/** The size of `digest` when the registry already holds it in `repository` (HEAD), else undefined. */
export async function statBlob(client: RegistryClient, repository: string, digest: Digest, signal?: AbortSignal): Promise<number | undefined> {
  const ctx: Ctx = { client, repository, signal, what: `blob ${digest}`, digest };
  const res = await client.send(spec(ctx, 'HEAD', `/v2/${repository}/blobs/${digest}`, { accept: (s) => s === 200 || s === 404, scope: repositoryScope(repository, 'pull') }));
  await res.discard();
  if (res.status !== 200) return undefined;
  const length = Number(res.headers.get('content-length') ?? 'NaN');
  if (!Number.isSafeInteger(length) || length < 0) throw fail(ctx, 'the registry says it has the blob but gives no valid Content-Length', 200);
  return length;
}

async function startUpload(ctx: Ctx, digest: Digest | undefined, mountFrom: string | undefined): Promise<{ mounted: boolean; url: URL | undefined }> {
  const query = mountFrom !== undefined && digest !== undefined ? `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(mountFrom)}` : '';
  const res = await ctx.client.send(spec(ctx, 'POST', `/v2/${ctx.repository}/blobs/uploads/${query}`, { accept: (s) => s === 201 || s === 202 }));
  await res.discard();
  if (res.status === 201) {
    if (mountFrom === undefined) throw fail(ctx, 'the registry answered 201 to an upload start without a mount request', 201);
    return { mounted: true, url: undefined };
  }
  return { mounted: false, url: uploadUrl(ctx, res) };
}

async function finishUpload(ctx: Ctx, url: URL, digest: Digest, body: Uint8Array | undefined): Promise<void> {
  const target = new URL(url);
  target.searchParams.set('digest', digest);
  const bytes = body ?? new Uint8Array(0);
  const res = await ctx.client.send(spec(ctx, 'PUT', target.href, {
    body: bytes, headers: { 'content-type': 'application/octet-stream' }, accept: (s) => s === 201 || s === 204,
  }));
  await res.discard();
  const echoed = res.headers.get('docker-content-digest');
  if (echoed !== null && echoed !== digest) throw fail(ctx, `the registry stored the blob as ${echoed}, not ${digest}`, res.status);
}

async function patchChunk(ctx: Ctx, url: URL, chunk: Uint8Array, start: number): Promise<URL> {
  const end = start + chunk.byteLength - 1;
  const res = await ctx.client.send(spec(ctx, 'PATCH', url.href, {
    body: chunk, headers: { 'content-type': 'application/octet-stream', 'content-range': `${start}-${end}` }, accept: (s) => s === 202,
  }));
  await res.discard();
  const range = /^(?:bytes=)?0-(\d+)$/.exec(res.headers.get('range') ?? '');
  if (range !== null && Number(range[1]) !== end) throw fail(ctx, `after sending bytes up to ${end} the registry reports it holds 0-${range[1]}`, res.status);
  return uploadUrl(ctx, res);
}

/** Pushes one blob held in memory. */
export async function pushBlob(client: RegistryClient, repository: string, bytes: Uint8Array, options: BlobPushOptions = {}): Promise<PushedBlob> {
  const digest = await digestBytes(bytes);
  const ctx: Ctx = { client, repository, signal: options.signal, what: `blob ${digest}`, digest };
  if (options.skipExisting !== false) {
    const existing = await statBlob(client, repository, digest, options.signal);
    if (existing !== undefined) {
      if (existing !== bytes.byteLength) throw fail(ctx, `the registry holds ${digest} with ${existing} bytes, but it has ${bytes.byteLength}`);
      return { digest, size: existing, how: 'existed' };
    }
  }
  const start = await startUpload(ctx, digest, options.mountFrom);
  if (start.mounted || start.url === undefined) return { digest, size: bytes.byteLength, how: 'mounted' };
  if (options.mode !== 'chunked') {
    await finishUpload(ctx, start.url, digest, bytes);
  } else {
    const size = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    let url = start.url;
    for (let at = 0; at < bytes.byteLength; at += size) {
      url = await patchChunk(ctx, url, bytes.subarray(at, at + size), at);
      options.onProgress?.(Math.min(at + size, bytes.byteLength), bytes.byteLength);
    }
    await finishUpload(ctx, url, digest, undefined);
  }
  options.onProgress?.(bytes.byteLength, bytes.byteLength);
  return { digest, size: bytes.byteLength, how: 'uploaded' };
}

/**
 * Pushes a blob from a stream by chunked upload, holding at most one chunk in memory and hashing as it goes. Pass
 * `expectedDigest` to have the registry check it; otherwise the computed digest is used.
 */
export async function pushBlobStream(
  client: RegistryClient,
  repository: string,
  chunks: AsyncIterable<Uint8Array>,
  options: BlobPushOptions & { readonly expectedDigest?: Digest | undefined } = {},
): Promise<PushedBlob> {
  const ctx: Ctx = { client, repository, signal: options.signal, what: 'blob upload', ...(options.expectedDigest ? { digest: options.expectedDigest } : {}) };
  if (options.expectedDigest !== undefined) {
    const d = parseDigest(options.expectedDigest);
    if (!d.ok) throw fail(ctx, d.error.message);
    const existing = options.skipExisting !== false ? await statBlob(client, repository, d.value, options.signal) : undefined;
    if (existing !== undefined) return { digest: d.value, size: existing, how: 'existed' };
  }
  const hasher = await createWasmHasher('sha256');
  const size = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  let url = (await startUpload(ctx, undefined, undefined)).url!;
  let buffer = new Uint8Array(size);
  let filled = 0;
  let sent = 0;
  const flush = async (): Promise<void> => {
    if (filled === 0) return;
    url = await patchChunk(ctx, url, buffer.subarray(0, filled), sent);
    sent += filled;
    filled = 0;
    buffer = new Uint8Array(size); // the previous buffer may still be referenced by the request
    options.onProgress?.(sent, undefined);
  };
  for await (const chunk of chunks) {
    hasher.update(chunk);
    for (let at = 0; at < chunk.byteLength;) {
      const n = Math.min(size - filled, chunk.byteLength - at);
      buffer.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === size) await flush();
    }
  }
  await flush();
  const digest = formatDigest('sha256', await hasher.digest());
  if (options.expectedDigest !== undefined && options.expectedDigest !== digest) {
    throw fail(ctx, `the streamed content has digest ${digest}, not the expected ${options.expectedDigest}; the upload was not committed`);
  }
  await finishUpload({ ...ctx, digest, what: `blob ${digest}` }, url, digest, undefined);
  return { digest, size: sent, how: 'uploaded' };
}

/** PUTs a manifest under a tag (or its digest) and checks the digest the registry reports. */
export async function pushManifest(client: RegistryClient, repository: string, reference: string, bytes: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<Digest> {
  const digest = await digestBytes(bytes);
  const ctx: Ctx = { client, repository, signal, what: `manifest ${reference}`, digest };
  if (bytes.byteLength > LIMITS_JSON.manifestBytes) throw fail(ctx, `the manifest is ${bytes.byteLength} bytes; registries need not accept more than 4 MiB`);
  const res = await client.send(spec(ctx, 'PUT', `/v2/${repository}/manifests/${reference}`, { body: bytes, headers: { 'content-type': mediaType }, accept: (s) => s === 201 || s === 200 || s === 204 }));
  await res.discard();
  const echoed = res.headers.get('docker-content-digest');
  if (echoed !== null && echoed !== digest) throw fail(ctx, `the registry reports digest ${echoed} for the manifest, but its bytes hash to ${digest}`, res.status);
  return digest;
}

export type ImageToPush = {
  readonly config: { readonly bytes: Uint8Array; readonly mediaType: string };
  readonly layers: readonly { readonly bytes: Uint8Array; readonly mediaType: string }[];
  /** OCI (default) or Docker schema 2. */
  readonly format?: 'oci' | 'docker' | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
};

/** Pushes config and layers (blobs first), then a manifest naming them under `tag`; returns the manifest digest. */
export async function pushImage(client: RegistryClient, repository: string, tag: string, image: ImageToPush, options: BlobPushOptions = {}): Promise<{ digest: Digest; manifest: Uint8Array; mediaType: string }> {
  const describe = async (blob: { bytes: Uint8Array; mediaType: string }): Promise<{ mediaType: string; digest: Digest; size: number }> => {
    const pushed = await pushBlob(client, repository, blob.bytes, options);
    return { mediaType: blob.mediaType, digest: pushed.digest, size: blob.bytes.byteLength };
  };
  const layers = [];
  for (const layer of image.layers) layers.push(await describe(layer));
  const config = await describe(image.config);
  const mediaType = image.format === 'docker' ? MEDIA.dockerManifest : MEDIA.ociManifest;
  const doc = { schemaVersion: 2, mediaType, config, layers, ...(image.annotations ? { annotations: image.annotations } : {}) };
  const manifest = new TextEncoder().encode(JSON.stringify(doc));
  const digest = await pushManifest(client, repository, tag, manifest, mediaType, options.signal);
  return { digest, manifest, mediaType };
}
