// A failure as the UI shows it: a code (distribution-spec codes where they exist), a message saying what failed and
// what to do, and, for 429, when to retry. Built from whatever a worker or registry call threw. Page side.

export type Failure = {
  readonly code: string;
  readonly message: string;
  readonly retryAfterMs: number | null;
  /** the registry host the failure came from, when known (credentials go only there) */
  readonly registry: string | null;
};

const field = (e: unknown, name: string): unknown => (typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[name] : undefined);

/** Normalises an unknown thrown value. */
export function describeFailure(e: unknown, registry: string | null = null): Failure {
  const code = field(e, 'code');
  const message = field(e, 'message');
  const retry = field(e, 'retryAfterMs');
  const host = field(e, 'registry');
  return {
    code: typeof code === 'string' ? code : 'UNKNOWN',
    message: typeof message === 'string' && message !== '' ? message : String(e),
    retryAfterMs: typeof retry === 'number' ? retry : retryFromMessage(typeof message === 'string' ? message : ''),
    registry: registry ?? (typeof host === 'string' ? host : null),
  };
}

/** Messages composed by the registry client say "retry after N s". */
function retryFromMessage(message: string): number | null {
  const m = /retry after (\d+) s/.exec(message);
  return m ? Number(m[1]) * 1000 : null;
}

/** Whether a failure calls for the credentials form. */
export function needsCredentials(f: Failure): boolean {
  return f.code === 'UNAUTHORIZED' || f.code === 'DENIED' || / 401\b|UNAUTHORIZED/.test(f.message);
}

export function isAbort(e: unknown): boolean {
  return field(e, 'name') === 'AbortError' || field(e, 'code') === 'ABORTED' || field(e, 'code') === 'CANCELLED';
}
