// One file's content as of a layer (worker side): find the layer holding the visible version (hardlinks resolve
// to their target), then read it by its tar offset — a gzip checkpoint and one Range request, a plain range of an
// uncompressed layer — or else re-stream the blob, decompress and walk the tar to the entry (stopping there).
import { normalizeEntryPath } from '../../core/layers/entry-path.ts';
import { FLAG } from '../../core/layers/layer-index.ts';
import { KIND } from '../../core/layers/tar-header.ts';
import { TarReader, type TarEntry } from '../../core/layers/tar-reader.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Codecs } from '../codecs.ts';
import { LayerError } from '../layer-error.ts';
import { declaredCompression, DEFAULT_LIMITS, type LayerJob } from '../layer-pipeline.ts';
import { sniffCompression } from '../sniff.ts';
import { readRawRange, readViaCheckpoints, readWhileRecording, type CheckpointReadStats } from './checkpoint-read.ts';
import { defaultCheckpointStore, type CheckpointStore } from './checkpoint-store.ts';
import type { Forest } from './forest.ts';
import { lookupPath, resolveHardlinkNode } from './row-window.ts';

export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export type ExtractedFile = { readonly path: string; readonly size: number; readonly truncated: boolean; readonly bytes: ArrayBuffer };

/** The decompressed tar stream of a layer blob (compression sniffed from its bytes, hardening T25). */
export async function* openLayerTar(job: LayerJob, codecs: Codecs, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
  const sniffed = await sniffCompression(job.open(signal));
  const options = { signal };
  if (sniffed.compression === 'gzip') yield* codecs.gunzip(sniffed.stream, options);
  // The same window limit the layer was indexed with, so whatever indexed can also be read back.
  else if (sniffed.compression === 'zstd') yield* codecs.unzstd(sniffed.stream, { ...options, maxWindowBytes: DEFAULT_LIMITS.maxZstdWindowBytes });
  else yield* sniffed.stream;
}

/** Finds what to read: the regular file shown at `path` in `forest` and the layer entry holding its bytes. */
export function locateFile(forest: Forest, path: string, asOfLayer: number): Result<{ pos: number; entry: number }> {
  const node = lookupPath(forest, path);
  if (node <= 0) return err('NOT_FOUND', `${path} is not in the image as of layer ${asOfLayer}`);
  const a = forest.attrs(node);
  if (a.kind === KIND.dir) return err('NOT_A_FILE', `${path} is a directory`);
  if (a.kind === KIND.symlink) return err('NOT_A_FILE', `${path} is a symbolic link to ${a.link ?? '?'}; open its target instead`);
  if (a.kind !== KIND.file && a.kind !== KIND.hardlink) return err('NOT_A_FILE', `${path} is a device or fifo and has no content`);
  const target = a.kind === KIND.hardlink ? resolveHardlinkNode(forest, node) : node;
  if (target <= 0) return err('NOT_FOUND', `${path} is a hardlink to /${a.link ?? ''}, which is not in the image as of layer ${asOfLayer}`);
  return ok(forest.entryOf(target));
}

/** Streams the layer and returns the first maxBytes of the entry at `entryPath` ("a/b", as the index names it). */
export async function readLayerEntry(job: LayerJob, codecs: Codecs, entryPath: string, options: { maxBytes: number; lastWins: boolean; sparse: boolean; signal: AbortSignal }): Promise<Result<ExtractedFile>> {
  if (options.sparse) return err('UNSUPPORTED', `/${entryPath} is a sparse file; Strata does not extract sparse file contents`);
  const cap = Math.max(0, Math.min(options.maxBytes, MAX_FILE_BYTES));
  let found: { bytes: Uint8Array; size: number } | undefined;
  let current: { bytes: Uint8Array; size: number; filled: number } | undefined;
  let stop = false;
  const reader = new TarReader({
    onEntry(e: TarEntry) {
      current = undefined;
      const norm = normalizeEntryPath(e.path);
      if (!norm.ok || e.kind !== KIND.file || norm.segments.join('/') !== entryPath) return false;
      current = { bytes: new Uint8Array(Math.min(cap, e.realSize)), size: e.realSize, filled: 0 };
      return true;
    },
    onBody(chunk, start, end) {
      if (!current) return;
      const n = Math.min(end - start, current.bytes.length - current.filled);
      if (n > 0) current.bytes.set(chunk.subarray(start, start + n), current.filled);
      current.filled += Math.max(0, n);
    },
    onEntryEnd() {
      if (!current) return;
      found = current;
      current = undefined;
      // A path written twice in one layer: the last copy is the one the index describes.
      if (!options.lastWins) stop = true;
    },
    onWarning: () => undefined,
  });
  const ctl = new AbortController();
  const forward = () => ctl.abort(options.signal.reason);
  options.signal.addEventListener('abort', forward, { once: true });
  try {
    for await (const chunk of openLayerTar(job, codecs, ctl.signal)) {
      const e = reader.push(chunk);
      if (e) throw new LayerError(e.code, `layer ${job.index}: ${e.message}`);
      if (stop || reader.ended) break;
    }
  } finally {
    options.signal.removeEventListener('abort', forward);
    ctl.abort();
  }
  options.signal.throwIfAborted();
  if (!found) return err('NOT_FOUND', `/${entryPath} was not found in layer ${job.index}'s blob; the blob differs from the one indexed`);
  return ok({ path: `/${entryPath}`, size: found.size, truncated: found.size > found.bytes.length, bytes: found.bytes.buffer as ArrayBuffer });
}

export type FileReadOptions = {
  readonly maxBytes: number;
  readonly lastWins: boolean;
  readonly sparse: boolean;
  readonly signal: AbortSignal;
  /** the entry's tar header offset and size from the layer index (the last copy of a duplicate path) */
  readonly headerOffset?: number | undefined;
  readonly size?: number | undefined;
  /** keeps recording a gzip layer's checkpoints after the answer until this aborts (the image closes) */
  readonly recordSignal?: AbortSignal | undefined;
  readonly checkpoints?: CheckpointStore | undefined;
  /** uncompressed bytes between gzip checkpoints (default 4 MiB; tests use less) */
  readonly checkpointSpan?: number | undefined;
  readonly onStats?: ((s: CheckpointReadStats) => void) | undefined;
};

/**
 * The first maxBytes of the entry: by random access where the layer allows it (see the module header), else by
 * streaming. A range that does not hold the entry falls back to streaming, never to wrong bytes.
 */
export async function readLayerFile(job: LayerJob, codecs: Codecs, entryPath: string, options: FileReadOptions): Promise<Result<ExtractedFile>> {
  const { headerOffset, size, signal } = options;
  if (!options.sparse && headerOffset !== undefined && size !== undefined) {
    const keep = Math.min(size, Math.max(0, Math.min(options.maxBytes, MAX_FILE_BYTES)));
    const span = { headerOffset, size, keep };
    const store = options.checkpoints ?? defaultCheckpointStore();
    let bytes: Uint8Array | undefined;
    try {
      const compression = declaredCompression(job.mediaType);
      if (compression === 'none') bytes = await readRawRange(job, span, signal, options.onStats);
      else if (compression === 'gzip') {
        const viaIndex = await readViaCheckpoints(job, span, store, signal, options.onStats);
        bytes = viaIndex === 'no-index' ? await readWhileRecording(job, span, store, signal, options.recordSignal ?? signal, options.checkpointSpan) : viaIndex;
      }
    } catch (e) {
      signal.throwIfAborted();
      if (e instanceof LayerError && e.code === 'ABORTED') throw e;
      bytes = undefined; // a failed range read or inflate: stream the layer instead
    }
    if (bytes) return ok({ path: `/${entryPath}`, size, truncated: size > keep, bytes: bytes.slice().buffer });
  }
  return readLayerEntry(job, codecs, entryPath, options);
}

/** Whether the index saw this entry path more than once (its warning names the path). */
export function hasDuplicate(warnings: readonly { code: string; path?: string }[], entryPath: string): boolean {
  return warnings.some((w) => {
    if (w.code !== 'DUPLICATE_ENTRY' || w.path === undefined) return false;
    const norm = normalizeEntryPath(w.path);
    return norm.ok && norm.segments.join('/') === entryPath;
  });
}

export function isSparse(flags: number): boolean {
  return (flags & FLAG.sparse) !== 0;
}
