// The fast path for an upstream body of declared length (node side): once the response head is parsed, the body is
// read straight off the upstream socket instead of through Node's HTTP parser, which copies every chunk into a new
// Buffer and calls into JS per chunk (about half the proxy's CPU on a blob). Exactly Content-Length bytes are relayed,
// anything after them is dropped, and the socket is closed afterwards (never reused: its parser was bypassed).
import type * as http from 'node:http';
import type { Socket } from 'node:net';
import type { IdleWatch } from './idle-watch.ts';

/** The one 'data' listener through which Node's http client feeds its parser (lib/_http_client.js). */
const NODE_PARSER_LISTENER = 'socketOnData';

/**
 * Smaller bodies keep the parser path: the socket path closes the connection afterwards, and for a manifest or a
 * config blob a kept-alive connection (no new TCP + TLS handshake) is worth more than the per-chunk savings.
 */
export const SOCKET_RELAY_MIN_BYTES = 256 * 1024;

export type DetachedBody = {
  readonly socket: Socket;
  /** Body bytes the parser had already taken off the socket (they came with the head). */
  readonly head: readonly Buffer[];
  /** Body bytes still to come from the socket. */
  readonly remaining: number;
};

export type RelayOutcome = 'complete' | 'client-gone' | 'upstream-failed';

/**
 * Takes the body of `upstream` away from Node's parser, or returns undefined (and changes nothing) when the fast path
 * does not apply: no plain Content-Length, Transfer-Encoding present (the parser would have used chunked framing),
 * under SOCKET_RELAY_MIN_BYTES left, body already complete or being read, or a Node whose http client does not look
 * as expected. Must not run inside the 'response' event (pipeBody waits a microtask).
 */
export function detachBodySocket(upstream: http.IncomingMessage): DetachedBody | undefined {
  if (upstream.complete || upstream.destroyed || upstream.readableFlowing !== null || upstream.readableEncoding !== null) return undefined;
  if (upstream.headers['transfer-encoding'] !== undefined) return undefined;
  const declared = upstream.headers['content-length'];
  if (declared === undefined || !/^\d{1,15}$/.test(declared)) return undefined;
  const socket = upstream.socket as Socket | null;
  if (socket === null || socket.destroyed || socket.readableEnded) return undefined;
  const listeners = socket.listeners('data');
  const parserListener = listeners[0];
  if (listeners.length !== 1 || typeof parserListener !== 'function' || parserListener.name !== NODE_PARSER_LISTENER) return undefined;
  const taken = upstream.readableLength;
  const remaining = Number(declared) - taken;
  if (remaining < SOCKET_RELAY_MIN_BYTES) return undefined;
  // From here on the parser sees no more bytes. Nothing below can emit socket 'data' synchronously: read() on the
  // message may schedule a socket resume, which runs after the caller has attached its own listener.
  socket.removeListener('data', parserListener as (chunk: Buffer) => void);
  const head: Buffer[] = [];
  for (let chunk = upstream.read() as Buffer | null; chunk !== null; chunk = upstream.read() as Buffer | null) head.push(chunk);
  return { socket, head, remaining };
}

/**
 * Moves the detached body to `res` with backpressure; `watch` is touched on every chunk and drain. Calls `done` once:
 * 'complete' after the last byte was handed to the page's socket, otherwise as soon as either side fails. The caller
 * tears both connections down on anything but 'complete'.
 */
export function relaySocketBody(body: DetachedBody, res: http.ServerResponse, watch: IdleWatch, done: (outcome: RelayOutcome) => void): void {
  const { socket } = body;
  let remaining = body.remaining;
  let writable = true;
  for (const chunk of body.head) writable = res.write(chunk);
  const onData = (chunk: Buffer): void => {
    watch.touch();
    if (chunk.length >= remaining) {
      const last = chunk.length === remaining ? chunk : chunk.subarray(0, remaining);
      remaining = 0;
      detach();
      socket.destroy();
      res.end(last, () => done('complete'));
      return;
    }
    remaining -= chunk.length;
    if (!res.write(chunk)) socket.pause();
  };
  const onDrain = (): void => {
    watch.touch();
    socket.resume();
  };
  const onUpstreamGone = (): void => {
    if (remaining > 0) done('upstream-failed');
  };
  const onClientClose = (): void => {
    if (!res.writableFinished) done('client-gone');
  };
  function detach(): void {
    socket.off('data', onData);
    socket.off('end', onUpstreamGone);
    socket.off('close', onUpstreamGone);
    socket.off('error', onUpstreamGone);
    res.off('drain', onDrain);
  }
  socket.on('data', onData);
  socket.on('end', onUpstreamGone);
  socket.on('close', onUpstreamGone);
  socket.on('error', onUpstreamGone);
  res.on('drain', onDrain);
  res.on('close', onClientClose);
  if (writable) socket.resume();
  else socket.pause();
}
