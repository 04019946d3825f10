// Pushes a committed image to this server's embedded registry (worker side): the parent's layer blobs streamed
// again from the source, then the new layer, the config and an OCI manifest under the tag (blobs first, manifest
// last; src/registry/push.ts). Any other registry is refused: strata serve's proxy is read-only.
import { buildImageManifest, ociLayerMediaType, type BlobDescriptor } from '../../core/cow/commit-image.ts';
import type { Digest } from '../../core/oci/digest.ts';
import { MEDIA } from '../../core/oci/media-types.ts';
import { pushBlob, pushBlobStream, pushManifest } from '../../registry/push.ts';
import { RegistryClient } from '../../registry/registry-client.ts';
import { LayerError } from '../layer-error.ts';
import type { ResolvedImage } from '../sources/layout-image.ts';
import { createSameOriginTransport, hostOf } from './registry-source.ts';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** `[host/]repo:tag` → repository and tag on this server; a different host is refused with a clear message. */
export function parsePushTarget(target: string, origin: string | undefined): { host: string; repository: string; tag: string } {
  const here = hostOf(origin);
  if (here === undefined) throw new LayerError('PUSH_REFUSED', 'the page origin is unknown, so there is no embedded registry to push to');
  const text = String(target).trim();
  const slash = text.indexOf('/');
  const first = slash > 0 ? text.slice(0, slash) : '';
  const namesHost = first.includes('.') || first.includes(':') || first === 'localhost';
  if (namesHost && first !== here) {
    throw new LayerError('PUSH_REFUSED', `Strata pushes only to this server's embedded registry (${here}); ${first} is reached through the read-only proxy, so pushing there is refused`);
  }
  const rest = namesHost ? text.slice(slash + 1) : text;
  const colon = rest.lastIndexOf(':');
  const repository = colon > 0 ? rest.slice(0, colon) : rest;
  const tag = colon > 0 ? rest.slice(colon + 1) : 'latest';
  if (!REPOSITORY.test(repository) || repository.length > 255) throw new LayerError('NAME_INVALID', `"${repository.slice(0, 80)}" is not a repository name (lowercase letters, digits, . _ - and / between parts)`);
  if (!TAG.test(tag)) throw new LayerError('TAG_INVALID', `"${tag.slice(0, 80)}" is not a valid tag`);
  return { host: here, repository, tag };
}

export type PushInput = {
  readonly image: ResolvedImage;
  readonly layerBlob: Uint8Array;
  readonly configBytes: Uint8Array;
  readonly target: string;
  readonly origin?: string | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly signal: AbortSignal;
};

export async function pushCommittedImage(input: PushInput): Promise<{ manifestDigest: Digest; reference: string }> {
  const { host, repository, tag } = parsePushTarget(input.target, input.origin);
  const client = new RegistryClient({ registry: host, transport: createSameOriginTransport(input.origin!, input.fetch), insecure: true });
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
