// Turns a failed registry response into a RegistryError: distribution-spec JSON error bodies give code + message;
// anything else is shown truncated (the body read is capped at 64 KiB, P20). Pure given the body bytes.
import { composeMessage, describeTarget, RegistryError, toRegistryErrorCode, type RegistryErrorCode } from './errors.ts';
import { isPullLimitMessage, parseRetryAfter } from './retry-policy.ts';

export const MAX_ERROR_BODY_BYTES = 64 * 1024;
const SHOWN_CHARS = 300;

export type ErrorContext = {
  readonly registry: string;
  readonly repository?: string | undefined;
  /** What was asked for, e.g. `manifest "latest"`, `blob sha256:…`. */
  readonly what: string;
  readonly digest?: string | undefined;
  /** Code for a 404 without a JSON body (MANIFEST_UNKNOWN, BLOB_UNKNOWN, NAME_UNKNOWN). */
  readonly notFound?: RegistryErrorCode | undefined;
  /** The request carried the user's credentials (or a token obtained with them). */
  readonly credentialsSent?: boolean | undefined;
};

type ServerError = { readonly code: string; readonly message: string; readonly detail: unknown };

/** Reads `{"errors":[{code,message,detail}]}`; undefined when the body is not that shape. */
export function parseErrorBody(text: string): ServerError[] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || !Array.isArray((v as { errors?: unknown }).errors)) return undefined;
  const out: ServerError[] = [];
  for (const e of (v as { errors: unknown[] }).errors.slice(0, 20)) {
    if (typeof e !== 'object' || e === null) continue;
    const o = e as Record<string, unknown>;
    out.push({ code: typeof o.code === 'string' ? o.code : 'UNKNOWN', message: typeof o.message === 'string' ? o.message : '', detail: o.detail });
  }
  return out.length > 0 ? out : undefined;
}

function codeForStatus(status: number, notFound: RegistryErrorCode | undefined): RegistryErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  if (status === 404) return notFound ?? 'NAME_UNKNOWN';
  if (status === 405) return 'UNSUPPORTED';
  if (status === 413) return 'TOO_LARGE';
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status >= 500) return 'UNAVAILABLE';
  return 'UNKNOWN';
}

/** Collapses whitespace and strips HTML tags so a proxy's error page reads as one short line. */
export function summariseText(text: string): string {
  const plain = text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > SHOWN_CHARS ? `${plain.slice(0, SHOWN_CHARS)}…` : plain;
}

/** Builds the error for a response with an unexpected status, given the (capped) body bytes. */
export function errorFromStatus(
  status: number,
  headers: Headers,
  body: { readonly bytes: Uint8Array; readonly truncated: boolean },
  ctx: ErrorContext,
  nowMs: number,
): RegistryError {
  const text = new TextDecoder('utf-8').decode(body.bytes);
  const serverErrors = parseErrorBody(text);
  const first = serverErrors?.[0];
  let code: RegistryErrorCode = first !== undefined && toRegistryErrorCode(first.code) !== 'UNKNOWN' ? toRegistryErrorCode(first.code) : codeForStatus(status, ctx.notFound);
  const serverText = serverErrors ? serverErrors.map((e) => (e.message !== '' ? `${e.code}: ${e.message}` : e.code)).join('; ') : summariseText(text);
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(headers.get('retry-after'), nowMs) : undefined;
  if (status === 429 && isPullLimitMessage(text)) code = 'PULL_LIMIT';

  let why: string;
  if (code === 'PULL_LIMIT') why = `the registry's pull rate limit is reached (HTTP 429: ${serverText})`;
  else if (status === 429) why = `too many requests (HTTP 429${serverText !== '' ? `: ${serverText}` : ''})`;
  else if (status === 401 && ctx.credentialsSent) why = `the registry rejected the credentials (HTTP 401${serverText !== '' ? ` ${serverText}` : ''})`;
  else if (status === 401) why = `authentication required (HTTP 401${serverText !== '' ? ` ${serverText}` : ''})`;
  else if (status === 403) why = `access denied (HTTP 403${serverText !== '' ? ` ${serverText}` : ''})`;
  else {
    const shown = serverText !== '' ? `: ${serverErrors ? serverText : `"${serverText}"`}` : '';
    why = `HTTP ${status}${shown}${!serverErrors && body.truncated ? ' (body truncated)' : ''}`;
  }
  const hint = status === 401 && ctx.credentialsSent ? 'Check the username and password (or token) given with --creds, and that they grant access to this repository.' : undefined;
  const message = composeMessage(ctx.what, describeTarget(ctx.registry, ctx.repository), why, code, retryAfterMs, hint);
  return new RegistryError(message, {
    code, status, registry: ctx.registry, repository: ctx.repository, digest: ctx.digest, retryAfterMs,
    detail: first?.detail,
  });
}
