// The analysis worker's request handler (worker side; Node tests drive it directly with a fake `post`): opens
// images from a registry or a dropped archive, streams progress, answers row windows, whiteouts, file contents and
// comparisons of two open images, describes an image without reading layers, and honours cancel/close by aborting
// the request's downloads. Errors carry a code and a message.
import { parsePlatformString, type Platform } from '../../core/oci/platform.ts';
import type { ImageSourceSpec, Request, Response } from '../../protocol/messages.ts';
import type { Codecs } from '../codecs.ts';
import { LayerError } from '../layer-error.ts';
import { ComparisonCache } from './compare-request.ts';
import { deriveLimitsForHeap, resolveHeapLimit } from '../heap-entry-budget.ts';
import { DEFAULT_LIMITS, type LayerLimits } from '../layer-pipeline.ts';
import { commitImage } from './commit-container.ts';
import { layoutOf, simulateLanes } from './container-requests.ts';
import { openFileImage, type OpenedImage } from './file-source.ts';
import { describeImage } from './image-info.ts';
import { ImageSession } from './image-session.ts';
import type { LayerCache } from './layer-cache.ts';
import { openRegistryImage } from './registry-source.ts';
import { defaultCheckpointStore } from './checkpoint-store.ts';

export type PostMessage = (message: Response, transfer?: Transferable[]) => void;

export type AnalysisEnv = {
  readonly post: PostMessage;
  readonly codecs: Codecs;
  readonly cache?: LayerCache | undefined;
  /** the page's origin; references to its host go to the embedded registry same-origin */
  readonly origin?: string | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly now?: (() => number) | undefined;
  /** fixed limits; by default each open derives them from the memory the page reports (heap-entry-budget.ts) */
  readonly limits?: LayerLimits | undefined;
};

export type AnalysisHandler = {
  /** Handles one message; the promise settles when the request is answered (tests await it, the worker does not). */
  handle(message: unknown): Promise<void>;
  readonly openImages: number;
};

const DEFAULT_CONCURRENCY = 3;
const MAX_CONCURRENCY = 6;

export function createAnalysisHandler(env: AnalysisEnv): AnalysisHandler {
  const images = new Map<string, ImageSession>();
  const requests = new Map<number, AbortController>();
  const comparisons = new ComparisonCache();
  const now = env.now ?? (() => Date.now());
  let sequence = 0;
  const post = env.post;

  const fail = (id: number, e: unknown) => post({ type: 'error', id, ...describeError(e) });
  const imageOr = (id: number, imageId: string): ImageSession | undefined => {
    const s = images.get(imageId);
    if (!s) post({ type: 'error', id, code: 'IMAGE_UNKNOWN', message: `image ${imageId} is not open in the analysis worker (closed, or the worker restarted); open it again` });
    return s;
  };
  /** Runs a synchronous request on an open image; anything thrown becomes an error message. */
  const answer = (id: number, imageId: string, work: (s: ImageSession) => void) => {
    const s = imageOr(id, imageId);
    if (!s) return;
    try {
      work(s);
    } catch (e) {
      fail(id, e);
    }
  };
  const track = async (id: number, work: (signal: AbortSignal) => Promise<void>) => {
    const ctl = new AbortController();
    requests.set(id, ctl);
    try {
      await work(ctl.signal);
    } catch (e) {
      fail(id, e);
    } finally {
      requests.delete(id);
    }
  };

  async function open(req: Extract<Request, { type: 'open' }>, signal: AbortSignal): Promise<void> {
    const platform = platformOf(req.source.platform);
    const opened = await openSource(req.source, req.proxyBase, platform, signal);
    signal.throwIfAborted();
    const imageId = `image-${++sequence}`;
    const session = new ImageSession(imageId, opened, env.codecs, now);
    images.set(imageId, session);
    try {
      post({ type: 'image', id: req.id, info: describeImage(imageId, opened) });
      const metrics = await session.load({
        codecs: env.codecs, cache: env.cache, signal, now,
        // The entry budget follows the heap the page reported (B2), unless the environment fixes the limits (tests).
        limits: env.limits ?? deriveLimitsForHeap(DEFAULT_LIMITS, resolveHeapLimit(req.memory)),
        concurrency: Math.max(1, Math.min(MAX_CONCURRENCY, req.concurrency ?? DEFAULT_CONCURRENCY)),
        onLayer: (state) => post({ type: 'layer', id: req.id, imageId, state }),
      });
      post({ type: 'metrics', id: req.id, imageId, metrics });
      post({ type: 'done', id: req.id });
    } catch (e) {
      // A cancelled or broken open leaves nothing behind: the page never got an image it could close.
      session.close(e instanceof Error ? e : new LayerError('ABORTED', 'cancelled'));
      images.delete(imageId);
      throw e;
    }
  }

  async function openSource(source: ImageSourceSpec, proxyBase: string, platform: Platform | undefined, signal: AbortSignal): Promise<OpenedImage> {
    if (source.kind === 'file') {
      if (typeof Blob === 'undefined' || !(source.file instanceof Blob)) throw new LayerError('BAD_REQUEST', 'open: the file source carries no File');
      return openFileImage(source.file, { ref: source.ref, platform, codecs: env.codecs });
    }
    return openRegistryImage(source.reference, { proxyBase, origin: env.origin, credentials: source.credentials, platform, signal, fetch: env.fetch });
  }

  async function handle(message: unknown): Promise<void> {
    const req = message as Request;
    if (typeof message !== 'object' || message === null || typeof req.type !== 'string' || typeof req.id !== 'number') {
      post({ type: 'error', id: typeof req?.id === 'number' ? req.id : -1, code: 'BAD_REQUEST', message: 'the analysis worker got a message that is not a request' });
      return;
    }
    switch (req.type) {
      case 'open':
        return track(req.id, (signal) => open(req, signal));
      case 'rows':
        return answer(req.id, req.imageId, (s) => {
          const r = s.rows(req.view, req.start, req.count);
          post(r.ok ? { type: 'rows', id: req.id, ...r.value } : { type: 'error', id: req.id, ...r.error });
        });
      case 'whiteouts':
        return answer(req.id, req.imageId, (s) => {
          const r = s.whiteouts(req.layer);
          post(r.ok ? { type: 'whiteouts', id: req.id, rows: r.value.rows, partial: r.value.partial } : { type: 'error', id: req.id, ...r.error });
        });
      case 'compare':
        return answer(req.id, req.imageIdA, (a) => {
          const b = imageOr(req.id, req.imageIdB);
          if (!b) return;
          const r = comparisons.answer(a, b, req.filter, req.start, req.count);
          post(r.ok ? { type: 'compare', id: req.id, ...r.value } : { type: 'error', id: req.id, ...r.error });
        });
      case 'describe':
        return track(req.id, async (signal) => {
          const opened = await openSource(req.source, req.proxyBase, platformOf(req.source.platform), signal);
          post({ type: 'image', id: req.id, info: describeImage(`described-${++sequence}`, opened) });
        });
      case 'file': {
        const s = imageOr(req.id, req.imageId);
        if (!s) return;
        return track(req.id, async (signal) => {
          const r = await s.file(req.path, req.layer, req.maxBytes, signal);
          if (!r.ok) post({ type: 'error', id: req.id, ...r.error });
          else post({ type: 'file', id: req.id, ...r.value }, [r.value.bytes]);
        });
      }
      case 'simulate':
        return answer(req.id, req.imageId, (s) => post({ type: 'simulation', id: req.id, results: simulateLanes(s, req.lanes, req.commands) }));
      case 'layout':
        return answer(req.id, req.imageId, (s) => post({ type: 'layout', id: req.id, layout: layoutOf(s, req.lane, req.commands, req.expand === true) }));
      case 'commit': {
        const s = imageOr(req.id, req.imageId);
        if (!s) return;
        return track(req.id, async (signal) => {
          const r = await commitImage(s, { codecs: env.codecs, origin: env.origin, fetch: env.fetch }, req, AbortSignal.any([signal, s.controller.signal]));
          post({ type: 'commit', id: req.id, commit: r.commit, ...(r.archive ? { archive: r.archive } : {}) }, r.archive ? [r.archive] : []);
        });
      }
      case 'close': {
        images.get(req.imageId)?.close(new LayerError('ABORTED', `image ${req.imageId} was closed`));
        images.delete(req.imageId);
        comparisons.forget(req.imageId);
        post({ type: 'done', id: req.id });
        return;
      }
      case 'cancel':
        requests.get(req.target)?.abort(new LayerError('ABORTED', 'cancelled by the page'));
        return;
      case 'clearCache':
        return track(req.id, async () => {
          await env.cache?.clear();
          await defaultCheckpointStore().clear().catch(() => undefined); // the file viewer's gzip checkpoints too
          post({ type: 'done', id: req.id });
        });
      default:
        post({ type: 'error', id: (req as { id: number }).id, code: 'BAD_REQUEST', message: `unknown request type "${String((req as { type: unknown }).type).slice(0, 40)}"` });
    }
  }

  return {
    handle,
    get openImages() {
      return images.size;
    },
  };
}

function platformOf(value: string | undefined): Platform | undefined {
  if (value === undefined || value === '') return undefined;
  const p = parsePlatformString(value);
  if (!p.ok) throw new LayerError(p.error.code, p.error.message);
  return p.value;
}

/** Code and message of anything thrown: RegistryError and LayerError codes as they are, aborts as ABORTED. */
export function describeError(e: unknown): { code: string; message: string } {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return { code, message: e.message };
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return { code: 'ABORTED', message: e.message || 'cancelled' };
    return { code: 'INTERNAL', message: `${e.name}: ${e.message}` };
  }
  return { code: 'INTERNAL', message: String(e) };
}
