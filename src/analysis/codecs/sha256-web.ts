// Incremental SHA-256/SHA-512 for the worker (also Node, for tests) on hash-wasm: ~130 MB/s streaming, where
// WebCrypto can only digest a whole buffer (spec/perf.md). Used on compressed blobs and decoded diffIds.
import { createSHA256, createSHA512, type IHasher } from 'hash-wasm';

/** An in-thread hasher: update and digest run synchronously on the calling thread. */
export type SyncHash = { update(bytes: Uint8Array): void; digestHex(): string };

/** A SHA-256 hasher; digestHex() ends one blob and readies the same object for the next. */
export async function createSha256Web(): Promise<SyncHash> {
  return wrapHasher(await createSHA256());
}

/** A SHA-512 hasher (sha512: digests are allowed by the OCI image spec). */
export async function createSha512Web(): Promise<SyncHash> {
  return wrapHasher(await createSHA512());
}

function wrapHasher(hasher: IHasher): SyncHash {
  hasher.init();
  return {
    update(bytes) {
      hasher.update(bytes);
    },
    digestHex() {
      const hex = hasher.digest('hex');
      hasher.init();
      return hex;
    },
  };
}
