// The image a `docker commit` of a simulated container makes (image-spec config.md, manifest.md, image-layout.md):
// the parent config plus the new diff_id and a history entry, an OCI manifest naming the parent's layer blobs and
// the new one, and the entries of an OCI archive (oci-layout, index.json, blobs) holding the whole image. Pure.
import { err, ok, type Result } from '../result.ts';
import type { DiffId, Digest } from '../oci/digest.ts';
import { MEDIA } from '../oci/media-types.ts';
import type { TarEntry } from '../layers/tar-writer.ts';

export type BlobDescriptor = { readonly mediaType: string; readonly digest: Digest; readonly size: number };
export type CommitHistory = { readonly commands: readonly string[]; readonly driver: string; readonly created: string };

const encoder = new TextEncoder();
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The history line Strata writes for a committed container. */
export function describeCommit(commands: readonly string[]): string {
  return `strata simulate: ${commands.join(' && ')}`;
}

/** The parent config with rootfs.diff_ids + `diffId` and one more history entry (other fields kept as they were). */
export function buildCommittedConfig(parent: unknown, diffId: DiffId, history: CommitHistory): Result<Uint8Array> {
  if (!isObj(parent)) return err('CONFIG_INVALID', 'the parent image config is not a JSON object');
  const rootfs = parent.rootfs;
  if (!isObj(rootfs) || !Array.isArray(rootfs.diff_ids)) return err('CONFIG_INVALID', 'the parent image config has no rootfs.diff_ids');
  const oldHistory = Array.isArray(parent.history) ? parent.history : [];
  const config = {
    ...parent,
    created: history.created,
    rootfs: { type: 'layers', diff_ids: [...(rootfs.diff_ids as unknown[]), diffId] },
    history: [...oldHistory, { created: history.created, created_by: describeCommit(history.commands), comment: `committed from a container simulated under ${history.driver}` }],
  };
  return ok(encoder.encode(JSON.stringify(config)));
}

/** OCI equivalents of Docker layer media types: the bytes (and so the digests) are the same. */
export function ociLayerMediaType(mediaType: string): string {
  switch (mediaType) {
    case MEDIA.dockerLayer: return MEDIA.ociLayerGzip;
    case 'application/vnd.docker.image.rootfs.diff.tar': return MEDIA.ociLayer;
    case MEDIA.dockerForeignLayer: return MEDIA.ociLayerNdGzip;
    default: return mediaType;
  }
}

export function buildImageManifest(config: BlobDescriptor, layers: readonly BlobDescriptor[]): Uint8Array {
  const desc = (d: BlobDescriptor) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size });
  return encoder.encode(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config: desc(config), layers: layers.map(desc) }));
}

/** An OCI image layout as tar entries: `oci-layout`, `index.json` naming the manifest under `tag`, and every blob. */
export function buildOciArchiveEntries(manifest: BlobDescriptor, tag: string, blobs: readonly { readonly digest: Digest; readonly bytes: Uint8Array }[], mtime: number): TarEntry[] {
  const file = (path: string, bytes: Uint8Array): TarEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime, body: { kind: 'bytes', bytes } });
  const dir = (path: string): TarEntry => ({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime });
  const index = { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }] };
  const seen = new Set<string>();
  const entries: TarEntry[] = [file('oci-layout', encoder.encode('{"imageLayoutVersion":"1.0.0"}')), file('index.json', encoder.encode(JSON.stringify(index))), dir('blobs'), dir('blobs/sha256')];
  for (const b of blobs) {
    if (seen.has(b.digest)) continue;
    seen.add(b.digest);
    entries.push(file(`blobs/${b.digest.replace(':', '/')}`, b.bytes));
  }
  return entries;
}
