// The page side of the analysis worker (implements AnalysisClient): starts the worker on first use, numbers
// requests, turns AbortSignals into `cancel` messages, routes progress events to handlers, and shuts the worker
// down after a minute with no open image and nothing in flight. Browser main thread.
import type { CompareFilter, ImageSourceSpec, MemoryReport, Request, Response, TreeView } from '../protocol/messages.ts';
import type { AnalysisClient, OpenHandlers } from './analysis-client.ts';

/** What the bridge needs of a Worker (tests pass a fake). */
export type WorkerPort = {
  postMessage(message: Request): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
};

export type BridgeOptions = {
  readonly createWorker?: () => WorkerPort;
  /** terminate the worker after this long with no open image and no request in flight (default 60 s) */
  readonly idleMs?: number;
  /** where strata serve's registry proxy lives (default /proxy) */
  readonly proxyBase?: string;
  /** what the page knows about memory, sent with each open (default: readPageMemory) */
  readonly readMemory?: () => MemoryReport;
};

/**
 * The page's heap limit and device memory, for the worker's entry budget (hardening B2). Read here because a
 * dedicated worker has no `performance.memory` in Chromium; both are non-standard, so absent in Firefox and Safari.
 */
export function readPageMemory(): MemoryReport {
  const memory = (globalThis.performance as { memory?: { jsHeapSizeLimit?: unknown } } | undefined)?.memory;
  const device = (globalThis.navigator as { deviceMemory?: unknown } | undefined)?.deviceMemory;
  return {
    ...(typeof memory?.jsHeapSizeLimit === 'number' ? { jsHeapSizeLimit: memory.jsHeapSizeLimit } : {}),
    ...(typeof device === 'number' ? { deviceMemoryGiB: device } : {}),
  };
}

/** A failure reported by the worker: `code` is the registry/layer error code, `message` says what to do. */
export class AnalysisError extends Error {
  override readonly name = 'AnalysisError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

type Pending = { onResponse(r: Response): boolean; fail(e: Error): void };
type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

export const DEFAULT_IDLE_MS = 60_000;

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted.', 'AbortError');
}

export function createWorkerBridge(options: BridgeOptions = {}): AnalysisClient & { readonly running: boolean; dispose(): void } {
  const createWorker = options.createWorker
    ?? ((): WorkerPort => new Worker(new URL('../../workers/analysis.worker.ts', import.meta.url), { type: 'module', name: 'strata-analysis' }));
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const proxyBase = options.proxyBase ?? '/proxy';
  const readMemory = options.readMemory ?? readPageMemory;
  const pending = new Map<number, Pending>();
  const openImages = new Set<string>();
  let worker: WorkerPort | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;

  const stop = () => {
    worker?.terminate();
    worker = undefined;
    openImages.clear();
  };
  const scheduleIdle = () => {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = undefined;
    if (worker && openImages.size === 0 && pending.size === 0) idleTimer = setTimeout(stop, idleMs);
  };
  const port = (): WorkerPort => {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = undefined;
    if (worker) return worker;
    const w = createWorker();
    w.onmessage = (event) => {
      const r = event.data as Response;
      if (typeof r !== 'object' || r === null || typeof r.id !== 'number') return;
      const p = pending.get(r.id);
      if (p && p.onResponse(r)) {
        pending.delete(r.id);
        scheduleIdle();
      }
    };
    w.onerror = (event) => {
      const e = new AnalysisError('WORKER_FAILED', `the analysis worker stopped: ${event.message || 'unknown error'}; reload the page or open the image again`);
      stop();
      for (const p of [...pending.values()]) p.fail(e);
      pending.clear();
    };
    worker = w;
    return w;
  };

  /** Sends a request; `onResponse` returns true when the request is finished. */
  function send(request: Distribute<Request>, onResponse: (r: Response) => boolean, fail: (e: Error) => void, signal?: AbortSignal): void {
    if (signal?.aborted) {
      fail(abortError(signal));
      return;
    }
    const id = nextId++;
    const onAbort = () => {
      if (!pending.delete(id)) return;
      worker?.postMessage({ type: 'cancel', id: nextId++, target: id });
      fail(abortError(signal!));
      scheduleIdle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.set(id, {
      onResponse: (r) => {
        const finished = onResponse(r);
        if (finished) signal?.removeEventListener('abort', onAbort);
        return finished;
      },
      fail: (e) => {
        signal?.removeEventListener('abort', onAbort);
        fail(e);
      },
    });
    port().postMessage({ ...request, id } as Request);
  }

  /** A request answered by one message of type `want`. */
  function ask<T>(request: Distribute<Request>, want: Response['type'], pick: (r: Response) => T, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      send(request, (r) => {
        if (r.type === 'error') reject(new AnalysisError(r.code, r.message));
        else if (r.type === want) resolve(pick(r));
        else return false;
        return true;
      }, reject, signal);
    });
  }

  return {
    get running() {
      return worker !== undefined;
    },
    open(source: ImageSourceSpec, handlers: OpenHandlers, signal: AbortSignal): Promise<string> {
      return new Promise<string>((resolve, reject) => {
        let imageId: string | undefined;
        const forget = () => {
          if (imageId !== undefined) openImages.delete(imageId);
        };
        send({ type: 'open', source, proxyBase, memory: readMemory() }, (r) => {
          switch (r.type) {
            case 'image':
              imageId = r.info.imageId;
              openImages.add(imageId);
              handlers.onImage(r.info);
              return false;
            case 'layer':
              handlers.onLayer(r.state);
              return false;
            case 'metrics':
              handlers.onMetrics(r.metrics);
              return false;
            case 'done':
              resolve(imageId ?? '');
              return true;
            case 'error':
              forget();
              reject(new AnalysisError(r.code, r.message));
              return true;
            default:
              return false;
          }
        }, (e) => {
          forget();
          reject(e);
        }, signal);
      });
    },
    rows: (imageId: string, view: TreeView, start: number, count: number, signal?: AbortSignal) =>
      ask({ type: 'rows', imageId, view, start, count }, 'rows', (r) => {
        const v = r as Extract<Response, { type: 'rows' }>;
        return { total: v.total, start: v.start, rows: v.rows, ...(v.partial !== undefined ? { partial: v.partial } : {}), ...(v.asOfLayer !== undefined ? { asOfLayer: v.asOfLayer } : {}), ...(v.loading !== undefined ? { loading: v.loading } : {}) };
      }, signal),
    file: (imageId: string, path: string, layer: number, maxBytes: number, signal?: AbortSignal) =>
      ask({ type: 'file', imageId, path, layer, maxBytes }, 'file', (r) => {
        const v = r as Extract<Response, { type: 'file' }>;
        return { path: v.path, size: v.size, truncated: v.truncated, bytes: new Uint8Array(v.bytes) };
      }, signal),
    whiteouts: (imageId: string, layer: number, signal?: AbortSignal) =>
      ask({ type: 'whiteouts', imageId, layer }, 'whiteouts', (r) => (r as Extract<Response, { type: 'whiteouts' }>).rows, signal),
    compare: (imageIdA: string, imageIdB: string, filter: CompareFilter, start: number, count: number, signal?: AbortSignal) =>
      ask({ type: 'compare', imageIdA, imageIdB, filter, start, count }, 'compare', (r) => {
        const { type: _type, id: _id, ...answer } = r as Extract<Response, { type: 'compare' }>;
        return answer;
      }, signal),
    describe: (source: ImageSourceSpec, signal?: AbortSignal) =>
      ask({ type: 'describe', source, proxyBase }, 'image', (r) => (r as Extract<Response, { type: 'image' }>).info, signal),
    simulate: (imageId, lanes, commands, signal) =>
      ask({ type: 'simulate', imageId, lanes, commands }, 'simulation', (r) => (r as Extract<Response, { type: 'simulation' }>).results, signal),
    layout: (imageId, lane, commands, expand, signal) =>
      ask({ type: 'layout', imageId, lane, commands, expand }, 'layout', (r) => (r as Extract<Response, { type: 'layout' }>).layout, signal),
    commit: (imageId, lane, commands, output, signal) =>
      ask({ type: 'commit', imageId, lane, commands, output }, 'commit', (r) => {
        const v = r as Extract<Response, { type: 'commit' }>;
        return { commit: v.commit, archive: v.archive ? new Uint8Array(v.archive) : null };
      }, signal),
    close(imageId: string): void {
      openImages.delete(imageId);
      if (worker) worker.postMessage({ type: 'close', id: nextId++, imageId });
      scheduleIdle();
    },
    clearCache: () => ask({ type: 'clearCache' }, 'done', () => undefined),
    dispose(): void {
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      idleTimer = undefined;
      const e = new AnalysisError('WORKER_STOPPED', 'the analysis worker was stopped');
      for (const p of [...pending.values()]) p.fail(e);
      pending.clear();
      stop();
    },
  };
}

let singleton: ReturnType<typeof createWorkerBridge> | undefined;

/** The page's one analysis client (lazy: no worker starts until the first request). */
export function getAnalysisClient(): AnalysisClient {
  singleton ??= createWorkerBridge();
  return singleton;
}
