// Turns an incoming /proxy/<host[:port]>/<path>?<query> into the upstream request it stands for (node side), or a
// 403 saying why not: only the registry API (/v2/…) on allowed hosts (S12, S19, S21) and token realms a registry
// named in the last 10 minutes (S6). The scheme is the proxy's choice: https, http only for explicit local hosts.
import { classifyAddress, isMetadataHostName } from './address-class.ts';
import type { Allowlist } from './allowlist.ts';
import { formatAuthority, isLocalHostName, parseAuthority, type ParsedHost, type Scheme } from './authority.ts';
import type { RealmTable, TrackedRealm } from './challenges.ts';
import { denied, ProxyError } from './errors.ts';

export type RequestKind = 'api' | 'manifest' | 'blob' | 'realm';

export type PlannedRequest = {
  readonly kind: RequestKind;
  readonly url: URL;
  readonly host: ParsedHost;
  readonly scheme: Scheme;
  /** Canonical host[:port] (default port dropped): the registry's identity for tokens and challenges. */
  readonly authority: string;
  readonly privateOk: boolean;
  /** Set for kind 'realm'. */
  readonly realm: TrackedRealm | undefined;
};

export type PlanContext = { readonly allowlist: Allowlist; readonly realms: RealmTable; readonly allowPrivate: boolean };

export const PROXY_PREFIX = '/proxy/';

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Registry API path kind: blob and manifest endpoints (distribution-spec "Pull"), anything else under /v2/. */
export function classifyApiPath(path: string): RequestKind {
  const segments = path.split('/');
  const last = segments[segments.length - 1] ?? '';
  const parent = segments[segments.length - 2];
  if (segments.length >= 5 && parent === 'blobs' && DIGEST.test(last)) return 'blob';
  if (segments.length >= 5 && parent === 'manifests' && last !== '') return 'manifest';
  return 'api';
}

/** Refuses dot segments (also %2e-encoded), encoded slashes and backslashes: the path reaches upstream verbatim. */
export function checkPath(path: string): void {
  if (/[\\]|%2f|%5c/i.test(path)) throw denied('encoded slashes and backslashes are not allowed in proxied paths');
  for (const segment of path.split('/').slice(1)) {
    const decoded = segment.replace(/%2e/gi, '.');
    if (decoded === '.' || decoded === '..') throw denied('dot segments ("." and "..") are not allowed in proxied paths');
  }
}

function refuseHost(host: ParsedHost): void {
  if (host.kind === 'name' && isMetadataHostName(host.text)) throw denied(`${host.text} is a cloud metadata service; the proxy never connects there`);
  if (host.kind === 'ip') {
    const cls = classifyAddress(host.ip);
    if (cls.kind === 'forbidden') throw denied(`${host.text} is a ${cls.range} address; the proxy never connects there`);
  }
}

function findRealm(ctx: PlanContext, host: ParsedHost, port: number | undefined, path: string): ReturnType<RealmTable['lookup']> {
  const keys = port === undefined ? [host.text] : [`${host.text}:${port}`, ...(port === 443 || port === 80 ? [host.text] : [])];
  for (const key of keys) {
    const found = ctx.realms.lookup(key, path);
    if (found === undefined) continue;
    if (found.kind === 'refused') return found;
    const expectedPort = found.port ?? (found.scheme === 'https' ? 443 : 80);
    if ((port ?? (found.scheme === 'https' ? 443 : 80)) === expectedPort) return found;
  }
  return undefined;
}

function notAllowedMessage(authority: string, host: ParsedHost, port: number | undefined): string {
  if (isLocalHostName(host)) {
    return `${authority} is a local registry, which this proxy does not reach; local registries are only available through a locally run strata serve started with --allow-host ${authority}`;
  }
  if (port !== undefined && port !== 443) {
    return `port ${port} is not allowed for ${host.text} (https on 443 only); start strata serve with --allow-host ${authority} if this registry really listens there`;
  }
  return `${authority} is not on this proxy's registry allowlist; start strata serve with --allow-host ${authority}`;
}

export function planRequest(rawUrl: string, ctx: PlanContext): PlannedRequest {
  if (!rawUrl.startsWith(PROXY_PREFIX)) throw denied(`not a proxy URL; use ${PROXY_PREFIX}<registry-host>/v2/…`);
  const rest = rawUrl.slice(PROXY_PREFIX.length);
  const q = rest.indexOf('?');
  const beforeQuery = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q);
  const slash = beforeQuery.indexOf('/');
  const authorityText = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? '/' : beforeQuery.slice(slash);
  if (/^[a-z][a-z0-9+.-]*:$/i.test(authorityText)) {
    throw denied(`the proxy takes ${PROXY_PREFIX}<registry-host>/v2/…, not a full URL (${authorityText}// is not accepted)`);
  }
  const parsed = parseAuthority(authorityText);
  if (parsed === undefined) {
    throw denied(`"${authorityText.includes('@') ? '<user:password>@…' : authorityText.slice(0, 100)}" is not a registry host[:port] (user:password@ is never accepted)`);
  }
  const { host, port } = parsed;
  refuseHost(host);
  checkPath(path);

  const realm = findRealm(ctx, host, port, path);
  if (realm?.kind === 'refused') {
    throw new ProxyError(403, 'REALM_REJECTED', `strata proxy: ${realm.registry} named this token realm but the proxy refuses it: ${realm.reason}`);
  }
  if (realm !== undefined) {
    const url = new URL(`${realm.scheme}://${realm.authority}${path}${query}`);
    return { kind: 'realm', url, host, scheme: realm.scheme, authority: realm.authority, privateOk: realm.privateOk, realm };
  }
  if (!path.startsWith('/v2/')) {
    throw denied(`${path.slice(0, 100)} on ${authorityText} is not proxied: only the registry API (/v2/…) on allowed registries and token realms a registry named in the last 10 minutes are`);
  }
  const match = ctx.allowlist.match(host, port);
  if (match === undefined) throw denied(notAllowedMessage(authorityText, host, port));
  const authority = formatAuthority(host, port, match.scheme);
  const url = new URL(`${match.scheme}://${authority}${path}${query}`);
  return { kind: classifyApiPath(path), url, host, scheme: match.scheme, authority, privateOk: ctx.allowPrivate || match.localRegistry, realm: undefined };
}
