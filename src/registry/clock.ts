// Time and cancellation primitives for the registry client: an injectable clock (tests skip real waits),
// abortable sleep, and a per-request AbortController linked to the caller's signal. Page, worker and Node.

export type Clock = {
  now(): number;
  /** Resolves after `ms`, rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => abortableDelay(ms, signal),
};

export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error a cancelled operation rejects with: the signal's reason, as fetch does (WHATWG Fetch). */
export function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** Marker reason used when our own timer aborts a request, so it is told apart from a caller's abort. */
export class TimeoutSignalReason extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly phase: 'headers' | 'body', readonly ms: number) {
    super(`no ${phase === 'headers' ? 'response headers' : 'body data'} for ${ms} ms`);
  }
}

/**
 * One request's AbortController: aborts when the caller's signal does, or when a timer armed with `arm` fires.
 * `dispose` must be called when the request is done so the caller's signal does not keep a listener.
 */
export class RequestAbort {
  readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onParentAbort: () => void;

  constructor(private readonly parent: AbortSignal | undefined) {
    this.onParentAbort = () => this.controller.abort(abortReason(parent));
    if (parent?.aborted) this.controller.abort(abortReason(parent));
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** (Re)starts the watchdog: aborts with a TimeoutSignalReason after `ms` unless re-armed or cleared. */
  arm(phase: 'headers' | 'body', ms: number): void {
    this.clear();
    if (ms > 0 && Number.isFinite(ms)) this.timer = setTimeout(() => this.controller.abort(new TimeoutSignalReason(phase, ms)), ms);
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The timeout that fired, if our own watchdog aborted this request. */
  timedOut(): TimeoutSignalReason | undefined {
    const r: unknown = this.controller.signal.reason;
    return this.controller.signal.aborted && r instanceof TimeoutSignalReason ? r : undefined;
  }

  /** True when the caller cancelled (not our watchdog). */
  cancelledByCaller(): boolean {
    return this.parent?.aborted === true;
  }

  dispose(): void {
    this.clear();
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}
