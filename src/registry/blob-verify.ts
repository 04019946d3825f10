// Verified blob reads. `verifyingStream` hashes and counts chunks and throws DIGEST_MISMATCH / SIZE_MISMATCH at the end
// instead of finishing (F7). `readVerifiedBlob` hands a consumer a fresh verified stream per attempt and, when a
// download that was resumed fails verification, discards that attempt and retries once from byte 0 (F6, moby).
// Page, worker and Node.
import { digestAlgorithm, formatDigest } from '../core/oci/digest.ts';
import type { Descriptor } from '../core/oci/manifest.ts';
import { streamBlob, type BlobOpenOptions, type ForeignUrlPolicy } from './blob-stream.ts';
import { collectBounded } from './body-reader.ts';
import type { RegistryError } from './errors.ts';
import { createWasmHasher, type CreateHasher } from './hashing.ts';
import type { RegistrySession } from './session.ts';

type Fail = (code: 'DIGEST_MISMATCH' | 'SIZE_MISMATCH', why: string) => RegistryError;

/**
 * Hashes and counts `chunks` as they pass; after the last chunk compares size and digest with `descriptor` and throws
 * `fail(…)` on a mismatch, so a consumer never sees a clean end of unverified content.
 */
export async function* verifyingStream(
  chunks: AsyncIterable<Uint8Array>,
  descriptor: Pick<Descriptor, 'digest' | 'size'>,
  fail: Fail,
  createHasher: CreateHasher = createWasmHasher,
): AsyncGenerator<Uint8Array, void, undefined> {
  const hasher = await createHasher(digestAlgorithm(descriptor.digest));
  let count = 0;
  for await (const chunk of chunks) {
    count += chunk.byteLength;
    if (count > descriptor.size) throw fail('SIZE_MISMATCH', `received more than the ${descriptor.size} bytes the descriptor declares`);
    hasher.update(chunk);
    yield chunk;
  }
  if (count !== descriptor.size) throw fail('SIZE_MISMATCH', `received ${count} bytes, the descriptor declares ${descriptor.size}`);
  const actual = formatDigest(digestAlgorithm(descriptor.digest), await hasher.digest());
  if (actual !== descriptor.digest) throw fail('DIGEST_MISMATCH', `digest mismatch: expected ${descriptor.digest}, got ${actual}`);
}

export type VerifiedReadOptions = BlobOpenOptions & {
  readonly createHasher?: CreateHasher | undefined;
  readonly foreignUrlPolicy?: ForeignUrlPolicy | undefined;
  /** Called before attempt 2 (a resumed download failed verification and starts again from byte 0). */
  readonly onRestart?: ((reason: RegistryError) => void) | undefined;
};

/**
 * Downloads and verifies a blob, feeding it to `consume`, whose result is returned only if the blob verified.
 * Contract for `consume`: it starts from byte 0 each time it is called (attempt 1, then possibly attempt 2); it may stop
 * reading early (the rest is drained and hashed for it); it must not treat its result as final before this resolves.
 */
export async function readVerifiedBlob<T>(
  session: RegistrySession,
  repository: string,
  descriptor: Descriptor,
  consume: (chunks: AsyncIterable<Uint8Array>, attempt: number) => Promise<T>,
  options: VerifiedReadOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let resumed = false;
    let mismatch: RegistryError | undefined;
    const source = streamBlob(session, repository, descriptor, {
      ...options,
      offset: 0,
      onResume: (at) => {
        resumed = true;
        options.onResume?.(at);
      },
    });
    const fail: Fail = (code, why) => (mismatch = session.failure({ what: `blob ${descriptor.digest}`, repository, digest: descriptor.digest }, code, why));
    const verified = verifyingStream(source, descriptor, fail, options.createHasher);
    try {
      const result = await consume(detachable(verified), attempt);
      for await (const _ of verified) {
        // drain what the consumer left so the whole blob is hashed
      }
      return result;
    } catch (e) {
      await verified.return(undefined).catch(() => undefined);
      // The consumer may have wrapped our error; the stream's own record says whether verification failed.
      if (mismatch !== undefined && resumed && attempt === 1) {
        options.onRestart?.(mismatch);
        continue;
      }
      throw mismatch ?? e;
    }
  }
}

/** An iterable over `source` whose early exit (break/return) leaves `source` open for draining. */
function detachable(source: AsyncGenerator<Uint8Array, void, undefined>): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => source.next(),
      return: () => Promise.resolve({ done: true as const, value: undefined }),
    }),
  };
}

/** Reads a whole (small) blob — a config — verified, refusing before any request when the descriptor exceeds `maxBytes`. */
export async function readBlobBytes(
  session: RegistrySession,
  repository: string,
  descriptor: Descriptor,
  maxBytes: number,
  options: VerifiedReadOptions = {},
): Promise<Uint8Array> {
  const spec = { what: `blob ${descriptor.digest}`, repository, digest: descriptor.digest };
  const tooLarge = (): RegistryError => session.failure(spec, 'TOO_LARGE', `the blob is ${descriptor.size} bytes, over the ${maxBytes}-byte limit for this kind of content`);
  if (descriptor.size > maxBytes) throw tooLarge();
  return readVerifiedBlob(session, repository, descriptor, (chunks) => collectBounded(chunks, maxBytes, tooLarge), options);
}
