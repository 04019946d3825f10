// A registry image as a source (worker side): the page's own host (the embedded registry) is reached
// same-origin at /v2/…, every other registry through strata serve's CORS proxy (`<proxyBase>/<host>/…`).
// Resolves the manifest (platform choice, nested indexes) and yields layer jobs streaming blobs with resume.
import { isLayerType } from '../../core/oci/media-types.ts';
import { formatPlatform, type Platform } from '../../core/oci/platform.ts';
import { formatReference, parseReference } from '../../core/oci/reference.ts';
import type { RegistryCredentials } from '../../registry/authenticator.ts';
import { RegistryClient } from '../../registry/registry-client.ts';
import { resolveImage } from '../../registry/resolve-image.ts';
import { createProxyTransport, fetchWithoutCredentials, type RegistryTransport } from '../../registry/transport.ts';
import { LayerError } from '../layer-error.ts';
import type { LayerJob } from '../layer-pipeline.ts';
import type { OpenedImage } from './file-source.ts';

export type RegistryOpenOptions = {
  readonly proxyBase: string;
  /** The page's origin (scheme://host[:port]); a reference naming this host is the embedded registry. */
  readonly origin: string | undefined;
  readonly credentials?: { readonly username: string; readonly password: string } | undefined;
  readonly platform: Platform | undefined;
  readonly signal: AbortSignal;
  readonly fetch?: typeof fetch | undefined;
};

/** Same-origin requests to the embedded registry: `<origin>/v2/…`, redirects followed by fetch. */
export function createSameOriginTransport(origin: string, fetchImpl?: typeof fetch): RegistryTransport {
  const base = origin.replace(/\/+$/, '');
  return { fetch: fetchImpl ?? fetchWithoutCredentials, urlFor: (_host, path) => `${base}${path}`, redirects: 'fetch' };
}

export function hostOf(origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

export async function openRegistryImage(reference: string, options: RegistryOpenOptions): Promise<OpenedImage> {
  const parsed = parseReference(reference);
  if (!parsed.ok) throw new LayerError(parsed.error.code, parsed.error.message);
  const ref = parsed.value;
  const sameOrigin = hostOf(options.origin) === ref.registry;
  const transport = sameOrigin && options.origin !== undefined
    ? createSameOriginTransport(options.origin, options.fetch)
    : createProxyTransport({ base: options.proxyBase, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const credentials: RegistryCredentials | undefined = options.credentials ? { kind: 'basic', ...options.credentials } : undefined;
  const warnings: string[] = [];
  const client = new RegistryClient({
    registry: ref.apiHost, transport, insecure: ref.insecure || sameOrigin ? true : undefined,
    ...(credentials ? { credentials } : {}),
    onWarning: (m) => void warnings.push(`registry warning: ${m}`),
  });
  const resolved = await resolveImage(client, ref, { platform: options.platform, signal: options.signal });
  const source = formatReference(ref);
  if (!resolved.config) throw new LayerError('UNSUPPORTED', `${source}: ${resolved.configProblem ?? 'no image config'}; Strata shows container images only`);
  const config = resolved.config;
  const descs = resolved.manifest.layers.filter((d) => isLayerType(d.mediaType));
  if (descs.length !== resolved.manifest.layers.length) warnings.push(`${resolved.manifest.layers.length - descs.length} non-layer blobs in the manifest are listed but not read`);
  if (descs.length !== config.diffIds.length) {
    throw new LayerError('MANIFEST_INVALID', `${source}: the manifest has ${descs.length} layers but the config lists ${config.diffIds.length} diff_ids; the image is broken`);
  }
  const repo = ref.repository;
  const layers: LayerJob[] = descs.map((d, i) => ({
    index: i, mediaType: d.mediaType, digest: d.digest, size: d.size, diffId: config.diffIds[i],
    open: (signal: AbortSignal) => client.openBlob(repo, d, { signal }),
    // One bounded Range request (the file viewer reading from a gzip checkpoint).
    openRange: (start: number, end: number, signal: AbortSignal) => client.openBlob(repo, d, { signal, offset: start, end }),
  }));
  const platforms = new Set<string>();
  for (const d of resolved.index?.document.manifests ?? []) {
    if (d.platform && !(d.platform.os === 'unknown' && d.platform.architecture === 'unknown')) platforms.add(formatPlatform(d.platform));
  }
  const choice = resolved.platformChoice;
  return {
    platforms: [...platforms], warnings,
    image: {
      source, format: 'registry', manifest: resolved.manifest, manifestDigest: resolved.manifestDigest, config, configDigest: resolved.manifest.config.digest,
      ...(resolved.configBytes ? { configBytes: resolved.configBytes } : {}),
      layers, repoTags: ref.tag ? [`${ref.registry}/${repo}:${ref.tag}`] : [], warnings: [],
      ...(choice ? { platformChoice: `${choice.descriptor.platform ? formatPlatform(choice.descriptor.platform) : 'unspecified'}: ${choice.reason}` } : {}),
    },
  };
}
