// Faults the fake registry can inject, and the writer that serves content (Range, HEAD) with those faults applied:
// dropped sockets, stalls, trickled headers, wrong lengths, extra bytes, corrupt bytes, bad Content-Range, transport
// gzip, never-ending bodies. Node only (node:http); used by src/testing/fake-registry.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export type Fault =
  /** Answer with this status, headers and body instead of the real response. */
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string | Uint8Array }
  /** Send the headers and the first `afterBytes` body bytes, then destroy the socket (a reset). */
  | { readonly kind: 'drop'; readonly afterBytes: number }
  /** Send nothing at all (no headers) — or, with afterBytes, headers plus that many bytes — then go silent. */
  | { readonly kind: 'stall'; readonly afterBytes?: number }
  /** Write the status line one byte every `intervalMs` and never finish the headers (slow loris). */
  | { readonly kind: 'trickle-headers'; readonly intervalMs: number }
  /** Redirect; 'blob-host' means a fresh single-use URL on the second server. */
  | { readonly kind: 'redirect'; readonly location: string; readonly status?: number }
  /** Flip one byte in the middle of the body. */
  | { readonly kind: 'corrupt' }
  /** Append `count` bytes after the content (counted in Content-Length). */
  | { readonly kind: 'extra-bytes'; readonly count: number }
  /** Announce this Content-Length instead of the real one (the body is then cut or the socket closed early). */
  | { readonly kind: 'wrong-length'; readonly contentLength: number }
  /** Ignore a Range header and answer 200 with the whole content. */
  | { readonly kind: 'ignore-range' }
  /** Answer a ranged request with this Content-Range (and status, default 206) over the requested slice. */
  | { readonly kind: 'content-range'; readonly value: string; readonly status?: number }
  /** Send the content gzip-compressed with Content-Encoding: gzip (a transport encoding). */
  | { readonly kind: 'gzip-encoding' }
  /** Add headers to the normal response. */
  | { readonly kind: 'headers'; readonly headers: Readonly<Record<string, string>> }
  /** Replace the content (and optionally its Content-Type) of the normal response. */
  | { readonly kind: 'body'; readonly body: string | Uint8Array; readonly contentType?: string }
  /** A chunked body that never ends (until the client goes away or 256 MiB). */
  | { readonly kind: 'endless' };

export type FaultRule = {
  readonly method?: string;
  /** Exact pathname, or a RegExp tested against pathname + query. */
  readonly path?: string | RegExp;
  readonly server?: 'registry' | 'blob-host';
  /** true: only requests with a Range header; false: only requests without one. */
  readonly ranged?: boolean;
  /** How many matching requests it applies to (default 1; Infinity for all). */
  readonly times?: number;
  /** One fault, or several applied together. Only the first matching rule with uses left applies to a request. */
  readonly fault: Fault | readonly Fault[];
};

const enc = new TextEncoder();
const toBytes = (b: string | Uint8Array): Uint8Array => (typeof b === 'string' ? enc.encode(b) : b);

/** Answers replacing faults; returns false when the fault modifies the normal response instead. */
export function answerWithFault(req: IncomingMessage, res: ServerResponse, fault: Fault, blobHostUrl: () => string): boolean {
  switch (fault.kind) {
    case 'status': {
      const body = fault.body !== undefined ? toBytes(fault.body) : new Uint8Array(0);
      res.writeHead(fault.status, { 'content-length': String(body.byteLength), ...fault.headers });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    case 'stall':
      if (fault.afterBytes === undefined) return true; // never answer
      return false;
    case 'trickle-headers': {
      const line = enc.encode('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n');
      let i = 0;
      const timer = setInterval(() => {
        if (i >= line.byteLength || req.socket.destroyed) return clearInterval(timer);
        req.socket.write(line.subarray(i, ++i));
      }, fault.intervalMs);
      req.socket.once('close', () => clearInterval(timer));
      return true;
    }
    case 'redirect':
      res.writeHead(fault.status ?? 307, { location: fault.location === 'blob-host' ? blobHostUrl() : fault.location, 'content-length': '0' });
      res.end();
      return true;
    default:
      return false;
  }
}

/** Serves `content` for GET/HEAD with Range support and the modifying faults. */
export function writeContent(req: IncomingMessage, res: ServerResponse, content: Uint8Array, contentType: string, faults: readonly Fault[], rangeSupport: boolean, extraHeaders: Record<string, string> = {}): void {
  const find = <K extends Fault['kind']>(kind: K): Extract<Fault, { kind: K }> | undefined => faults.find((f): f is Extract<Fault, { kind: K }> => f.kind === kind);
  const replaced = find('body');
  let full = replaced ? toBytes(replaced.body) : content;
  const type = replaced?.contentType ?? contentType;
  const headers: Record<string, string> = { 'content-type': type, 'accept-ranges': rangeSupport ? 'bytes' : 'none', ...extraHeaders, ...find('headers')?.headers };
  if (find('corrupt') && full.byteLength > 0) {
    full = full.slice();
    const mid = full.byteLength >> 1;
    full[mid] = (full[mid] ?? 0) ^ 0xff;
  }
  const extra = find('extra-bytes');
  if (extra) full = Buffer.concat([full, new Uint8Array(extra.count).fill(0x41)]);
  if (find('endless')) return writeEndless(res, headers);

  let status = 200;
  let body = full;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && rangeSupport && !find('ignore-range')) {
    const start = Number(range[1]);
    const last = range[2] ? Math.min(Number(range[2]), full.byteLength - 1) : full.byteLength - 1;
    if (start >= full.byteLength) {
      res.writeHead(416, { 'content-range': `bytes */${full.byteLength}`, 'content-length': '0' });
      res.end();
      return;
    }
    body = full.subarray(start, last + 1);
    headers['content-range'] = find('content-range')?.value ?? `bytes ${start}-${last}/${full.byteLength}`;
    status = find('content-range')?.status ?? 206;
  }
  if (find('gzip-encoding')) {
    body = new Uint8Array(gzipSync(body));
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(find('wrong-length')?.contentLength ?? body.byteLength);
  res.writeHead(status, headers);
  if (req.method === 'HEAD') return void res.end();
  const drop = find('drop');
  const stall = find('stall');
  if (drop) {
    res.write(body.subarray(0, drop.afterBytes), () => res.socket?.destroy());
    return;
  }
  if (stall?.afterBytes !== undefined) {
    res.write(body.subarray(0, stall.afterBytes));
    return;
  }
  const announced = Number(headers['content-length']);
  if (announced < body.byteLength) {
    res.write(body.subarray(0, announced), () => res.end());
    return;
  }
  if (announced > body.byteLength) {
    res.write(body, () => res.socket?.destroy());
    return;
  }
  res.end(body);
}

function writeEndless(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, headers);
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  const pump = (): void => {
    while (!res.destroyed && sent < 256 * 1024 * 1024) {
      sent += chunk.byteLength;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}
