// Pushes a committed image (worker side) to this server's embedded registry (same origin) or, through strata serve's
// proxy, to a registry the operator allowed with --allow-push-host: the parent's layer blobs streamed again from the
// source, then the new layer, the config and an OCI manifest under the tag (blobs first, manifest last; push.ts).
// Any other registry is refused here, and again by the proxy, which is the real guard.
import { buildImageManifest, ociLayerMediaType, type BlobDescriptor } from '../../core/cow/commit-image.ts';
import type { Digest } from '../../core/oci/digest.ts';
import { MEDIA } from '../../core/oci/media-types.ts';
import { parseReference } from '../../core/oci/reference.ts';
import { pushBlob, pushBlobStream, pushManifest } from '../../registry/push.ts';
import { RegistryClient } from '../../registry/registry-client.ts';
import { createProxyTransport } from '../../registry/transport.ts';
import { LayerError } from '../layer-error.ts';
import type { ResolvedImage } from '../sources/layout-image.ts';
import { createSameOriginTransport, hostOf } from './registry-source.ts';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export type PushTarget = {
  /** Registry host[:port] as the reference names it (the API host for Docker Hub). */
  readonly host: string;
  readonly repository: string;
  readonly tag: string;
  /** 'embedded': this server's registry, same origin; 'proxy': a --allow-push-host registry through the proxy. */
  readonly via: 'embedded' | 'proxy';
};

/** "http://127.0.0.1:5000/" → "127.0.0.1:5000": push-host entries as the server lists them, compared by host[:port]. */
function normaliseHost(entry: string): string {
  return entry.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '').replace(/:443$/, '');
}

/**
 * `[host/]repo:tag` → where to push. No host or this server's host: the embedded registry. Another host: only one of
 * `pushHosts` (the server's --allow-push-host list from /api/config); anything else is refused with what to do.
 */
export function parsePushTarget(target: string, origin: string | undefined, pushHosts: readonly string[] = []): PushTarget {
  const here = hostOf(origin);
  if (here === undefined) throw new LayerError('PUSH_REFUSED', 'the page origin is unknown, so there is no embedded registry to push to');
  const text = String(target).trim();
  const slash = text.indexOf('/');
  const first = slash > 0 ? text.slice(0, slash) : '';
  const namesHost = first.includes('.') || first.includes(':') || first === 'localhost';
  if (namesHost && first !== here) {
    const ref = parseReference(text);
    if (!ref.ok) throw new LayerError(ref.error.code, ref.error.message);
    const allowed = pushHosts.map(normaliseHost);
    if (!allowed.includes(ref.value.registry.toLowerCase()) && !allowed.includes(ref.value.apiHost.toLowerCase())) {
      const known = allowed.length > 0 ? `it pushes to its embedded registry (${here}) and to ${allowed.join(', ')}` : `it pushes only to its embedded registry (${here})`;
      throw new LayerError('PUSH_REFUSED', `this server does not push to ${first}: ${known}; start strata serve with --allow-push-host ${first} to allow it`);
    }
    if (ref.value.digest !== undefined) throw new LayerError('TAG_INVALID', 'push to a tag (repo:tag), not a digest');
    return { host: ref.value.apiHost, repository: ref.value.repository, tag: ref.value.tag ?? 'latest', via: 'proxy' };
  }
  const rest = namesHost ? text.slice(slash + 1) : text;
  const colon = rest.lastIndexOf(':');
  const repository = colon > 0 ? rest.slice(0, colon) : rest;
  const tag = colon > 0 ? rest.slice(colon + 1) : 'latest';
  if (!REPOSITORY.test(repository) || repository.length > 255) throw new LayerError('NAME_INVALID', `"${repository.slice(0, 80)}" is not a repository name (lowercase letters, digits, . _ - and / between parts)`);
  if (!TAG.test(tag)) throw new LayerError('TAG_INVALID', `"${tag.slice(0, 80)}" is not a valid tag`);
  return { host: here, repository, tag, via: 'embedded' };
}

export type PushInput = {
  readonly image: ResolvedImage;
  readonly layerBlob: Uint8Array;
  readonly configBytes: Uint8Array;
  readonly target: string;
  readonly origin?: string | undefined;
  /** The server's --allow-push-host list, as the page read it from /api/config. */
  readonly pushHosts?: readonly string[] | undefined;
  /** Where the proxy is (default /proxy), for pushes to other registries. */
  readonly proxyBase?: string | undefined;
  /** Basic credentials for the target registry, when the user gave some. */
  readonly credentials?: { readonly username: string; readonly password: string } | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly signal: AbortSignal;
};

export async function pushCommittedImage(input: PushInput): Promise<{ manifestDigest: Digest; reference: string }> {
  const { host, repository, tag, via } = parsePushTarget(input.target, input.origin, input.pushHosts);
  const transport = via === 'embedded'
    ? createSameOriginTransport(input.origin!, input.fetch)
    : createProxyTransport({ base: input.proxyBase ?? '/proxy', ...(input.fetch ? { fetch: input.fetch } : {}) });
  const credentials = via === 'proxy' && input.credentials ? { kind: 'basic' as const, ...input.credentials } : undefined;
  const client = new RegistryClient({ registry: host, transport, insecure: true, ...(credentials ? { credentials } : {}) });
  const signal = input.signal;
  const layers: BlobDescriptor[] = [];
  for (const job of input.image.layers) {
    const expected = job.digest?.startsWith('sha256:') ? job.digest : undefined;
    const pushed = await pushBlobStream(client, repository, job.open(signal), { signal, ...(expected ? { expectedDigest: expected } : {}) });
    layers.push({ mediaType: ociLayerMediaType(job.mediaType), digest: pushed.digest, size: pushed.size });
  }
  const layer = await pushBlob(client, repository, input.layerBlob, { signal });
  const config = await pushBlob(client, repository, input.configBytes, { signal });
  const manifest = buildImageManifest({ mediaType: MEDIA.ociConfig, digest: config.digest, size: config.size }, [...layers, { mediaType: MEDIA.ociLayerGzip, digest: layer.digest, size: layer.size }]);
  const manifestDigest = await pushManifest(client, repository, tag, manifest, MEDIA.ociManifest, signal);
  return { manifestDigest, reference: `${host}/${repository}:${tag}` };
}
