// Resolves an image from layout files: docker-archive (`docker save`: legacy `<id>/layer.tar` layout, Docker
// 25+ OCI-style layout, kaniko's `.tar.gz` layers) via manifest.json, or an OCI image layout via index.json
// (nested indexes and platform choice). Every manifest/config read is capped and digest-checked.
import { parseImageConfig, type ImageConfig } from '../../core/oci/config.ts';
import { formatDigest, parseDigest, type Digest } from '../../core/oci/digest.ts';
import { decodeJson, LIMITS_JSON } from '../../core/oci/json.ts';
import { parseManifestDocument, type ImageManifest } from '../../core/oci/manifest.ts';
import { isIndexType, isLayerType, MEDIA } from '../../core/oci/media-types.ts';
import { choosePlatform, type Platform } from '../../core/oci/platform.ts';
import type { Result } from '../../core/result.ts';
import type { Codecs } from '../codecs.ts';
import { LayerError } from '../layer-error.ts';
import type { LayerJob } from '../layer-pipeline.ts';
import type { LayoutFiles } from './layout-files.ts';

export type ResolvedImage = {
  readonly source: string;
  readonly format: 'docker-archive' | 'oci-layout' | 'registry';
  readonly manifestDigest?: Digest;
  readonly manifest?: ImageManifest;
  readonly platformChoice?: string;
  readonly config: ImageConfig;
  /** the config JSON as stored, for building a derived image (commit of a simulated container) */
  readonly configBytes?: Uint8Array;
  readonly configDigest?: Digest;
  readonly layers: readonly LayerJob[];
  readonly repoTags: readonly string[];
  readonly warnings: readonly string[];
};

export type ResolveOptions = { readonly ref?: string | undefined; readonly platform?: Platform | undefined; readonly prefer: 'docker-archive' | 'oci-layout' };

function unwrap<T>(r: Result<T>, where: string): T {
  if (!r.ok) throw new LayerError(r.error.code, `${where}: ${r.error.message}`);
  return r.value;
}

async function readJson(files: LayoutFiles, path: string, max: number, what: string): Promise<{ bytes: Uint8Array; value: unknown }> {
  const bytes = await files.read(path, max);
  return { bytes, value: unwrap(decodeJson(bytes, max, what), `${files.description}: ${what}`) };
}

async function checkDigest(codecs: Codecs, bytes: Uint8Array, want: Digest, what: string): Promise<void> {
  const h = await codecs.hasher(want.startsWith('sha512:') ? 'sha512' : 'sha256');
  h.update(bytes);
  const got = formatDigest(want.startsWith('sha512:') ? 'sha512' : 'sha256', await h.digestHex());
  if (got !== want) throw new LayerError('DIGEST_MISMATCH', `${what} digest mismatch: expected ${want}, got ${got}`);
}

const blobPath = (d: Digest) => `blobs/${d.replace(':', '/')}`;

export async function resolveLayoutImage(files: LayoutFiles, codecs: Codecs, options: ResolveOptions): Promise<ResolvedImage> {
  const hasDocker = (await files.size('manifest.json')) !== undefined;
  const hasOci = (await files.size('index.json')) !== undefined;
  if (!hasDocker && !hasOci) {
    throw new LayerError('ARCHIVE_INVALID', `${files.description}: neither manifest.json (docker save) nor index.json (OCI layout) found; is this an image archive?`);
  }
  if (hasDocker && (options.prefer === 'docker-archive' || !hasOci)) return resolveDockerArchive(files, codecs, options);
  return resolveOciLayout(files, codecs, options);
}

async function resolveDockerArchive(files: LayoutFiles, codecs: Codecs, options: ResolveOptions): Promise<ResolvedImage> {
  const { value } = await readJson(files, 'manifest.json', LIMITS_JSON.manifestBytes, 'manifest.json');
  if (!Array.isArray(value) || value.length === 0) throw new LayerError('ARCHIVE_INVALID', `${files.description}: manifest.json lists no images`);
  type Entry = { Config?: unknown; RepoTags?: unknown; Layers?: unknown; LayerSources?: unknown };
  const entries = value as Entry[];
  const tagsOf = (e: Entry) => (Array.isArray(e.RepoTags) ? e.RepoTags.filter((t): t is string => typeof t === 'string') : []);
  let entry: Entry | undefined;
  if (options.ref) {
    const want = options.ref;
    entry = entries.find((e) => tagsOf(e).some((t) => t === want || t.endsWith(`/${want}`) || `${t}`.replace(/^docker\.io\/(library\/)?/, '') === want));
    if (!entry) throw new LayerError('NOT_FOUND', `${files.description}: no image tagged "${want}"; the archive holds: ${entries.flatMap(tagsOf).join(', ') || '(untagged images)'}`);
  } else if (entries.length === 1) entry = entries[0];
  else throw new LayerError('REF_REQUIRED', `${files.description} holds ${entries.length} images; name one as docker-archive:PATH:TAG (${entries.flatMap(tagsOf).join(', ')})`);
  if (!entry || typeof entry.Config !== 'string' || !Array.isArray(entry.Layers)) throw new LayerError('ARCHIVE_INVALID', `${files.description}: manifest.json entry has no Config or Layers`);
  const configPath = entry.Config;
  const { bytes: configBytes, value: configJson } = await readJson(files, configPath, LIMITS_JSON.configBytes, 'image config');
  const configDigest = digestFromPath(configPath);
  if (configDigest) await checkDigest(codecs, configBytes, configDigest, `image config ${configPath}`);
  const config = unwrap(parseImageConfig(configJson), `${files.description}: ${configPath}`);
  const layerPaths = entry.Layers.filter((l): l is string => typeof l === 'string');
  if (layerPaths.length !== config.diffIds.length) {
    throw new LayerError('ARCHIVE_INVALID', `${files.description}: manifest.json lists ${layerPaths.length} layers but the config has ${config.diffIds.length} diff_ids`);
  }
  const sources = typeof entry.LayerSources === 'object' && entry.LayerSources !== null ? entry.LayerSources as Record<string, { mediaType?: unknown }> : {};
  const layers: LayerJob[] = [];
  for (let i = 0; i < layerPaths.length; i++) {
    const path = layerPaths[i]!;
    const size = await files.size(path);
    if (size === undefined) throw new LayerError('ARCHIVE_INVALID', `${files.description}: layer "${path}" named in manifest.json is missing from the archive`);
    const digest = digestFromPath(path);
    const mt = digest ? sources[digest]?.mediaType : undefined;
    layers.push({
      index: i, mediaType: typeof mt === 'string' ? mt : path.endsWith('.gz') ? MEDIA.dockerLayer : 'application/vnd.docker.image.rootfs.diff.tar',
      digest, size, diffId: config.diffIds[i],
      open: (signal) => files.stream(path, signal),
      ...(files.streamRange ? { openRange: (start: number, end: number, signal: AbortSignal) => files.streamRange!(path, start, end, signal) } : {}),
    });
  }
  return { source: files.description, format: 'docker-archive', config, configBytes, ...(configDigest ? { configDigest } : {}), layers, repoTags: tagsOf(entry), warnings: [] };
}

/** "blobs/sha256/<hex>" or "<hex>.json" (legacy config names are the image id, the config's sha256). */
function digestFromPath(path: string): Digest | undefined {
  const m = /^(?:.*\/)?blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(path) ?? /^()([a-f0-9]{64})\.json$/.exec(path);
  if (!m) return undefined;
  const d = parseDigest(`${m[1] || 'sha256'}:${m[2]}`);
  return d.ok ? d.value : undefined;
}

async function resolveOciLayout(files: LayoutFiles, codecs: Codecs, options: ResolveOptions): Promise<ResolvedImage> {
  const warnings: string[] = [];
  if ((await files.size('oci-layout')) === undefined) warnings.push('the oci-layout file is missing; reading index.json anyway');
  const { value } = await readJson(files, 'index.json', LIMITS_JSON.manifestBytes, 'index.json');
  let doc = unwrap(parseManifestDocument(value, MEDIA.ociIndex), `${files.description}: index.json`);
  let manifestDigest: Digest | undefined;
  let choice: string | undefined;
  if (doc.kind === 'index' && options.ref) {
    const want = options.ref;
    const hit = doc.manifests.find((d) => d.annotations?.['org.opencontainers.image.ref.name'] === want || d.annotations?.['io.containerd.image.name']?.endsWith(`:${want}`) || d.annotations?.['io.containerd.image.name'] === want);
    if (!hit) {
      const names = doc.manifests.map((d) => d.annotations?.['org.opencontainers.image.ref.name']).filter(Boolean).join(', ');
      throw new LayerError('NOT_FOUND', `${files.description}: no manifest named "${want}" in index.json (names: ${names || 'none'})`);
    }
    doc = { ...doc, manifests: [hit] };
  }
  for (let depth = 0; doc.kind === 'index'; depth++) {
    if (depth > 4) throw new LayerError('MANIFEST_INVALID', `${files.description}: indexes nested more than 4 deep`);
    const images = doc.manifests.filter((d) => !d.platform || d.platform.os !== 'unknown');
    // A lone entry without a platform (a tag naming a nested index) is followed whatever platform is wanted.
    const only = images.length === 1 ? images[0]! : undefined;
    const picked = only && (!options.platform || !only.platform || isIndexType(only.mediaType))
      ? { descriptor: only, reason: 'the only image in the layout' } : unwrap(choosePlatform(doc.manifests, options.platform), files.description);
    if (!isIndexType(picked.descriptor.mediaType) || choice === undefined) choice = picked.reason;
    const d = picked.descriptor;
    const bytes = await files.read(blobPath(d.digest), LIMITS_JSON.manifestBytes);
    await checkDigest(codecs, bytes, d.digest, `manifest ${d.digest}`);
    manifestDigest = d.digest;
    const json = unwrap(decodeJson(bytes, LIMITS_JSON.manifestBytes, 'manifest'), files.description);
    doc = unwrap(parseManifestDocument(json, isIndexType(d.mediaType) ? d.mediaType : d.mediaType), `${files.description}: manifest ${d.digest}`);
  }
  const manifest = doc;
  const configBytes = await files.read(blobPath(manifest.config.digest), LIMITS_JSON.configBytes);
  await checkDigest(codecs, configBytes, manifest.config.digest, 'image config');
  const config = unwrap(parseImageConfig(unwrap(decodeJson(configBytes, LIMITS_JSON.configBytes, 'image config'), files.description)), `${files.description}: config`);
  const layerDescs = manifest.layers.filter((l) => isLayerType(l.mediaType));
  if (layerDescs.length !== manifest.layers.length) warnings.push(`${manifest.layers.length - layerDescs.length} non-layer blobs in the manifest are listed but not read`);
  if (layerDescs.length !== config.diffIds.length) throw new LayerError('MANIFEST_INVALID', `${files.description}: manifest has ${layerDescs.length} layers but the config has ${config.diffIds.length} diff_ids`);
  const layers: LayerJob[] = layerDescs.map((d, i) => ({
    index: i, mediaType: d.mediaType, digest: d.digest, size: d.size, diffId: config.diffIds[i],
    open: (signal: AbortSignal) => files.stream(blobPath(d.digest), signal),
    ...(files.streamRange ? { openRange: (start: number, end: number, signal: AbortSignal) => files.streamRange!(blobPath(d.digest), start, end, signal) } : {}),
  }));
  return {
    source: files.description, format: 'oci-layout', config, configBytes, configDigest: manifest.config.digest, manifest, layers, repoTags: [], warnings,
    ...(manifestDigest ? { manifestDigest } : {}), ...(choice ? { platformChoice: choice } : {}),
  };
}
