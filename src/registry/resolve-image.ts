// Resolves an image reference to one image manifest and its config: nested indexes followed to a bounded depth with an
// explicit platform choice (P12), unknown index entries never fetched or parsed (P11), config read capped at 8 MiB and
// parsed by core; a config that does not parse leaves the manifest usable (configProblem). Page, worker and Node.
import { parseImageConfig, type ImageConfig } from '../core/oci/config.ts';
import type { Digest } from '../core/oci/digest.ts';
import { decodeJson, LIMITS_JSON } from '../core/oci/json.ts';
import type { ImageIndex, ImageManifest } from '../core/oci/manifest.ts';
import { MEDIA } from '../core/oci/media-types.ts';
import { choosePlatform, type Platform, type PlatformChoice } from '../core/oci/platform.ts';
import { formatReference, parseReference, referenceTarget, type ImageReference } from '../core/oci/reference.ts';
import { toRegistryErrorCode } from './errors.ts';
import type { RegistryClient } from './registry-client.ts';

export const MAX_INDEX_DEPTH = 4;

export type ResolvedIndex = { readonly document: ImageIndex; readonly digest: Digest; readonly bytes: Uint8Array };

export type ResolvedImage = {
  readonly reference: ImageReference;
  readonly manifest: ImageManifest;
  readonly manifestDigest: Digest;
  readonly manifestBytes: Uint8Array;
  /** undefined when the config is not an image config or does not parse; see configProblem. */
  readonly config: ImageConfig | undefined;
  readonly configBytes: Uint8Array | undefined;
  readonly configProblem?: string;
  /** The choice made at the last index level, when there was an index. */
  readonly platformChoice?: PlatformChoice;
  /** The top-level index, when the reference named one. */
  readonly index?: ResolvedIndex;
  /** Every index passed through, outermost first (nested indexes, P12). */
  readonly indexes: readonly ResolvedIndex[];
};

export type ResolveOptions = { readonly platform?: Platform | undefined; readonly signal?: AbortSignal | undefined };

const IMAGE_CONFIG_TYPES: ReadonlySet<string> = new Set([MEDIA.ociConfig, MEDIA.dockerConfig]);

export async function resolveImage(client: RegistryClient, reference: ImageReference | string, options: ResolveOptions = {}): Promise<ResolvedImage> {
  const ref = typeof reference === 'string' ? parsed(client, reference) : reference;
  const { repository } = ref;
  const what = { what: `image ${formatReference(ref)}`, repository };
  if (ref.apiHost !== client.registry) {
    throw client.session.failure(what, 'NAME_INVALID', `this client talks to ${client.registry}, not ${ref.apiHost}; credentials are per registry`);
  }
  const indexes: ResolvedIndex[] = [];
  let choice: PlatformChoice | undefined;
  let fetched = await client.getManifest(repository, referenceTarget(ref), { signal: options.signal });
  for (let depth = 0; fetched.document.kind === 'index'; depth++) {
    const index: ResolvedIndex = { document: fetched.document, digest: fetched.digest, bytes: fetched.bytes };
    indexes.push(index);
    if (depth >= MAX_INDEX_DEPTH) throw client.session.failure(what, 'MANIFEST_INVALID', `indexes nest more than ${MAX_INDEX_DEPTH} levels deep`);
    const picked = choosePlatform(fetched.document.manifests, options.platform);
    if (!picked.ok) throw client.session.failure(what, toRegistryErrorCode(picked.error.code), picked.error.message);
    choice = picked.value;
    fetched = await client.getManifestFor(repository, picked.value.descriptor, { signal: options.signal });
  }
  const manifest = fetched.document;
  const base = {
    reference: ref, manifest, manifestDigest: fetched.digest, manifestBytes: fetched.bytes, indexes,
    ...(choice ? { platformChoice: choice } : {}), ...(indexes[0] ? { index: indexes[0] } : {}),
  };
  if (!IMAGE_CONFIG_TYPES.has(manifest.config.mediaType)) {
    const problem = `the config has media type ${manifest.config.mediaType.slice(0, 100)}, not an image config (an artifact?); it was not read`;
    return { ...base, config: undefined, configBytes: undefined, configProblem: problem };
  }
  const configBytes = await client.readBlob(repository, manifest.config, { signal: options.signal, maxBytes: LIMITS_JSON.configBytes });
  const json = decodeJson(configBytes, LIMITS_JSON.configBytes, `config ${manifest.config.digest}`);
  const config = json.ok ? parseImageConfig(json.value) : json;
  if (!config.ok) return { ...base, config: undefined, configBytes, configProblem: config.error.message };
  return { ...base, config: config.value, configBytes };
}

function parsed(client: RegistryClient, reference: string): ImageReference {
  const r = parseReference(reference);
  if (!r.ok) throw client.session.failure({ what: `image ${reference.slice(0, 200)}`, repository: undefined }, 'NAME_INVALID', r.error.message);
  return r.value;
}
