// A dropped archive (`docker save`, oci-archive) as an image source (worker side): a RandomAccessBlob over the
// File (slices are read or streamed, the file is never loaded whole — hardening B1), then the shared layout
// resolver, preferring docker-archive when manifest.json exists. Also lists the platforms index.json offers.
import { decodeJson, LIMITS_JSON } from '../../core/oci/json.ts';
import { parseManifestDocument, type Descriptor } from '../../core/oci/manifest.ts';
import { isIndexType } from '../../core/oci/media-types.ts';
import { formatPlatform, type Platform } from '../../core/oci/platform.ts';
import type { Codecs } from '../codecs.ts';
import type { LayoutFiles, RandomAccessBlob } from '../sources/layout-files.ts';
import { resolveLayoutImage, type ResolvedImage } from '../sources/layout-image.ts';
import { openTarLayoutFiles } from '../sources/tar-layout-files.ts';

export type OpenedImage = { readonly image: ResolvedImage; readonly platforms: readonly string[]; readonly warnings: readonly string[] };

/** Random access to a Blob (a File): slices are read with arrayBuffer() or streamed with stream(). */
export function createBlobSource(blob: Blob): RandomAccessBlob {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
    stream: (offset, length, signal) => streamBlobSlice(blob.slice(offset, offset + length), signal),
  };
}

async function* streamBlobSlice(blob: Blob, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      signal.throwIfAborted();
      const r = await reader.read();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

export async function openFileImage(file: Blob & { readonly name?: string }, options: { ref?: string | undefined; platform?: Platform | undefined; codecs: Codecs }): Promise<OpenedImage> {
  const name = file.name ?? 'archive';
  const files = await openTarLayoutFiles(createBlobSource(file), name);
  const image = await resolveLayoutImage(files, options.codecs, { ref: options.ref, platform: options.platform, prefer: 'docker-archive' });
  return { image, platforms: await listLayoutPlatforms(files), warnings: [] };
}

/** Platforms named in index.json and, one level down, in the indexes it points to; empty when there is none. */
async function listLayoutPlatforms(files: LayoutFiles): Promise<string[]> {
  const out = new Set<string>();
  const readDoc = async (path: string) => {
    if ((await files.size(path)) === undefined) return undefined;
    const json = decodeJson(await files.read(path, LIMITS_JSON.manifestBytes), LIMITS_JSON.manifestBytes, path);
    const doc = json.ok ? parseManifestDocument(json.value) : json;
    return doc.ok && doc.value.kind === 'index' ? doc.value.manifests : undefined;
  };
  const collect = (descs: readonly Descriptor[]) => {
    for (const d of descs) {
      if (d.platform && !(d.platform.os === 'unknown' && d.platform.architecture === 'unknown')) out.add(formatPlatform(d.platform));
    }
  };
  try {
    const top = await readDoc('index.json');
    if (!top) return [];
    collect(top);
    for (const d of top.filter((x) => isIndexType(x.mediaType)).slice(0, 4)) {
      const nested = await readDoc(`blobs/${d.digest.replace(':', '/')}`);
      if (nested) collect(nested);
    }
  } catch {
    // The listing is informative only; the resolver has already read what the image needs.
  }
  return [...out];
}
