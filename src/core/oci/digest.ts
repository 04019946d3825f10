// Digests as branded strings (OCI image-spec descriptor.md): algorithm ":" encoded. Pure.
// digest = compressed blob id; diffId = digest of the uncompressed layer tar (config rootfs.diff_ids).
import { err, ok, type Result } from '../result.ts';

declare const digestBrand: unique symbol;
declare const diffIdBrand: unique symbol;
export type Digest = string & { readonly [digestBrand]: true };
export type DiffId = string & { readonly [diffIdBrand]: true };
export type DigestAlgorithm = 'sha256' | 'sha512';

const ENCODED_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
// descriptor.md grammar: algorithm-component ([a-z0-9]+) joined by [+._-]; encoded [a-zA-Z0-9=_-]+
const GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Validates a digest string. sha256/sha512 must be lowercase hex of the exact length (descriptor.md). */
export function parseDigest(value: unknown): Result<Digest> {
  if (typeof value !== 'string') return err('DIGEST_INVALID', 'digest is not a string');
  if (value.length > 200 || !GRAMMAR.test(value)) return err('DIGEST_INVALID', `"${value.slice(0, 80)}" is not a digest (expected algorithm:hex, e.g. sha256:…)`);
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  if (algorithm === 'sha256' || algorithm === 'sha512') {
    const want = ENCODED_LENGTH[algorithm];
    if (encoded.length !== want || !/^[a-f0-9]+$/.test(encoded)) {
      return err('DIGEST_INVALID', `${algorithm} digest must be ${want} lowercase hex characters: "${value.slice(0, 80)}"`);
    }
    return ok(value as Digest);
  }
  return err('DIGEST_UNSUPPORTED', `digest algorithm "${algorithm}" is not supported (sha256 and sha512 are)`);
}

export function digestAlgorithm(digest: Digest | DiffId): DigestAlgorithm {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

export function digestHex(digest: Digest | DiffId): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function asDiffId(digest: Digest): DiffId {
  return digest as string as DiffId;
}

/** Formats a raw hash as a digest of the given algorithm. */
export function formatDigest(algorithm: DigestAlgorithm, hex: string): Digest {
  return `${algorithm}:${hex}` as Digest;
}

/** Short form for display: first 12 hex characters. */
export function shortDigest(digest: string): string {
  const i = digest.indexOf(':');
  return digest.slice(i + 1, i + 13);
}
