// Builds an OCI image layout in memory (blobs keyed by sha256, deterministic JSON) and writes it to disk.
// Node side: used by the demo image builder; layer tars come from src/core/layers/tar-writer.ts.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { collectTarBytes, createTarStream, type TarEntry } from '../../src/core/layers/tar-writer.ts';
import { MEDIA } from '../../src/core/oci/media-types.ts';

export type Descriptor = {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly architecture: string; readonly os: string; readonly variant?: string };
  readonly annotations?: Readonly<Record<string, string>>;
};
export type Compression = 'gzip' | 'zstd';
export type LayerBlob = { readonly descriptor: Descriptor; readonly diffId: string };
export type HistoryStep = { readonly createdBy: string; readonly emptyLayer?: boolean; readonly comment?: string };
export type ImageSpec = {
  readonly layers: readonly LayerBlob[];
  readonly history: readonly HistoryStep[];
  readonly config: Readonly<Record<string, unknown>>;
  readonly architecture: string;
  readonly os: string;
  readonly created: string;
};

export const ZSTD_BIN = '/usr/bin/zstd';
const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export class LayoutWriter {
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly entries: Descriptor[] = [];

  addBlob(bytes: Uint8Array, mediaType: string): Descriptor {
    const digest = sha256(bytes);
    this.blobs.set(digest, bytes);
    return { mediaType, digest, size: bytes.length };
  }

  addJson(value: unknown, mediaType: string): Descriptor {
    return this.addBlob(Buffer.from(JSON.stringify(value)), mediaType);
  }

  /** Tars the entries and compresses them; gzip via node:zlib (fixed header, so stable bytes), zstd via the zstd CLI. */
  addLayer(entries: readonly TarEntry[], compression: Compression): LayerBlob {
    const tar = createTarStream(entries);
    if (!tar.ok) throw new Error(`demo layer: ${tar.error.message}`);
    const bytes = collectTarBytes(tar.value);
    const compressed = compression === 'gzip' ? gzipSync(bytes, { level: 9 }) : compressZstd(bytes);
    const mediaType = compression === 'gzip' ? MEDIA.ociLayerGzip : MEDIA.ociLayerZstd;
    return { descriptor: this.addBlob(compressed, mediaType), diffId: sha256(bytes) };
  }

  /** Writes config + OCI manifest for one image and returns the manifest's descriptor. */
  addImage(spec: ImageSpec): Descriptor {
    const config = {
      created: spec.created,
      architecture: spec.architecture,
      os: spec.os,
      config: spec.config,
      rootfs: { type: 'layers', diff_ids: spec.layers.map((l) => l.diffId) },
      history: spec.history.map((h) => ({
        created: spec.created,
        created_by: h.createdBy,
        ...(h.comment === undefined ? {} : { comment: h.comment }),
        ...(h.emptyLayer ? { empty_layer: true } : {}),
      })),
    };
    const configDescriptor = this.addJson(config, MEDIA.ociConfig);
    const manifest = { schemaVersion: 2, mediaType: MEDIA.ociManifest, config: configDescriptor, layers: spec.layers.map((l) => l.descriptor) };
    const descriptor = this.addJson(manifest, MEDIA.ociManifest);
    return { ...descriptor, platform: { architecture: spec.architecture, os: spec.os } };
  }

  addIndex(manifests: readonly Descriptor[]): Descriptor {
    return this.addJson({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests }, MEDIA.ociIndex);
  }

  /** Lists a manifest or index in index.json under a repository name and tag. */
  tag(descriptor: Descriptor, repository: string, tag: string): void {
    const { platform: _platform, ...plain } = descriptor;
    this.entries.push({ ...plain, annotations: { 'io.strata.repository': repository, 'org.opencontainers.image.ref.name': tag } });
  }

  async writeTo(dir: string): Promise<void> {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    for (const [digest, bytes] of this.blobs) await writeFile(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: this.entries }));
  }
}

function compressZstd(bytes: Uint8Array): Uint8Array {
  const r = spawnSync(ZSTD_BIN, ['-q', '-c', '-19', '--no-progress'], { input: bytes, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`zstd failed (exit ${r.status}): ${r.stderr.toString().slice(0, 200)}`);
  return new Uint8Array(r.stdout);
}
