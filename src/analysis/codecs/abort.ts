// Small async helpers shared by the streaming decoders (worker side, also Node for tests).

/** Throws the signal's reason (an AbortError unless the caller chose another) once it is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

/**
 * Resolves after one macrotask. A native stream that finishes its work off-thread (Node's zlib pool) can only
 * deliver output between macrotasks, so "no new output after a macrotask" is the quiescence test.
 * Node has setImmediate; browsers get a MessageChannel, which avoids the 4 ms clamp of nested setTimeout.
 */
export function yieldMacrotask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (immediate) return new Promise((resolve) => { immediate(resolve); });
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => { setTimeout(resolve, 0); });
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(0);
  });
}
