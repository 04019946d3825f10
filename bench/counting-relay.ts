// A byte-counting HTTP relay for the benchmark (node): sits between strata serve's proxy and the registry so the
// benchmark can say how many blob bytes one file view really pulled from the registry (what a Range request
// asked for and what was sent before the reader stopped), not what the worker chose to consume.
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RelayedRequest = { readonly method: string; readonly path: string; readonly range: string | undefined; bytes: number; done: boolean };

export type CountingRelay = {
  readonly host: string;
  readonly requests: RelayedRequest[];
  /** body bytes sent to clients so far */
  readonly sent: () => number;
  close(): Promise<void>;
};

export async function startCountingRelay(target: URL): Promise<CountingRelay> {
  const requests: RelayedRequest[] = [];
  let sent = 0;
  const server = createServer((req, res) => {
    const entry: RelayedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', range: req.headers.range, bytes: 0, done: false };
    requests.push(entry);
    const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.on('data', (c: Buffer) => {
        entry.bytes += c.length;
        sent += c.length;
      });
      upRes.on('end', () => { entry.done = true; });
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => {
      entry.done = true;
      up.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`, requests, sent: () => sent,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
