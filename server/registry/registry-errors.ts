// Error answers of the embedded registry in the distribution-spec shape: {"errors":[{code,message,detail}]}.
// Node side; codes are the spec's (distribution-spec "Error Codes").
import type * as http from 'node:http';

export type RegistryErrorCode =
  | 'NAME_INVALID' | 'NAME_UNKNOWN' | 'MANIFEST_UNKNOWN' | 'BLOB_UNKNOWN' | 'DIGEST_INVALID'
  | 'TAG_INVALID' | 'PAGINATION_NUMBER_INVALID' | 'UNSUPPORTED'
  | 'BLOB_UPLOAD_UNKNOWN' | 'BLOB_UPLOAD_INVALID' | 'MANIFEST_INVALID' | 'MANIFEST_BLOB_UNKNOWN' | 'SIZE_INVALID' | 'TOOMANYREQUESTS';

/** Headers every registry answer carries: bytes served from the app's origin must never be sniffed or run as a page. */
export const REGISTRY_SAFETY_HEADERS = {
  'docker-distribution-api-version': 'registry/2.0',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
} as const;

export function sendRegistryError(
  req: http.IncomingMessage, res: http.ServerResponse, status: number, code: RegistryErrorCode, message: string,
  detail: Record<string, string> = {}, extraHeaders: Record<string, string> = {},
): void {
  const body = Buffer.from(JSON.stringify({ errors: [{ code, message, detail }] }));
  res.writeHead(status, {
    ...REGISTRY_SAFETY_HEADERS,
    ...extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(body.length),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function sendJson(req: http.IncomingMessage, res: http.ServerResponse, value: unknown, extraHeaders: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(200, {
    ...REGISTRY_SAFETY_HEADERS,
    ...extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(body.length),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
