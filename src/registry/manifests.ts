// Manifest requests: Accept lists every type we parse (P5), the body read stops at 4 MiB (P10), the document is parsed
// by core with the Content-Type (P6, P7), pulls by digest are verified (P8) and pulls by tag get a computed digest
// (P9); HEAD falls back to GET on 405 or a missing digest header (P21). Page, worker and Node.
import { parseDigest, type Digest } from '../core/oci/digest.ts';
import { decodeJson, LIMITS_JSON } from '../core/oci/json.ts';
import { parseManifestDocument, type Descriptor, type ManifestDocument } from '../core/oci/manifest.ts';
import { baseMediaType, MANIFEST_ACCEPT } from '../core/oci/media-types.ts';
import { repositoryScope } from './challenge.ts';
import { toRegistryErrorCode } from './errors.ts';
import { digestBytes, type CreateHasher } from './hashing.ts';
import type { RegistrySession, SendSpec } from './session.ts';

export type FetchedManifest = {
  readonly document: ManifestDocument;
  readonly bytes: Uint8Array;
  /** Computed from the bytes received — the digest to show and to pin (P9). */
  readonly digest: Digest;
  /** Content-Type without parameters. */
  readonly mediaType: string;
  /** The registry's Docker-Content-Digest, when sent; informational only (registries get it wrong, P9). */
  readonly headerDigest: string | undefined;
};

export type ManifestHead = { readonly digest: Digest; readonly size: number; readonly mediaType: string; readonly via: 'HEAD' | 'GET' };

export type ManifestOptions = { readonly signal?: AbortSignal | undefined; readonly createHasher?: CreateHasher | undefined };

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** Validates a repository name and a tag-or-digest before any request is made (P14). */
export function checkTarget(session: RegistrySession, repository: string, reference?: string): Digest | undefined {
  const spec = { what: reference === undefined ? 'repository' : `manifest ${reference}`, repository };
  if (repository.length > 255 || !REPOSITORY.test(repository)) {
    throw session.failure(spec, 'NAME_INVALID', `"${repository.slice(0, 100)}" is not a valid repository name (lowercase components separated by /)`);
  }
  if (reference === undefined) return undefined;
  if (reference.includes(':')) {
    const d = parseDigest(reference);
    if (!d.ok) throw session.failure(spec, d.error.code === 'DIGEST_UNSUPPORTED' ? 'UNSUPPORTED' : 'DIGEST_INVALID', d.error.message);
    return d.value;
  }
  if (!TAG.test(reference)) throw session.failure(spec, 'NAME_INVALID', `"${reference.slice(0, 100)}" is not a valid tag`);
  return undefined;
}

function manifestSpec(repository: string, reference: string, method: 'GET' | 'HEAD', signal?: AbortSignal): SendSpec {
  return {
    method, path: `/v2/${repository}/manifests/${reference}`, repository, scope: repositoryScope(repository, 'pull'),
    headers: { accept: MANIFEST_ACCEPT }, what: `manifest ${reference}`, digest: reference.includes(':') ? reference : undefined,
    notFound: 'MANIFEST_UNKNOWN', signal,
  };
}

/** GETs a manifest or index by tag or digest and parses it. `expected` (a descriptor) also pins size and digest. */
export async function fetchManifest(
  session: RegistrySession,
  repository: string,
  reference: string,
  options: ManifestOptions & { readonly expected?: Descriptor | undefined } = {},
): Promise<FetchedManifest> {
  const pinned = checkTarget(session, repository, reference);
  const spec = manifestSpec(repository, reference, 'GET', options.signal);
  const expected = options.expected;
  if (expected !== undefined && expected.size > LIMITS_JSON.manifestBytes) {
    throw session.failure(spec, 'TOO_LARGE', `manifest too large: the descriptor declares ${expected.size} bytes, over the ${LIMITS_JSON.manifestBytes}-byte limit`);
  }
  const res = await session.send(spec);
  const bytes = await res.readBody(LIMITS_JSON.manifestBytes, () =>
    session.failure(spec, 'TOO_LARGE', `manifest too large: more than ${LIMITS_JSON.manifestBytes} bytes (4 MiB); stopped reading`));
  const digest = await digestBytes(bytes, pinned, options.createHasher);
  if (pinned !== undefined && digest !== pinned) {
    throw session.failure(spec, 'DIGEST_MISMATCH', `manifest digest mismatch: asked for ${pinned}, the registry sent content with digest ${digest}`);
  }
  if (expected !== undefined && bytes.byteLength !== expected.size) {
    throw session.failure(spec, 'SIZE_MISMATCH', `the manifest is ${bytes.byteLength} bytes, its descriptor declares ${expected.size}`);
  }
  const contentType = res.headers.get('content-type') ?? expected?.mediaType ?? '';
  const json = decodeJson(bytes, LIMITS_JSON.manifestBytes, `manifest ${reference}`);
  if (!json.ok) throw session.failure(spec, toRegistryErrorCode(json.error.code), json.error.message);
  const document = parseManifestDocument(json.value, contentType === '' ? undefined : contentType);
  if (!document.ok) throw session.failure(spec, toRegistryErrorCode(document.error.code), document.error.message);
  return { document: document.value, bytes, digest, mediaType: baseMediaType(contentType), headerDigest: res.headers.get('docker-content-digest') ?? undefined };
}

/** HEADs a manifest for its digest, size and type; falls back to GET on 405 or when the registry omits the digest. */
export async function headManifest(session: RegistrySession, repository: string, reference: string, options: ManifestOptions = {}): Promise<ManifestHead> {
  checkTarget(session, repository, reference);
  const spec = { ...manifestSpec(repository, reference, 'HEAD', options.signal), accept: (s: number) => (s >= 200 && s < 300) || s === 405 };
  const res = await session.send(spec);
  await res.discard();
  const header = parseDigest(res.headers.get('docker-content-digest'));
  const length = Number(res.headers.get('content-length') ?? 'NaN');
  if (res.status !== 405 && header.ok && Number.isSafeInteger(length)) {
    return { digest: header.value, size: length, mediaType: baseMediaType(res.headers.get('content-type') ?? ''), via: 'HEAD' };
  }
  const got = await fetchManifest(session, repository, reference, options);
  return { digest: got.digest, size: got.bytes.byteLength, mediaType: got.document.mediaType, via: 'GET' };
}
