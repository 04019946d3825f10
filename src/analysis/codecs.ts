// The decoders and hashers the layer pipeline needs, behind one interface so the worker (DecompressionStream,
// WebAssembly) and Node (zlib, OpenSSL) plug in their fastest correct implementation. Types only.
import type { ContentHasher } from '../core/layers/content-hash.ts';
import type { DigestAlgorithm } from '../core/oci/digest.ts';
import type { CheckpointCollector } from './codecs/gzip-checkpoints.ts';
import type { LayerWorkers } from './layer-workers.ts';

/**
 * An incremental hash that may run on another thread. `update` returns a promise when the caller must wait
 * before the next update (bytes in flight are bounded); with `owned` the hasher may take (detach) the bytes'
 * buffer, so the caller must not touch them again. `dispose` drops an unfinished hash (abort, failure).
 */
export type IncrementalHash = {
  update(bytes: Uint8Array, owned?: boolean): void | Promise<void>;
  digestHex(): Promise<string>;
  dispose(): void;
};

/** `offload`: hash off the calling thread where the platform can (a hash worker); the bytes are large. */
export type HasherOptions = { readonly offload?: boolean };

/** `checkpoints` (gzip only): a back end that can records random-access checkpoints into it while decoding. */
export type DecodeOptions = { signal?: AbortSignal; onWarning?: (code: string, message: string) => void; checkpoints?: CheckpointCollector | undefined };

export type Codecs = {
  readonly name: string;
  hasher(algorithm: DigestAlgorithm, options?: HasherOptions): Promise<IncrementalHash>;
  gunzip(input: AsyncIterable<Uint8Array>, options: DecodeOptions): AsyncIterable<Uint8Array>;
  unzstd(input: AsyncIterable<Uint8Array>, options: DecodeOptions & { maxWindowBytes?: number }): AsyncIterable<Uint8Array>;
  contentHasher(): Promise<ContentHasher>;
  /** layer-workers hook: layers run on a pool of layer workers (src/analysis/layer-workers.ts); absent = all in this thread */
  readonly layerWorkers?: LayerWorkers | undefined;
};
