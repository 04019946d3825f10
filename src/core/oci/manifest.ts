// Manifest, index and descriptor validation from `unknown` (OCI image-spec manifest.md, image-index.md,
// descriptor.md; Docker manifest v2 schema 2). Pure: JSON in, typed value or a Result error out.
import { err, ok, type Result } from '../result.ts';
import { parseDigest, type Digest } from './digest.ts';
import { baseMediaType, isIndexType, isManifestType, isSchema1Type, MEDIA } from './media-types.ts';
import { parsePlatform, type Platform } from './platform.ts';

export type Descriptor = {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
};

export type ImageIndex = {
  readonly kind: 'index';
  readonly mediaType: string;
  readonly manifests: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
};

export type ImageManifest = {
  readonly kind: 'manifest';
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
};

export type ManifestDocument = ImageIndex | ImageManifest;

export const MAX_LAYERS = 1000;
export const MAX_INDEX_ENTRIES = 10000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseAnnotations(v: unknown): Result<Record<string, string> | undefined> {
  if (v === undefined) return ok(undefined);
  if (!isObj(v)) return err('MANIFEST_INVALID', 'annotations must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') return err('MANIFEST_INVALID', `annotation "${k.slice(0, 60)}" is not a string`);
    out[k] = val;
  }
  return ok(out);
}

/** Validates one descriptor (descriptor.md): mediaType string, well-formed digest, size a non-negative safe integer. */
export function parseDescriptor(v: unknown, where: string): Result<Descriptor> {
  if (!isObj(v)) return err('MANIFEST_INVALID', `${where} is not an object`);
  if (typeof v.mediaType !== 'string' || v.mediaType.length > 255) return err('MANIFEST_INVALID', `${where} has no valid mediaType`);
  const digest = parseDigest(v.digest);
  if (!digest.ok) return err('MANIFEST_INVALID', `${where}: ${digest.error.message}`);
  const size = v.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    return err('MANIFEST_INVALID', `${where} has an invalid size ${JSON.stringify(size)?.slice(0, 40)} (must be a non-negative integer)`);
  }
  let urls: string[] | undefined;
  if (v.urls !== undefined) {
    if (!Array.isArray(v.urls) || !v.urls.every((u) => typeof u === 'string')) return err('MANIFEST_INVALID', `${where} urls must be strings`);
    urls = v.urls as string[];
  }
  let platform: Platform | undefined;
  if (v.platform !== undefined) {
    const p = parsePlatform(v.platform);
    if (!p.ok) return err('MANIFEST_INVALID', `${where}: ${p.error.message}`);
    platform = p.value;
  }
  const annotations = parseAnnotations(v.annotations);
  if (!annotations.ok) return annotations;
  const d: { -readonly [K in keyof Descriptor]: Descriptor[K] } = { mediaType: v.mediaType, digest: digest.value, size };
  if (urls) d.urls = urls;
  if (platform) d.platform = platform;
  if (annotations.value) d.annotations = annotations.value;
  if (typeof v.artifactType === 'string') d.artifactType = v.artifactType;
  return ok(d);
}

/**
 * Validates a manifest or index document. `contentType` is the response Content-Type (or the descriptor's
 * mediaType); when the body also names a mediaType they must agree (distribution-spec).
 */
export function parseManifestDocument(v: unknown, contentType?: string): Result<ManifestDocument> {
  if (!isObj(v)) return err('MANIFEST_INVALID', 'manifest is not a JSON object');
  const declared = typeof v.mediaType === 'string' ? v.mediaType : undefined;
  const header = contentType !== undefined ? baseMediaType(contentType) : undefined;
  if (v.schemaVersion === 1 || (header !== undefined && isSchema1Type(header)) || (declared !== undefined && isSchema1Type(declared))) {
    return err('UNSUPPORTED', 'this is a schema 1 manifest (deprecated by Docker in 2019); Strata reads only schema 2 and OCI manifests — re-push the image with a current client');
  }
  if (v.schemaVersion !== 2) return err('MANIFEST_INVALID', `schemaVersion is ${JSON.stringify(v.schemaVersion)?.slice(0, 20)}, expected 2`);
  const usefulHeader = header !== undefined && header !== 'application/json' && header !== 'application/octet-stream' && header !== '' ? header : undefined;
  if (declared !== undefined && usefulHeader !== undefined && declared !== usefulHeader) {
    return err('MANIFEST_INVALID', `media type mismatch: the registry says ${usefulHeader} but the manifest says ${declared}`);
  }
  let type = declared ?? usefulHeader;
  if (type === undefined) type = Array.isArray(v.manifests) ? MEDIA.ociIndex : MEDIA.ociManifest;
  const annotations = parseAnnotations(v.annotations);
  if (!annotations.ok) return annotations;

  if (isIndexType(type)) {
    if (!Array.isArray(v.manifests)) return err('MANIFEST_INVALID', 'index has no manifests array');
    if (v.manifests.length > MAX_INDEX_ENTRIES) return err('MANIFEST_INVALID', `index lists ${v.manifests.length} manifests, over the limit of ${MAX_INDEX_ENTRIES}`);
    const manifests: Descriptor[] = [];
    for (let i = 0; i < v.manifests.length; i++) {
      const d = parseDescriptor(v.manifests[i], `manifests[${i}]`);
      if (!d.ok) return d;
      manifests.push(d.value);
    }
    return ok({ kind: 'index', mediaType: type, manifests, ...(annotations.value ? { annotations: annotations.value } : {}) });
  }
  if (isManifestType(type)) {
    const config = parseDescriptor(v.config, 'config');
    if (!config.ok) return config;
    if (!Array.isArray(v.layers)) return err('MANIFEST_INVALID', 'manifest has no layers array');
    if (v.layers.length > MAX_LAYERS) return err('MANIFEST_INVALID', `manifest lists ${v.layers.length} layers, over the limit of ${MAX_LAYERS}`);
    const layers: Descriptor[] = [];
    for (let i = 0; i < v.layers.length; i++) {
      const d = parseDescriptor(v.layers[i], `layers[${i}]`);
      if (!d.ok) return d;
      layers.push(d.value);
    }
    const m: ImageManifest = {
      kind: 'manifest', mediaType: type, config: config.value, layers,
      ...(annotations.value ? { annotations: annotations.value } : {}),
      ...(typeof v.artifactType === 'string' ? { artifactType: v.artifactType } : {}),
    };
    return ok(m);
  }
  return err('UNSUPPORTED', `unsupported manifest media type "${type.slice(0, 100)}" (Strata reads OCI and Docker schema 2 images and indexes)`);
}
