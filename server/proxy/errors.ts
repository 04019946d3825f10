// The proxy's own error answers (node side): distribution-spec error bodies {errors:[{code,message,detail}]} whose
// message says what was refused and what to do; detail.source marks them as the proxy's, not the registry's.
import type * as http from 'node:http';

/** Distribution-spec codes, plus the registry client's own where the spec has none (src/registry/errors.ts). */
export type ProxyErrorCode =
  | 'DENIED' | 'UNSUPPORTED' | 'TOOMANYREQUESTS' | 'UNAVAILABLE' | 'TIMEOUT' | 'TOO_MANY_REDIRECTS' | 'TOO_LARGE'
  | 'REALM_REJECTED' | 'NAME_UNKNOWN';

export class ProxyError extends Error {
  override readonly name = 'ProxyError';
  constructor(
    readonly status: number,
    readonly code: ProxyErrorCode,
    message: string,
    readonly extraHeaders: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** 403 DENIED: a policy refusal. */
export function denied(message: string): ProxyError {
  return new ProxyError(403, 'DENIED', `strata proxy: ${message}`);
}

export function toProxyError(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  return new ProxyError(502, 'UNAVAILABLE', `strata proxy: upstream request failed${typeof code === 'string' ? ` (${code})` : ''}: ${text}`);
}

/** Writes a JSON error unless headers already went out, in which case the response is cut (the client sees an abort). */
export function sendProxyError(res: http.ServerResponse, error: ProxyError, corsHeaders: Readonly<Record<string, string>>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ code: error.code, message: error.message, detail: { source: 'strata-proxy' } }] });
  res.writeHead(error.status, {
    ...corsHeaders,
    ...error.extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}
