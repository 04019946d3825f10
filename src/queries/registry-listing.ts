// Catalog and tag lists for the image picker, read with the registry client: same-origin /v2/ for the embedded
// registry, /proxy/<host>/v2/… for any other; credentials only for their own host. Page side (react-query).
import { queryOptions } from '@tanstack/react-query';
import { RegistryClient } from '../registry/registry-client.ts';
import { createProxyTransport, fetchWithoutCredentials, type RegistryTransport } from '../registry/transport.ts';
import { credentialsFor } from '../state/credentials-store.ts';
import { localHost } from '../state/image-reference.ts';
import { queryKeys } from './query-keys.ts';

const MAX_ITEMS = 1000;

/**
 * Page-side fetch without ambient credentials: a 401 with `WWW-Authenticate: Basic` would otherwise make the browser
 * open its own login prompt (Fetch spec, HTTP-network-or-cache fetch step on 401), blocking the page; our own
 * credentials form answers the 401 instead and the client sends Authorization itself.
 */

/** The embedded registry answers on this origin; every other registry goes through the proxy. */
function transportFor(host: string): RegistryTransport {
  if (host === localHost()) return { fetch: fetchWithoutCredentials, urlFor: (_host, path) => path, redirects: 'fetch' };
  return createProxyTransport({ fetch: fetchWithoutCredentials });
}

/** docker.io is named that way by users; its API lives on registry-1.docker.io. */
export function apiHostOf(host: string): string {
  return host === 'docker.io' ? 'registry-1.docker.io' : host;
}

function clientFor(host: string): RegistryClient {
  const apiHost = apiHostOf(host);
  const c = credentialsFor(host);
  return new RegistryClient({
    registry: apiHost,
    transport: transportFor(apiHost),
    credentials: c !== undefined ? { kind: 'basic', username: c.username, password: c.password } : undefined,
    retry: { maxAttempts429: 1, maxServerErrorAttempts: 1 },
  });
}

export function catalogQueryOptions(host: string) {
  const withCredentials = credentialsFor(host) !== undefined;
  return queryOptions({
    queryKey: queryKeys.catalog(host, withCredentials),
    queryFn: ({ signal }) => clientFor(host).listCatalog({ signal, maxItems: MAX_ITEMS, maxPages: 10 }),
    enabled: host !== '',
    retry: false,
    staleTime: 60_000,
  });
}

export function tagsQueryOptions(host: string, repository: string) {
  const withCredentials = credentialsFor(host) !== undefined;
  return queryOptions({
    queryKey: queryKeys.tags(host, repository, withCredentials),
    queryFn: ({ signal }) => clientFor(host).listTags(repository, { signal, maxItems: MAX_ITEMS, maxPages: 10 }),
    enabled: host !== '' && repository !== '',
    retry: false,
    staleTime: 60_000,
  });
}
