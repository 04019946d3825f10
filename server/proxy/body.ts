// Moves an upstream body to the page (node side): streamed with backpressure and never buffered (F13, S20), an idle
// timeout while nothing moves (F12), an optional byte cap, and both sides torn down when either fails (F21);
// plus the capped reads of bodies the proxy must look at itself (tokens ≤ 1 MiB, errors ≤ 64 KiB: S16).
import type * as http from 'node:http';
import { ProxyError } from './errors.ts';

export type BodyOutcome = 'complete' | 'client-gone' | 'upstream-failed' | 'idle-timeout' | 'too-large';

/**
 * Pipes `upstream` into `res`. The idle timer restarts whenever bytes arrive or the page drains its buffer, so a
 * slow reader is fine but a stall on either side for idleMs aborts both connections.
 */
export function pipeBody(upstream: http.IncomingMessage, res: http.ServerResponse, idleMs: number, maxBytes: number | undefined): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    let bytes = 0;
    let settled = false;
    const finish = (outcome: BodyOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome !== 'complete') {
        upstream.destroy();
        res.destroy();
      }
      resolve(outcome);
    };
    const timer = setTimeout(() => finish('idle-timeout'), idleMs);
    upstream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      timer.refresh();
      if (maxBytes !== undefined && bytes > maxBytes) {
        finish('too-large');
        return;
      }
      if (!res.write(chunk)) upstream.pause();
    });
    res.on('drain', () => {
      timer.refresh();
      upstream.resume();
    });
    upstream.on('end', () => {
      clearTimeout(timer);
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
