// Reading response bodies: chunk iteration with an idle-body watchdog (hardening F12), and capped reads that
// stop at the cap while streaming instead of trusting Content-Length (P10, S16). Page, worker and Node.
import { abortReason, type RequestAbort } from './clock.ts';

export type BodyFailure = { readonly kind: 'timeout' | 'network'; readonly cause: unknown; readonly ms?: number };

/**
 * Yields the body's chunks. Each read must produce data within `idleMs` or the request is aborted and
 * `fail({kind:'timeout'})` is thrown; a broken connection throws `fail({kind:'network'})`; a caller's abort
 * rethrows the caller's reason. Leaving the loop early cancels the body. Disposes `abort` when done.
 */
export async function* streamBody(
  body: ReadableStream<Uint8Array> | null,
  abort: RequestAbort,
  idleMs: number,
  fail: (f: BodyFailure) => Error,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (body === null) {
    abort.dispose();
    return;
  }
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      abort.arm('body', idleMs);
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (e) {
        if (abort.cancelledByCaller()) throw abortReason(abort.signal);
        const t = abort.timedOut();
        if (t) throw fail({ kind: 'timeout', cause: t, ms: t.ms });
        throw fail({ kind: 'network', cause: e });
      } finally {
        abort.clear();
      }
      if (step.done) {
        finished = true;
        return;
      }
      if (step.value.byteLength > 0) yield step.value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
    abort.dispose();
  }
}

/** Collects chunks into one array, failing with `tooLarge()` as soon as more than `maxBytes` arrive. */
export async function collectBounded(chunks: AsyncIterable<Uint8Array>, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge();
    parts.push(chunk);
  }
  return concatBytes(parts, total);
}

/** Collects at most `maxBytes`, silently dropping the rest (for error bodies shown truncated, P20). */
export async function collectPrefix(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    const room = maxBytes - total;
    if (chunk.byteLength > room) {
      parts.push(chunk.subarray(0, room));
      total += room;
      return { bytes: concatBytes(parts, total), truncated: true };
    }
    parts.push(chunk);
    total += chunk.byteLength;
  }
  return { bytes: concatBytes(parts, total), truncated: false };
}

export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  const size = total ?? parts.reduce((n, p) => n + p.byteLength, 0);
  if (parts.length === 1 && parts[0]!.byteLength === size) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
