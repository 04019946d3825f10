// Token-realm tracking for the proxy (node side): parses WWW-Authenticate challenges from allowed registries,
// validates each Bearer realm (S6: https only, no metadata/link-local/private literal, same rules as any hop) and
// remembers it for 10 minutes, so that /proxy/<realm-host>/<realm-path> is allowed only for a realm just named.
// The header itself is passed to the page unchanged: the page maps the realm URL to /proxy/… itself
// (src/registry/transport.ts transportUrl) and checks it too (src/registry/realm.ts).
import { isMetadataHostName, classifyAddress } from './address-class.ts';
import type { Allowlist } from './allowlist.ts';
import { authorityOfUrl, formatAuthority, type ParsedHost, type Scheme } from './authority.ts';
import { createExpiringMap } from './expiring-map.ts';

export const REALM_TTL_MS = 10 * 60 * 1000;

/** The registry a challenge came from. */
export type ChallengeSource = {
  readonly authority: string;
  readonly host: ParsedHost;
  readonly scheme: Scheme;
  /** The registry may be reached on private addresses (allowPrivate, or an explicit local registry). */
  readonly privateOk: boolean;
};

export type TrackedRealm = {
  readonly kind: 'realm';
  readonly scheme: Scheme;
  readonly host: ParsedHost;
  readonly port: number | undefined;
  readonly authority: string;
  readonly path: string;
  readonly privateOk: boolean;
  /** Registries (canonical authorities) whose challenges named this realm: its tokens are meant for them. */
  readonly registries: readonly string[];
};

export type RefusedRealm = { readonly kind: 'refused'; readonly reason: string; readonly registry: string };

export type RealmCheck = { readonly ok: true; readonly realm: TrackedRealm } | { readonly ok: false; readonly reason: string };

/** Bearer realms named in WWW-Authenticate values (RFC 9110 §11.6.1 syntax; other schemes ignored). */
export function findBearerRealms(values: readonly string[]): string[] {
  const realms: string[] = [];
  for (const value of values) {
    const re = /(?:^|,)\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s+|$)|([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)/g;
    let scheme = '';
    for (let m = re.exec(value); m !== null; m = re.exec(value)) {
      if (m[1] !== undefined) scheme = m[1].toLowerCase();
      else if (scheme === 'bearer' && m[2]?.toLowerCase() === 'realm') {
        const raw = m[3] ?? '';
        realms.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
      }
    }
  }
  return realms;
}

/** Validates a realm named by `source` (S6). The same address checks then run again when it is requested (S3, S4). */
export function checkRealm(realm: string, source: ChallengeSource, allowlist: Allowlist, allowPrivate: boolean): RealmCheck {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return { ok: false, reason: `token realm "${realm.slice(0, 100)}" is not an absolute URL` };
  }
  const parsed = authorityOfUrl(url);
  if (parsed === undefined) return { ok: false, reason: `token realm scheme ${url.protocol} is not allowed (https only)` };
  const { host, port, scheme } = parsed;
  if (scheme === 'http' && source.scheme !== 'http') {
    return { ok: false, reason: 'token realm uses plain http (only a local registry explicitly allowed over http may)' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'token realm carries user:password' };
  if (host.kind === 'name' && isMetadataHostName(host.text)) return { ok: false, reason: `token realm ${host.text} is a cloud metadata service` };
  const sameHost = host.text === source.host.text;
  const explicit = allowlist.isExplicitExact(host, port, scheme);
  const privateOk = allowPrivate || explicit || (sameHost && source.privateOk);
  if (host.kind === 'ip') {
    const cls = classifyAddress(host.ip);
    if (cls.kind === 'forbidden') return { ok: false, reason: `token realm ${host.text} is a ${cls.range} address` };
    if (cls.kind === 'private' && !privateOk) return { ok: false, reason: `token realm ${host.text} is a ${cls.range} address` };
  }
  const nonDefaultPort = parsed.port !== undefined && parsed.effectivePort !== (scheme === 'https' ? 443 : 80);
  if (nonDefaultPort && !explicit && !(sameHost && source.privateOk)) {
    return { ok: false, reason: `token realm port ${parsed.port} is not allowed (default ports only, unless allowed with --allow-host)` };
  }
  const authority = formatAuthority(host, port, scheme);
  return {
    ok: true,
    realm: { kind: 'realm', scheme, host, port, authority, path: url.pathname, privateOk, registries: [source.authority] },
  };
}

export type RealmTable = {
  /** Records the Bearer realms of a challenge from an allowed registry; returns the refusal reasons, if any. */
  note(values: readonly string[], source: ChallengeSource): string[];
  lookup(authority: string, path: string): TrackedRealm | RefusedRealm | undefined;
  clear(): void;
};

export function createRealmTable(allowlist: Allowlist, allowPrivate: boolean, now: () => number = Date.now): RealmTable {
  const realms = createExpiringMap<TrackedRealm | RefusedRealm>(1000, now);
  return {
    note(values, source) {
      const refusals: string[] = [];
      for (const realm of findBearerRealms(values)) {
        const check = checkRealm(realm, source, allowlist, allowPrivate);
        if (!check.ok) {
          refusals.push(check.reason);
          const url = URL.canParse(realm) ? new URL(realm) : undefined;
          const parsed = url === undefined ? undefined : authorityOfUrl(url);
          if (url !== undefined && parsed !== undefined) {
            const key = `${formatAuthority(parsed.host, parsed.port, parsed.scheme)}${url.pathname}`;
            if (realms.get(key)?.kind !== 'realm') realms.set(key, { kind: 'refused', reason: check.reason, registry: source.authority }, REALM_TTL_MS);
          }
          continue;
        }
        const key = `${check.realm.authority}${check.realm.path}`;
        const previous = realms.get(key);
        const registries = previous?.kind === 'realm' ? [...new Set([...previous.registries, source.authority])] : [source.authority];
        realms.set(key, { ...check.realm, registries }, REALM_TTL_MS);
      }
      return refusals;
    },
    lookup(authority, path) {
      return realms.get(`${authority}${path}`);
    },
    clear() {
      realms.clear();
    },
  };
}
