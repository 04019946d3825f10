// What strata serve tells the page about itself (GET /api/config): whether its embedded registry accepts pushes and
// which other registries its proxy forwards pushes to (--allow-push-host). Page side (react-query).
import { queryOptions } from '@tanstack/react-query';
import { fetchWithoutCredentials } from '../registry/transport.ts';
import { queryKeys } from './query-keys.ts';

export type ServerConfig = { readonly embeddedPush: boolean; readonly pushHosts: readonly string[] };

/** A server without the endpoint (an older strata serve, a static host) pushes nowhere but its embedded registry. */
export const FALLBACK_CONFIG: ServerConfig = { embeddedPush: false, pushHosts: [] };

/** Validates the JSON; anything unexpected counts as "no push hosts". */
export function parseServerConfig(value: unknown): ServerConfig {
  if (typeof value !== 'object' || value === null) return FALLBACK_CONFIG;
  const v = value as Record<string, unknown>;
  const hosts = Array.isArray(v.pushHosts) ? v.pushHosts.filter((h): h is string => typeof h === 'string' && h.length <= 300).slice(0, 100) : [];
  return { embeddedPush: v.embeddedPush === true, pushHosts: hosts };
}

export function serverConfigQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.serverConfig(),
    queryFn: async ({ signal }): Promise<ServerConfig> => {
      const res = await fetchWithoutCredentials('/api/config', { signal });
      if (!res.ok) return FALLBACK_CONFIG;
      return parseServerConfig(await res.json().catch(() => null));
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
}
