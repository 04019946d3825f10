// One upstream HTTP exchange (node side): connects to the pinned, already-checked IP while sending the original Host
// and TLS SNI (S4), aborts when response headers do not arrive in time (F12) or the page goes away (F21).
import * as http from 'node:http';
import * as https from 'node:https';
import { ProxyError } from './errors.ts';

export type UpstreamHop = {
  readonly url: URL;
  /** The checked IP the socket must go to. */
  readonly address: string;
  readonly family: 4 | 6;
  readonly method: 'GET' | 'HEAD';
  readonly headers: Readonly<Record<string, string>>;
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

/** Sends one hop and resolves with its response headers; rejects on error, header timeout or abort. */
export function sendHop(transport: UpstreamTransport, hop: UpstreamHop, headersMs: number, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ProxyError(499, 'UNAVAILABLE', 'strata proxy: the client went away'));
      return;
    }
    const req = transport.request(hop);
    const timer = setTimeout(() => {
      req.destroy(new ProxyError(504, 'TIMEOUT', `strata proxy: ${hop.url.host} sent no response headers within ${headersMs} ms`));
    }, headersMs);
    const onAbort = (): void => {
      req.destroy(new ProxyError(499, 'UNAVAILABLE', 'strata proxy: the client went away'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    req.once('response', (res) => {
      settle();
      resolve(res);
    });
    req.on('error', (error) => {
      settle();
      reject(error);
    });
    req.end();
  });
}
