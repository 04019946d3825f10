// Platforms (image-index.md) and the choice of one manifest from an index. Pure.
import { err, ok, type Result } from '../result.ts';
import type { Descriptor } from './manifest.ts';
import { isIndexType, isManifestType } from './media-types.ts';

export type Platform = {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly osVersion?: string;
};

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export function parsePlatform(v: unknown): Result<Platform> {
  if (typeof v !== 'object' || v === null) return err('MANIFEST_INVALID', 'platform is not an object');
  const o = v as Record<string, unknown>;
  if (typeof o.os !== 'string' || typeof o.architecture !== 'string') return err('MANIFEST_INVALID', 'platform needs os and architecture strings');
  const p: { -readonly [K in keyof Platform]: Platform[K] } = { os: o.os, architecture: o.architecture };
  if (typeof o.variant === 'string' && o.variant !== '') p.variant = o.variant;
  if (typeof o['os.version'] === 'string') p.osVersion = o['os.version'];
  return ok(p);
}

/** Parses "os/arch[/variant]" as given on the command line or in the URL. */
export function parsePlatformString(s: string): Result<Platform> {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
    return err('PLATFORM_INVALID', `"${s}" is not a platform; write os/arch[/variant], e.g. linux/arm64/v8`);
  }
  return ok(parts[2] ? { os: parts[0]!, architecture: parts[1]!, variant: parts[2] } : { os: parts[0]!, architecture: parts[1]! });
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Default variants as containerd normalises them (arm64 → v8, arm → v7). */
function normalVariant(p: Platform): string | undefined {
  if (p.variant) return p.variant;
  if (p.architecture === 'arm64') return 'v8';
  if (p.architecture === 'arm') return 'v7';
  return undefined;
}

export function platformMatches(have: Platform, want: Platform): boolean {
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  return want.variant === undefined || normalVariant(have) === normalVariant(want);
}

export type PlatformChoice = { readonly descriptor: Descriptor; readonly reason: string };

/**
 * Chooses one entry of an index: the wanted platform if given, else linux/amd64, else the only image entry.
 * Attestation manifests (platform unknown/unknown) and non-image entries are never chosen.
 */
export function choosePlatform(manifests: readonly Descriptor[], wanted?: Platform): Result<PlatformChoice> {
  const images = manifests.filter((d) => (isManifestType(d.mediaType) || isIndexType(d.mediaType))
    && !(d.platform?.os === 'unknown' && d.platform.architecture === 'unknown')
    && d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
  const available = images.map((d) => (d.platform ? formatPlatform(d.platform) : 'unspecified')).join(', ') || 'none';
  if (wanted) {
    const hit = images.find((d) => d.platform && platformMatches(d.platform, wanted));
    if (hit) return ok({ descriptor: hit, reason: `platform ${formatPlatform(wanted)} as requested` });
    return err('PLATFORM_NOT_FOUND', `no manifest for platform ${formatPlatform(wanted)}; the index offers: ${available}`);
  }
  const dflt = images.find((d) => d.platform && platformMatches(d.platform, DEFAULT_PLATFORM));
  if (dflt) return ok({ descriptor: dflt, reason: `default platform ${formatPlatform(DEFAULT_PLATFORM)} (others: ${available})` });
  if (images.length === 1) {
    const only = images[0]!;
    return ok({ descriptor: only, reason: `the only image in the index (${only.platform ? formatPlatform(only.platform) : 'platform unspecified'})` });
  }
  return err('PLATFORM_REQUIRED', `the index holds several platforms and none is linux/amd64: choose one with --platform (${available})`);
}
