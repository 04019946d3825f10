// The layer pipeline, shared by the worker and the CLI: blob stream → digest (compressed bytes) → sniffed
// decompression → diffId (uncompressed bytes) → incremental tar reader → columnar layer index. Streaming,
// bounded (size, ratio, absolute budget) and cancellable. Effectful shell over src/core.
import { CheckpointCollector, type GzipCheckpointIndex } from './codecs/gzip-checkpoints.ts';
import type { LayerIndex } from '../core/layers/layer-index.ts';
import { LayerIndexBuilder } from '../core/layers/layer-index-builder.ts';
import { TarReader } from '../core/layers/tar-reader.ts';
import { digestAlgorithm, formatDigest, shortDigest, type DiffId, type Digest } from '../core/oci/digest.ts';
import type { Codecs, IncrementalHash } from './codecs.ts';
import type { HeapLimit } from './heap-entry-budget.ts';
import { LayerError } from './layer-error.ts';
import { sniffCompression, type Compression } from './sniff.ts';

export type LayerLimits = {
  /** stop when the uncompressed stream exceeds this many bytes */
  readonly maxUncompressedBytes: number;
  /** stop when uncompressed/compressed exceeds this ratio (after the first ratioGraceBytes) */
  readonly maxRatio: number;
  readonly ratioGraceBytes: number;
  readonly maxEntries: number;
  readonly maxZstdWindowBytes: number;
  /** entries summed over an image's layers (enforced by image-entry-budget.ts; default 20,000,000) */
  readonly maxImageEntries?: number;
  /** the heap maxImageEntries was derived from (heap-entry-budget.ts), named in the budget's error message */
  readonly heap?: HeapLimit;
};

export const DEFAULT_LIMITS: LayerLimits = {
  maxUncompressedBytes: 64 * 1024 ** 3,
  maxRatio: 1000,
  ratioGraceBytes: 64 * 1024 ** 2,
  maxEntries: 5_000_000,
  maxZstdWindowBytes: 128 * 1024 ** 2,
  maxImageEntries: 20_000_000,
};

export type LayerJob = {
  readonly index: number;
  readonly mediaType: string;
  /** digest of the blob as stored; undefined for legacy docker-archive layer.tar members */
  readonly digest: Digest | undefined;
  readonly size: number | undefined;
  readonly diffId: DiffId | undefined;
  open(signal: AbortSignal): AsyncIterable<Uint8Array>;
  /** bytes [start, end) of the blob as stored, where the source allows random access (HTTP Range, File slice) */
  openRange?(start: number, end: number, signal: AbortSignal): AsyncIterable<Uint8Array>;
};

export type LayerProgress = {
  readonly layer: number; readonly compressedBytes: number; readonly uncompressedBytes: number; readonly entries: number;
  /** the index being built (live: it keeps growing), so a view can show the layer while it streams */
  readonly index?: LayerIndex;
};

export type LayerStatus = 'verified' | 'unverified' | 'failed';

export type LayerResult = {
  readonly index: number;
  readonly status: LayerStatus;
  /** entries read; for a failed layer, those read before the failure (never stacked) */
  readonly layer: LayerIndex;
  readonly compression: Compression;
  readonly digest: Digest;
  readonly diffId: DiffId;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly error?: { readonly code: string; readonly message: string };
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
  /** a gzip layer's random-access checkpoints, recorded while it streamed (when the gzip back end can) */
  readonly checkpoints?: GzipCheckpointIndex | undefined;
};

const PROGRESS_EVERY = 4 * 1024 * 1024;

type AnalyzeOptions = { signal: AbortSignal; limits?: LayerLimits; onProgress?: (p: LayerProgress) => void };

export async function analyzeLayer(job: LayerJob, codecs: Codecs, options: AnalyzeOptions): Promise<LayerResult> {
  const algorithm = job.digest ? digestAlgorithm(job.digest) : 'sha256';
  // Both big hashes may run on another thread (the browser's hash workers) while this one decodes and walks.
  const digestHasher = await codecs.hasher(algorithm, { offload: true });
  const diffHasher = await codecs.hasher('sha256', { offload: true });
  try {
    return await runLayer(job, codecs, digestHasher, diffHasher, options);
  } finally {
    digestHasher.dispose();
    diffHasher.dispose();
  }
}

async function runLayer(job: LayerJob, codecs: Codecs, digestHasher: IncrementalHash, diffHasher: IncrementalHash, options: AnalyzeOptions): Promise<LayerResult> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const { signal } = options;
  const name = job.digest ? shortDigest(job.digest) : `#${job.index}`;
  const warnings: { code: string; message: string }[] = [];
  const warn = (code: string, message: string) => { if (warnings.length < 100) warnings.push({ code, message }); };
  const algorithm = job.digest ? digestAlgorithm(job.digest) : 'sha256';
  const contentHasher = await codecs.contentHasher();
  let compressed = 0;
  const raw = job.open(signal)[Symbol.asyncIterator]();
  const pull = async (): Promise<IteratorResult<Uint8Array>> => {
    const r = await raw.next();
    if (r.done) return r;
    signal.throwIfAborted();
    compressed += r.value.length;
    if (job.size !== undefined && compressed > job.size) {
      throw new LayerError('SIZE_INVALID', `layer ${name} is longer than the ${job.size} bytes its descriptor declares (trailing data); the blob is not what the manifest names`);
    }
    // Not owned: the decoder still reads these bytes, so the hasher copies what it sends away.
    const waiting = digestHasher.update(r.value);
    if (waiting) await waiting;
    return r;
  };
  // No return(): a decoder that stops early must not close the source, so the rest can still be hashed.
  const counted: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: pull }) };
  const builder = new LayerIndexBuilder(contentHasher, { maxEntries: limits.maxEntries, maxWarnings: 500 });
  const reader = new TarReader(builder);
  let compression: Compression = 'none';
  let uncompressed = 0;
  let nextProgress = PROGRESS_EVERY;
  let failure: { code: string; message: string } | undefined;
  // The file viewer later reads one file of a gzip layer with one Range request from the nearest checkpoint.
  const checkpoints = job.digest !== undefined ? new CheckpointCollector() : undefined;
  try {
    const sniffed = await sniffCompression(counted);
    compression = sniffed.compression;
    const declared = declaredCompression(job.mediaType);
    if (declared !== undefined && declared !== compression) {
      warn('MEDIA_TYPE_MISMATCH', `layer ${name}: media type says ${declared} but the bytes are ${compression}; read as ${compression}`);
    }
    const decodeOptions = { signal, onWarning: warn };
    const decoded = compression === 'gzip' ? codecs.gunzip(sniffed.stream, { ...decodeOptions, checkpoints })
      : compression === 'zstd' ? codecs.unzstd(sniffed.stream, { ...decodeOptions, maxWindowBytes: limits.maxZstdWindowBytes })
      : sniffed.stream;
    for await (const chunk of decoded) {
      uncompressed += chunk.length;
      if (uncompressed > limits.maxUncompressedBytes) {
        throw new LayerError('DECOMPRESSION_BOMB', `layer ${name} expands beyond ${limits.maxUncompressedBytes} bytes (possible decompression bomb); raise the limit only for a trusted image`);
      }
      if (uncompressed > limits.ratioGraceBytes && compressed > 0 && uncompressed / compressed > limits.maxRatio) {
        throw new LayerError('DECOMPRESSION_BOMB', `layer ${name} expands more than ${limits.maxRatio}:1 (${uncompressed} bytes from ${compressed}; possible decompression bomb)`);
      }
      if (!reader.ended) {
        const e = reader.push(chunk);
        if (e) throw new LayerError(e.code, `layer ${name}: ${e.message}`);
      }
      // After the tar reader (which keeps no reference to the chunk): the hasher may take the buffer, no copy.
      if (compression !== 'none') {
        const waiting = diffHasher.update(chunk, true);
        if (waiting) await waiting;
      }
      if (uncompressed >= nextProgress) {
        nextProgress = uncompressed + PROGRESS_EVERY;
        options.onProgress?.({ layer: job.index, compressedBytes: compressed, uncompressedBytes: uncompressed, entries: reader.entries, index: builder.index });
      }
    }
    const e = reader.finish();
    if (e) throw new LayerError(e.code, `layer ${name}: ${e.message}`);
    if (builder.limitHit) throw new LayerError('ENTRY_LIMIT', `layer ${name}: ${builder.limitHit}`);
  } catch (e) {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new LayerError('ABORTED', 'cancelled');
    const err = e as { code?: string; message: string };
    failure = { code: err.code ?? 'LAYER_READ_FAILED', message: err.code ? err.message : `layer ${name}: ${err.message}` };
    // A broken stream may be a corrupt download: finish hashing so a digest mismatch is reported as such.
    if (job.digest !== undefined && failure.code !== 'SIZE_INVALID') {
      try {
        while (!(await pull()).done) { /* hashing happens in pull */ }
        const got = formatDigest(algorithm, await digestHasher.digestHex());
        if (got !== job.digest) failure = { code: 'DIGEST_MISMATCH', message: `layer digest mismatch: expected ${job.digest}, got ${got}; the blob is corrupt or not the one the manifest names — its files are not shown` };
      } catch (drainError) {
        if (signal.aborted) throw drainError;
      }
    }
  } finally {
    await raw.return?.()?.catch(() => undefined);
  }
  const layer = builder.finish(reader.bytesConsumed);
  options.onProgress?.({ layer: job.index, compressedBytes: compressed, uncompressedBytes: uncompressed, entries: reader.entries });
  let digest = job.digest ?? formatDigest(algorithm, '');
  let diffId = (compression === 'none' ? digest : '') as DiffId;
  if (!failure) {
    try {
      const hexes = await Promise.all([digestHasher.digestHex(), compression !== 'none' ? diffHasher.digestHex() : undefined]);
      digest = formatDigest(algorithm, hexes[0]);
      diffId = (hexes[1] === undefined ? digest : `sha256:${hexes[1]}`) as DiffId;
    } catch (e) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new LayerError('ABORTED', 'cancelled');
      const err = e as { code?: string; message: string };
      failure = { code: err.code ?? 'LAYER_READ_FAILED', message: `layer ${name}: ${err.message}` };
    }
  }
  if (!failure) failure = verify(job, name, digest, diffId, compressed, compression, warn);
  for (const w of layer.warnings.slice(0, 20)) warn(w.code, w.path ? `${w.message}` : w.message);
  const base = { index: job.index, layer, compression, digest, diffId, compressedBytes: compressed, uncompressedBytes: uncompressed, warnings };
  if (failure) return { ...base, status: 'failed', error: failure };
  const index = compression === 'gzip' ? checkpoints?.index(compressed, uncompressed) : undefined;
  return { ...base, status: job.digest || job.diffId ? 'verified' : 'unverified', ...(index ? { checkpoints: index } : {}) };
}

/** Digest and size against the descriptor; diffId against the config (a mismatch there is a warning, T26). */
function verify(job: LayerJob, name: string, digest: Digest, diffId: DiffId, compressed: number, compression: Compression, warn: (c: string, m: string) => void): { code: string; message: string } | undefined {
  if (job.size !== undefined && compressed !== job.size) {
    return { code: 'SIZE_INVALID', message: `layer ${name} is ${compressed} bytes but its descriptor says ${job.size}; the download is incomplete or the blob is wrong` };
  }
  if (job.digest !== undefined && digest !== job.digest) {
    return { code: 'DIGEST_MISMATCH', message: `layer digest mismatch: expected ${job.digest}, got ${digest}; the blob is corrupt or not the one the manifest names — its files are not shown` };
  }
  if (job.diffId !== undefined && diffId !== job.diffId) {
    // Without a blob digest (legacy docker save), the diffId is the only check: a mismatch fails the layer.
    if (job.digest === undefined) {
      return { code: 'DIGEST_MISMATCH', message: `layer ${name}: uncompressed content hashes to ${diffId}, but the config lists ${job.diffId}; the archive is corrupt — its files are not shown` };
    }
    warn('DIFF_ID_MISMATCH', `layer ${name}: diff_id mismatch — the config lists ${job.diffId} but the ${compression === 'none' ? '' : 'uncompressed '}tar hashes to ${diffId}`);
  }
  return undefined;
}

/** The compression a layer media type names (undefined for one that does not say). */
export function declaredCompression(mediaType: string): Compression | undefined {
  if (mediaType.endsWith('+gzip') || mediaType.endsWith('.tar.gzip')) return 'gzip';
  if (mediaType.endsWith('+zstd')) return 'zstd';
  if (mediaType.endsWith('.tar')) return 'none';
  return undefined;
}
