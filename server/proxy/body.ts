// Moves an upstream body to the page (node side): streamed with backpressure and never buffered (F13, S20), straight
// off the upstream socket when its length is declared (socket-relay.ts), an idle timeout while nothing moves (F12),
// an optional byte cap, and both sides torn down when either fails (F21);
// plus the capped reads of bodies the proxy must look at itself (tokens ≤ 1 MiB, errors ≤ 64 KiB: S16).
import type * as http from 'node:http';
import { ProxyError } from './errors.ts';
import { watchIdle } from './idle-watch.ts';
import { detachBodySocket, relaySocketBody } from './socket-relay.ts';

export type BodyOutcome = 'complete' | 'client-gone' | 'upstream-failed' | 'idle-timeout' | 'too-large';

/** How the body travelled: off the upstream socket (Content-Length known, socket-relay.ts) or through Node's parser. */
export type BodyPath = 'socket' | 'parser';

/**
 * Pipes `upstream` into `res`. Progress is whenever bytes arrive or the page drains its buffer, so a slow reader is
 * fine but a stall on either side for idleMs aborts both connections.
 */
export async function pipeBody(upstream: http.IncomingMessage, res: http.ServerResponse, idleMs: number, maxBytes: number | undefined): Promise<{ outcome: BodyOutcome; path: BodyPath }> {
  // Called from a 'response' listener, Node's parser would still be pushing the rest of the head's packet into
  // `upstream`; a microtask later it is done (microtasks never run inside its synchronous execute()).
  await Promise.resolve();
  return new Promise((resolve) => {
    let settled = false;
    let path: BodyPath = 'parser';
    const finish = (outcome: BodyOutcome): void => {
      if (settled) return;
      settled = true;
      watch.stop();
      if (outcome !== 'complete') {
        upstream.destroy();
        res.destroy();
      }
      resolve({ outcome, path });
    };
    const watch = watchIdle(idleMs, () => finish('idle-timeout'));
    if (res.destroyed) return finish('client-gone');
    if (upstream.destroyed && !upstream.complete) return finish('upstream-failed');
    // create-proxy refused a declared length over the cap before the head went out; the socket path never relays more.
    const detached = detachBodySocket(upstream);
    if (detached !== undefined) {
      path = 'socket';
      if (maxBytes !== undefined && detached.remaining > maxBytes) {
        finish('too-large');
        return;
      }
      relaySocketBody(detached, res, watch, finish);
      return;
    }
    let bytes = 0;
    upstream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      watch.touch();
      if (maxBytes !== undefined && bytes > maxBytes) {
        finish('too-large');
        return;
      }
      if (!res.write(chunk)) upstream.pause();
    });
    res.on('drain', () => {
      watch.touch();
      upstream.resume();
    });
    upstream.on('end', () => {
      watch.stop();
      res.end(() => finish('complete'));
    });
    upstream.on('error', () => finish('upstream-failed'));
    upstream.on('close', () => {
      if (!upstream.complete) finish('upstream-failed');
    });
    res.on('close', () => {
      if (!res.writableFinished) finish('client-gone');
    });
  });
}

/** Reads at most maxBytes; beyond that the upstream is cut and `truncated` is set. Idle timeout as pipeBody. */
export function readCapped(upstream: http.IncomingMessage, maxBytes: number, idleMs: number, signal: AbortSignal): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (result: { body: Buffer; truncated: boolean } | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (result instanceof Error) {
        upstream.destroy();
        reject(result);
      } else {
        resolve(result);
      }
    };
    const timer = setTimeout(() => done(new ProxyError(504, 'TIMEOUT', `strata proxy: upstream body stalled for ${idleMs} ms`)), idleMs);
    const onAbort = (): void => done(new ProxyError(499, 'UNAVAILABLE', 'strata proxy: the client went away'));
    signal.addEventListener('abort', onAbort, { once: true });
    upstream.on('data', (chunk: Buffer) => {
      timer.refresh();
      const room = maxBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        upstream.destroy();
        done({ body: Buffer.concat(chunks), truncated: true });
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    upstream.on('end', () => done({ body: Buffer.concat(chunks), truncated: false }));
    upstream.on('error', (error) => done(new ProxyError(502, 'UNAVAILABLE', `strata proxy: upstream failed mid-body: ${error.message}`)));
    upstream.on('close', () => {
      if (!upstream.complete) done(new ProxyError(502, 'UNAVAILABLE', 'strata proxy: upstream closed the connection mid-body'));
    });
  });
}
