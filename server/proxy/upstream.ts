// One upstream HTTP exchange (node side): connects to the pinned, already-checked IP while sending the original Host
// and TLS SNI (S4), aborts when response headers do not arrive in time (F12) or the page goes away (F21). Write
// requests (push hosts only) stream the page's body upstream with a byte cap and an idle timeout.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { ProxyError } from './errors.ts';

export type UpstreamMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';

/** A request body streamed from the page: never buffered, cut with 413 past maxBytes, 408 when idle for idleMs. */
export type UpstreamBody = { readonly stream: Readable; readonly maxBytes: number; readonly idleMs: number; readonly what: string };

export type UpstreamHop = {
  readonly url: URL;
  /** The checked IP the socket must go to. */
  readonly address: string;
  readonly family: 4 | 6;
  readonly method: UpstreamMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: UpstreamBody | undefined;
};

/** Opens the request for a hop. Tests substitute it to observe which address the proxy really connects to. */
export type UpstreamTransport = {
  request(hop: UpstreamHop): http.ClientRequest;
  close(): void;
};

/** Any name lookup inside the transport would mean the pinned address was bypassed: refuse it loudly. */
const refuseLookup = ((hostname: string, _options: unknown, callback: (error: Error) => void) => {
  callback(new Error(`strata proxy: unexpected DNS lookup for ${hostname} after the address check`));
}) as unknown as NonNullable<http.RequestOptions['lookup']>;

export function createNodeTransport(): UpstreamTransport {
  const agentOptions = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  return {
    request(hop) {
      const tls = hop.url.protocol === 'https:';
      const hostname = hop.url.hostname;
      const options: https.RequestOptions = {
        host: hop.address,
        family: hop.family,
        port: hop.url.port === '' ? (tls ? 443 : 80) : Number(hop.url.port),
        path: `${hop.url.pathname}${hop.url.search}`,
        method: hop.method,
        headers: { ...hop.headers, host: hop.url.host },
        agent: tls ? httpsAgent : httpAgent,
        lookup: refuseLookup,
      };
      // SNI and certificate identity use the registry's name (RFC 6066 forbids IP literals as SNI).
      if (tls && !hostname.startsWith('[') && !/^[0-9.]+$/.test(hostname)) options.servername = hostname;
      return tls ? https.request(options) : http.request(options);
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * Feeds `body` into `req` with backpressure; calls `sent` once the whole body went out. A registry may answer
 * before reading everything (an early 401): the caller then stops the feed with the returned function.
 */
function streamBody(req: http.ClientRequest, body: UpstreamBody, sent: () => void): () => void {
  let bytes = 0;
  const idle = setTimeout(() => req.destroy(new ProxyError(408, 'TIMEOUT', `strata proxy: the ${body.what} body stalled for ${body.idleMs} ms`)), body.idleMs);
  const onData = (chunk: Buffer): void => {
    bytes += chunk.length;
    idle.refresh();
    if (bytes > body.maxBytes) {
      stop();
      req.destroy(new ProxyError(413, 'TOO_LARGE', `strata proxy: the ${body.what} body exceeds ${body.maxBytes} bytes, the limit for pushes through this proxy`));
      return;
    }
    if (!req.write(chunk)) body.stream.pause();
  };
  const onDrain = (): void => {
    idle.refresh();
    body.stream.resume();
  };
  const onEnd = (): void => {
    stop();
    req.end();
    sent();
  };
  const onGone = (): void => {
    stop();
    req.destroy(new ProxyError(499, 'UNAVAILABLE', 'strata proxy: the client went away while sending the body'));
  };
  function stop(): void {
    clearTimeout(idle);
    body.stream.off('data', onData);
    body.stream.off('end', onEnd);
    body.stream.off('error', onGone);
    body.stream.off('aborted', onGone);
    req.off('drain', onDrain);
  }
  body.stream.on('data', onData);
  body.stream.on('end', onEnd);
  body.stream.on('error', onGone);
  body.stream.on('aborted', onGone);
  req.on('drain', onDrain);
  body.stream.resume();
  return stop;
}

/**
 * Sends one hop and resolves with its response headers; rejects on error, header timeout or abort. With a body, the
 * header timeout starts once the body has been sent (an upload may take longer than headersMs).
 */
export function sendHop(transport: UpstreamTransport, hop: UpstreamHop, headersMs: number, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ProxyError(499, 'UNAVAILABLE', 'strata proxy: the client went away'));
      return;
    }
    const req = transport.request(hop);
    let timer: NodeJS.Timeout | undefined;
    const armHeaders = (): void => {
      timer = setTimeout(() => {
        req.destroy(new ProxyError(504, 'TIMEOUT', `strata proxy: ${hop.url.host} sent no response headers within ${headersMs} ms`));
      }, headersMs);
    };
    const onAbort = (): void => {
      req.destroy(new ProxyError(499, 'UNAVAILABLE', 'strata proxy: the client went away'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    let stopBody = (): void => undefined;
    const settle = (): void => {
      clearTimeout(timer);
      stopBody();
      signal.removeEventListener('abort', onAbort);
    };
    req.once('response', (res) => {
      settle();
      // Answered before the whole body went out: this connection cannot be reused, close it once the answer is read.
      if (!req.writableFinished) res.once('close', () => req.destroy());
      resolve(res);
    });
    req.on('error', (error) => {
      settle();
      reject(error);
    });
    if (hop.body === undefined) {
      armHeaders();
      req.end();
    } else {
      stopBody = streamBody(req, hop.body, armHeaders);
    }
  });
}
