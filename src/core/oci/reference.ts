// Image references parsed the way docker/distribution does (reference/normalize.go): pure.
// "ubuntu" → docker.io/library/ubuntu:latest; host[:port]/ns/repo[:tag][@digest]; optional docker:// prefix.
import { err, ok, type Result } from '../result.ts';
import { parseDigest, type Digest } from './digest.ts';

export type ImageReference = {
  /** Registry as the user names it: docker.io, ghcr.io, localhost:5000 */
  readonly registry: string;
  /** Host the v2 API lives on (docker.io → registry-1.docker.io) */
  readonly apiHost: string;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: Digest | undefined;
  /** Plain HTTP by default: localhost, 127.0.0.0/8 and [::1] registries */
  readonly insecure: boolean;
};

const DEFAULT_REGISTRY = 'docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;
const MAX_NAME = 255;

export function parseReference(input: string): Result<ImageReference> {
  let s = input.trim();
  if (s.startsWith('docker://')) s = s.slice('docker://'.length);
  if (s === '') return err('NAME_INVALID', 'image reference is empty: name an image such as ubuntu:24.04 or ghcr.io/owner/repo:tag');
  if (s.length > 512) return err('NAME_INVALID', 'image reference is longer than 512 characters');

  let digest: Digest | undefined;
  const at = s.indexOf('@');
  if (at >= 0) {
    const d = parseDigest(s.slice(at + 1));
    if (!d.ok) return err('NAME_INVALID', `invalid digest in "${input}": ${d.error.message}`);
    digest = d.value;
    s = s.slice(0, at);
  }

  let registry = DEFAULT_REGISTRY;
  let rest = s;
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const first = s.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      rest = s.slice(slash + 1);
    }
  }
  if (!HOST.test(registry)) return err('NAME_INVALID', `"${registry}" is not a valid registry host`);

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && !rest.slice(colon).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return err('NAME_INVALID', `"${tag}" is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -)`);
  }
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !rest.includes('/')) rest = `library/${rest}`;
  const parts = rest.split('/');
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      return err('NAME_INVALID', `"${rest}" is not a valid repository name: components are lowercase letters and digits separated by . _ __ or -`);
    }
  }
  if (registry.length + 1 + rest.length > MAX_NAME) return err('NAME_INVALID', `repository name is longer than ${MAX_NAME} characters`);
  if (tag === undefined && digest === undefined) tag = 'latest';

  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const insecure = host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
  const apiHost = registry === DEFAULT_REGISTRY ? 'registry-1.docker.io' : registry;
  return ok({ registry, apiHost, repository: rest, tag, digest, insecure });
}

/** The canonical string: registry/repository[:tag][@digest]. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** What a manifest request asks for: the digest when present (it pins the content), else the tag. */
export function referenceTarget(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}
