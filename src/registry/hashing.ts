// Digests of registry content: incremental sha256/sha512 through WebAssembly (hash-wasm; WebCrypto is missing outside
// secure contexts and cannot hash incrementally). The hasher is injectable so a caller's own pipeline can supply one.
// Page, worker and Node.
import { createSHA256, createSHA512 } from 'hash-wasm';
import { digestAlgorithm, formatDigest, type Digest, type DigestAlgorithm } from '../core/oci/digest.ts';

/** Incremental hash; `digest()` returns lowercase hex. */
export type BlobHasher = {
  update(chunk: Uint8Array): void;
  digest(): string | Promise<string>;
};

export type CreateHasher = (algorithm: DigestAlgorithm) => Promise<BlobHasher>;

export const createWasmHasher: CreateHasher = async (algorithm) => {
  const h = algorithm === 'sha512' ? await createSHA512() : await createSHA256();
  h.init();
  return {
    update: (chunk) => {
      h.update(chunk);
    },
    digest: () => h.digest('hex'),
  };
};

/** The digest of some bytes, in the algorithm of `like` (sha256 by default). */
export async function digestBytes(bytes: Uint8Array, like?: Digest, createHasher: CreateHasher = createWasmHasher): Promise<Digest> {
  const algorithm = like === undefined ? 'sha256' : digestAlgorithm(like);
  const h = await createHasher(algorithm);
  h.update(bytes);
  return formatDigest(algorithm, await h.digest());
}
