// Where a commit is pushed (page side): "repo:tag" goes to this server's embedded registry, "host[:port]/repo:tag" to
// another registry only when strata serve allows pushes there (--allow-push-host, read from /api/config). Builds the
// push request with that registry's credentials, if the user gave some, and says which failure asks for them.
import { useQuery } from '@tanstack/react-query';
import type { CommitOutput } from '../../protocol/messages.ts';
import { FALLBACK_CONFIG, serverConfigQueryOptions } from '../../queries/server-config.ts';
import { credentialsFor } from '../../state/credentials-store.ts';
import { describeFailure, type Failure } from '../../state/failure.ts';
import { localHost, namesRegistry } from '../../state/image-reference.ts';

export type PushTargetView = {
  /** null: this server's embedded registry */
  readonly host: string | null;
  /** false: the server refuses pushes to that host; `refusal` says what to do */
  readonly allowed: boolean;
  readonly refusal: string | null;
  readonly pushHosts: readonly string[];
  readonly buttonLabel: string;
  output(target: string): CommitOutput;
  /** The failure to show; it offers the credentials form only for a 401 from the target registry. */
  failureOf(error: unknown): Failure;
};

function normaliseHost(entry: string): string {
  return entry.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

export function usePushTarget(target: string): PushTargetView {
  const config = useQuery(serverConfigQueryOptions()).data ?? FALLBACK_CONFIG;
  const pushHosts = config.pushHosts.map(normaliseHost);
  const text = target.trim();
  const named = namesRegistry(text) ? (text.split('/')[0] ?? '').toLowerCase() : null;
  const host = named === null || named === localHost() ? null : named;
  const allowed = host === null || pushHosts.includes(host);
  return {
    host,
    allowed,
    refusal: allowed ? null : `This server does not push to ${host}. Start strata serve with --allow-push-host ${host} (and --allow-host ${host}) to allow it.`,
    pushHosts,
    buttonLabel: host === null ? 'Push to this server' : `Push to ${host}`,
    output: (t) => {
      const c = host !== null ? credentialsFor(host) : undefined;
      return { kind: 'push', target: t, pushHosts, ...(c !== undefined ? { credentials: { username: c.username, password: c.password } } : {}) };
    },
    failureOf: (error) => {
      const f = describeFailure(error);
      const unauthorized = f.code === 'UNAUTHORIZED' || / 401\b/.test(f.message);
      return { ...f, registry: host !== null && unauthorized ? host : null };
    },
  };
}
