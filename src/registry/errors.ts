// Typed registry errors (distribution-spec error codes plus Strata's own) with messages a user can act on.
// Effectful shell side: thrown by the registry client; runs in page, worker and Node.

/** Codes from the distribution spec (and distribution's UNAVAILABLE/UNKNOWN), then our own. */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN' | 'BLOB_UPLOAD_INVALID' | 'BLOB_UPLOAD_UNKNOWN' | 'DIGEST_INVALID' | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID' | 'MANIFEST_UNKNOWN' | 'NAME_INVALID' | 'NAME_UNKNOWN' | 'SIZE_INVALID' | 'UNAUTHORIZED'
  | 'DENIED' | 'UNSUPPORTED' | 'TOOMANYREQUESTS' | 'UNAVAILABLE' | 'UNKNOWN'
  | 'DIGEST_MISMATCH' | 'SIZE_MISMATCH' | 'TOO_LARGE' | 'NETWORK' | 'TIMEOUT' | 'PULL_LIMIT' | 'RESUME_FAILED'
  | 'TOO_MANY_REDIRECTS' | 'REALM_REJECTED' | 'TOKEN_INVALID' | 'CONFIG_INVALID' | 'PLATFORM_NOT_FOUND'
  | 'PLATFORM_REQUIRED' | 'FOREIGN_URL_BLOCKED' | 'PUSH_FAILED';

export type RegistryErrorInit = {
  readonly code: RegistryErrorCode;
  readonly registry: string;
  readonly repository?: string | undefined;
  readonly status?: number | undefined;
  readonly digest?: string | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly detail?: unknown;
  readonly cause?: unknown;
};

const KNOWN: ReadonlySet<string> = new Set<RegistryErrorCode>([
  'BLOB_UNKNOWN', 'BLOB_UPLOAD_INVALID', 'BLOB_UPLOAD_UNKNOWN', 'DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID', 'MANIFEST_UNKNOWN', 'NAME_INVALID', 'NAME_UNKNOWN', 'SIZE_INVALID', 'UNAUTHORIZED', 'DENIED',
  'UNSUPPORTED', 'TOOMANYREQUESTS', 'UNAVAILABLE', 'UNKNOWN', 'DIGEST_MISMATCH', 'SIZE_MISMATCH', 'TOO_LARGE',
  'NETWORK', 'TIMEOUT', 'PULL_LIMIT', 'RESUME_FAILED', 'TOO_MANY_REDIRECTS', 'REALM_REJECTED', 'TOKEN_INVALID',
  'CONFIG_INVALID', 'PLATFORM_NOT_FOUND', 'PLATFORM_REQUIRED', 'FOREIGN_URL_BLOCKED', 'PUSH_FAILED',
]);

/** Maps any code string (a server's or core's) onto our union; unknown ones become UNKNOWN. */
export function toRegistryErrorCode(code: string | undefined): RegistryErrorCode {
  return code !== undefined && KNOWN.has(code) ? (code as RegistryErrorCode) : 'UNKNOWN';
}

/** An error from the registry client. `message` already says what failed, why, and what to try. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  readonly status: number | undefined;
  readonly registry: string;
  readonly repository: string | undefined;
  readonly digest: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** The server's `detail` field, if it sent one (distribution-spec error body). */
  readonly detail: unknown;

  constructor(message: string, init: RegistryErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.registry = init.registry;
    this.repository = init.repository;
    this.digest = init.digest;
    this.retryAfterMs = init.retryAfterMs;
    this.detail = init.detail;
  }
}

export function isRegistryError(e: unknown, code?: RegistryErrorCode): e is RegistryError {
  return e instanceof RegistryError && (code === undefined || e.code === code);
}

/** "registry/repo" or just "registry", for messages. */
export function describeTarget(registry: string, repository: string | undefined): string {
  return repository === undefined ? registry : `${registry}/${repository}`;
}

/** The "what to try" sentence for a code. */
export function hintFor(code: RegistryErrorCode, retryAfterMs?: number): string {
  const wait = retryAfterMs !== undefined ? `retry after ${Math.ceil(retryAfterMs / 1000)} s` : 'retry in a few minutes';
  switch (code) {
    case 'UNAUTHORIZED': return 'The image may be private or the name misspelled: check the name, or pass credentials (--creds user:pass).';
    case 'DENIED': return 'Your credentials do not grant access to this repository: check the name and your permissions.';
    case 'NAME_UNKNOWN': return 'Check the spelling of the repository name (and the registry host).';
    case 'MANIFEST_UNKNOWN': return 'Check the tag or digest; list the tags of the repository to see what exists.';
    case 'BLOB_UNKNOWN': return 'The registry lost this blob or the image is incomplete; try another tag, or re-push the image.';
    case 'TOOMANYREQUESTS': return `The registry is throttling requests: ${wait}.`;
    case 'PULL_LIMIT': return `Anonymous pulls are counted per IP address (behind a shared proxy everyone shares one quota): log in (--creds user:pass) or ${wait}.`;
    case 'UNAVAILABLE': return 'The registry is having trouble: retry later.';
    case 'NETWORK': return 'Check the registry host name, your network connection and any proxy in between.';
    case 'TIMEOUT': return 'The registry stopped responding: retry, or raise the timeout if the connection is very slow.';
    case 'DIGEST_MISMATCH': return 'The content is corrupt or was changed in transit: retry; if it persists, report it to the image owner.';
    case 'SIZE_MISMATCH': return 'The registry sent a different amount of data than the manifest declares: retry; if it persists, the image is broken.';
    case 'TOO_LARGE': return 'This is far larger than any real manifest or config; the registry or a proxy may be misbehaving.';
    case 'UNSUPPORTED': return 'Strata reads OCI and Docker schema 2 images; re-push the image with a current client.';
    case 'REALM_REJECTED': return 'The registry pointed at an unsafe token server; use a registry whose token service is served over https.';
    case 'RESUME_FAILED': return 'The download was interrupted and could not be resumed safely: retry.';
    case 'TOO_MANY_REDIRECTS': return 'The registry redirects in a loop: report it to the registry operator.';
    case 'FOREIGN_URL_BLOCKED': return 'This layer lives outside the registry (a foreign layer); allow its host explicitly to download it.';
    case 'PLATFORM_NOT_FOUND':
    case 'PLATFORM_REQUIRED': return 'Choose one of the listed platforms (--platform os/arch[/variant]).';
    default: return '';
  }
}

/** Builds the standard message: "<what> on <registry/repo>: <why>. <hint>" */
export function composeMessage(what: string, target: string, why: string, code: RegistryErrorCode, retryAfterMs?: number, hintOverride?: string): string {
  const hint = hintOverride ?? hintFor(code, retryAfterMs);
  const base = `${what} on ${target}: ${why}`;
  return hint === '' ? base : `${base.replace(/[.\s]+$/, '')}. ${hint}`;
}
