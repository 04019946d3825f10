// Which registries the proxy may push to (node side): the operator's --allow-push-host entries (exact host[:port],
// each also a pull-allowed host), the registry v2 write endpoints a push needs (distribution-spec "Push") with their
// body caps, and the upload Location check: rewritten to come back through the proxy, and only on the same host.
import { classifyAddress, isMetadataHostName } from './address-class.ts';
import { parseHostEntry, type Allowlist, type HostEntry } from './allowlist.ts';
import { authorityOfUrl, defaultPort, parseAuthority, type ParsedHost, type Scheme } from './authority.ts';
import { denied, ProxyError } from './errors.ts';
import type { Hop } from './hop-policy.ts';
import { redactUrl } from './redact.ts';
import { checkPath, PROXY_PREFIX, type PlannedRequest } from './target.ts';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH';
export type WritePlan = { readonly kind: 'upload-start' | 'upload' | 'manifest'; readonly maxBytes: number; readonly what: string };

/** The distribution-spec bound for manifests registries must accept. */
export const MAX_PUSH_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Per request (a monolithic upload, one PATCH chunk or the final PUT); the embedded registry uses the same bound. */
export const DEFAULT_MAX_PUSH_BLOB_BYTES = 2 * 1024 ** 3;

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME = `${COMPONENT}(?:/${COMPONENT})*`;
const UPLOAD_START = new RegExp(`^/v2/(${NAME})/blobs/uploads/?$`);
const UPLOAD = new RegExp(`^/v2/(${NAME})/blobs/uploads/[A-Za-z0-9_=.-]+$`);
const MANIFEST = new RegExp(`^/v2/(${NAME})/manifests/(?:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+)$`);

export type PushPolicy = {
  /** Push hosts as given, for messages and the app's config. */
  readonly hosts: readonly string[];
  /** For a write request: refuses (405) unless the proxy URL's host is a push host. Cheap; runs before planning. */
  checkTarget(rawUrl: string, method: string): void;
  /** For a planned write: the endpoint and its body cap, or 405 for anything that is not part of a push. */
  planWrite(plan: PlannedRequest, method: WriteMethod): WritePlan;
  /** A Location from an answer to a write, as a proxy path on the same host; 403 when it leaves that host. */
  rewriteLocation(location: string, hop: Hop): string;
};

/** S15: a write the proxy does not forward is 405 (reads only), with what to do in the message. */
function methodRefusal(message: string): ProxyError {
  return new ProxyError(405, 'DENIED', `strata proxy: ${message}`, { allow: 'GET, HEAD' });
}

function pushRefusal(authority: string, method: string): ProxyError {
  return methodRefusal(`${method} to ${authority} is refused: this proxy forwards pushes only to registries named with --allow-push-host (reads stay allowed); start strata serve with --allow-push-host ${authority} to push there`);
}

function refuseEntry(entry: HostEntry): void {
  const host = entry.exact;
  if (host === undefined) throw new Error(`allow-push-host "${entry.source}": name one exact host[:port], not a pattern`);
  if (host.kind === 'name' && isMetadataHostName(host.text)) throw new Error(`allow-push-host "${entry.source}" is a cloud metadata service`);
  if (host.kind === 'ip' && classifyAddress(host.ip).kind === 'forbidden') throw new Error(`allow-push-host "${entry.source}" is an address the proxy never connects to`);
}

function sameHost(entry: HostEntry, host: ParsedHost, scheme: Scheme, port: number): boolean {
  return entry.exact?.text === host.text && entry.scheme === scheme && (entry.port ?? defaultPort(entry.scheme)) === port;
}

/** Each push host must be an exact entry that the pull allowlist also admits over the same scheme. Throws otherwise. */
export function createPushPolicy(pushHosts: readonly string[], allowlist: Allowlist, maxBlobBytes = DEFAULT_MAX_PUSH_BLOB_BYTES): PushPolicy {
  const entries = pushHosts.map((text) => {
    const entry = parseHostEntry(text, true);
    refuseEntry(entry);
    const match = allowlist.match(entry.exact!, entry.port);
    if (match === undefined || match.scheme !== entry.scheme) {
      throw new Error(`allow-push-host "${entry.source}" is not an allowed registry; a push host must also be allowed for reading: add --allow-host ${entry.source}`);
    }
    return entry;
  });
  const isPushHost = (host: ParsedHost, scheme: Scheme, port: number): boolean => entries.some((e) => sameHost(e, host, scheme, port));
  return {
    hosts: entries.map((e) => e.source),
    checkTarget(rawUrl, method) {
      const rest = rawUrl.startsWith(PROXY_PREFIX) ? rawUrl.slice(PROXY_PREFIX.length) : '';
      const authorityText = rest.split(/[/?]/, 1)[0] ?? '';
      const parsed = parseAuthority(authorityText);
      if (parsed === undefined) return; // planRequest refuses it with the precise reason
      const known = entries.some((e) => e.exact?.text === parsed.host.text && (parsed.port === undefined || parsed.port === (e.port ?? defaultPort(e.scheme))));
      if (!known) throw pushRefusal(authorityText.slice(0, 100), method);
    },
    planWrite(plan, method) {
      const port = plan.url.port === '' ? defaultPort(plan.scheme) : Number(plan.url.port);
      if (plan.kind === 'realm' || !isPushHost(plan.host, plan.scheme, port)) throw pushRefusal(plan.authority, method);
      const path = plan.url.pathname;
      if (method === 'POST' && UPLOAD_START.test(path)) return { kind: 'upload-start', maxBytes: maxBlobBytes, what: 'blob upload' };
      if ((method === 'PATCH' || method === 'PUT') && UPLOAD.test(path)) return { kind: 'upload', maxBytes: maxBlobBytes, what: 'blob upload' };
      if (method === 'PUT' && MANIFEST.test(path)) return { kind: 'manifest', maxBytes: MAX_PUSH_MANIFEST_BYTES, what: 'manifest' };
      throw methodRefusal(`${method} ${redactUrl(path).slice(0, 120)} on ${plan.authority} is not part of the registry push flow; only POST …/blobs/uploads/, PATCH and PUT of the upload Location and PUT …/manifests/<reference> are forwarded`);
    },
    rewriteLocation(location, hop) {
      let next: URL;
      try {
        next = new URL(location, hop.url);
      } catch {
        throw denied(`${hop.authority} sent an unparseable upload Location`);
      }
      const parsed = authorityOfUrl(next);
      const shown = redactUrl(next.href).slice(0, 300);
      const why = (reason: string): ProxyError => denied(`${hop.authority} gave the upload Location ${shown}, which the proxy does not follow: ${reason}`);
      if (parsed === undefined) throw why(`scheme ${next.protocol} is not http(s)`);
      if (next.username !== '' || next.password !== '') throw why('the URL carries user:password');
      if (parsed.host.text !== hop.host.text || parsed.scheme !== hop.scheme || parsed.effectivePort !== hop.effectivePort) {
        throw why(`it is on another host; pushes through the proxy stay on the registry allowed with --allow-push-host ${hop.authority}`);
      }
      if (!next.pathname.startsWith('/v2/')) throw why('it is not a registry API path (/v2/…)');
      checkPath(next.pathname);
      return `${PROXY_PREFIX}${hop.authority}${next.pathname}${next.search}`;
    },
  };
}
