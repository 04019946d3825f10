// Normalising tar entry names into layer-relative paths, and classifying OCI whiteouts (image-spec layer.md).
// Untrusted names are never allowed to leave the layer root (hardening T1, T2, T7, T16). Pure.

export const MAX_PATH_DEPTH = 1024;

export type PathFlag = 'absolute' | 'drive-letter' | 'dot-segments';

export type NormalizedPath =
  | { readonly ok: true; readonly segments: readonly string[]; readonly flags: readonly PathFlag[] }
  | { readonly ok: false; readonly code: 'PATH_ESCAPE' | 'PATH_TOO_DEEP' | 'PATH_EMPTY'; readonly message: string };

/**
 * Splits a tar name into clean segments. Leading slashes and a Windows drive prefix are removed and flagged;
 * "." and "" segments are dropped; ".." is resolved, and a name that climbs above the root is rejected
 * (moby and containerd refuse such entries as breakouts).
 */
export function normalizeEntryPath(raw: string): NormalizedPath {
  const flags: PathFlag[] = [];
  let s = raw;
  if (/^[A-Za-z]:/.test(s)) {
    flags.push('drive-letter');
    s = s.slice(2);
  }
  if (s.startsWith('/')) flags.push('absolute');
  // Fast path: the common "a/b/c" or "./a/b/" shapes without dot segments.
  const parts = s.split('/');
  const segments: string[] = [];
  let dots = false;
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      dots = true;
      if (segments.length === 0) {
        return { ok: false, code: 'PATH_ESCAPE', message: `"${raw.slice(0, 200)}" climbs out of the layer root with ".."` };
      }
      segments.pop();
      continue;
    }
    segments.push(p);
    if (segments.length > MAX_PATH_DEPTH) {
      return { ok: false, code: 'PATH_TOO_DEEP', message: `"${raw.slice(0, 120)}…" is deeper than ${MAX_PATH_DEPTH} directories` };
    }
  }
  if (dots) flags.push('dot-segments');
  if (segments.length === 0) return { ok: false, code: 'PATH_EMPTY', message: 'entry names the layer root' };
  return { ok: true, segments, flags };
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export type WhiteoutClass =
  | { readonly kind: 'none' }
  | { readonly kind: 'whiteout'; readonly target: string }
  | { readonly kind: 'opaque' }
  | { readonly kind: 'invalid'; readonly message: string }
  /** other .wh..wh.* names: aufs metadata (.wh..wh.plnk, .wh..wh.aufs) that is never shown */
  | { readonly kind: 'aufs-meta' };

/** Classifies the last segment of a path as a whiteout, an opaque marker or a plain name. */
export function classifyWhiteout(name: string): WhiteoutClass {
  if (name.length < 4 || name.charCodeAt(0) !== 46 /* . */ || !name.startsWith(WHITEOUT_PREFIX)) return { kind: 'none' };
  if (name === OPAQUE_MARKER) return { kind: 'opaque' };
  if (name.startsWith('.wh..wh.')) return { kind: 'aufs-meta' };
  const target = name.slice(WHITEOUT_PREFIX.length);
  if (target === '') return { kind: 'invalid', message: 'bare ".wh." whiteout names nothing (image-spec: invalid whiteout name)' };
  if (target === '.' || target === '..') return { kind: 'invalid', message: `whiteout "${name}" would delete "${target}"` };
  return { kind: 'whiteout', target };
}
