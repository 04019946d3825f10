// Strict validation of what a registry URL names: repository names and tags (distribution-spec grammar) and
// digests (OCI descriptor.md). Node side; a value that passes can be joined into a path without traversal.
import { parseDigest } from '../../src/core/oci/digest.ts';

const PATH_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export function isRepositoryName(name: string): boolean {
  return name.length <= 255 && NAME.test(name);
}

export function isTag(tag: string): boolean {
  return TAG.test(tag);
}

/** A digest we can locate on disk: sha256 or sha512, lowercase hex of the exact length. */
export function parseBlobDigest(value: string): { algorithm: 'sha256' | 'sha512'; hex: string } | undefined {
  const r = parseDigest(value);
  if (!r.ok) return undefined;
  const [algorithm, hex] = r.value.split(':') as [string, string];
  return algorithm === 'sha256' || algorithm === 'sha512' ? { algorithm, hex } : undefined;
}
