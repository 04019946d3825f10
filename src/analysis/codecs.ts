// The decoders and hashers the layer pipeline needs, behind one interface so the worker (DecompressionStream,
// WebAssembly) and Node (zlib, OpenSSL) plug in their fastest correct implementation. Types only.
import type { ContentHasher } from '../core/layers/content-hash.ts';
import type { DigestAlgorithm } from '../core/oci/digest.ts';

export type IncrementalHash = { update(bytes: Uint8Array): void; digestHex(): string };

export type DecodeOptions = { signal?: AbortSignal; onWarning?: (code: string, message: string) => void };

export type Codecs = {
  readonly name: string;
  hasher(algorithm: DigestAlgorithm): Promise<IncrementalHash>;
  gunzip(input: AsyncIterable<Uint8Array>, options: DecodeOptions): AsyncIterable<Uint8Array>;
  unzstd(input: AsyncIterable<Uint8Array>, options: DecodeOptions & { maxWindowBytes?: number }): AsyncIterable<Uint8Array>;
  contentHasher(): Promise<ContentHasher>;
};
