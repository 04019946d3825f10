// The open image: starts analysis through the worker bridge, collects image info, per-layer progress and metrics as
// they stream in, and cancels downloads when the image is left (the AbortSignal is aborted). Page side (zustand).
import { create } from 'zustand';
import type { ImageInfo, ImageSourceSpec, LayerState, Metrics } from '../protocol/messages.ts';
import { getAnalysisClient } from '../worker-client/worker-bridge.ts';
import { credentialsFor } from './credentials-store.ts';
import { describeFailure, isAbort, type Failure } from './failure.ts';
import { splitReference } from './image-reference.ts';

export type SessionStatus = 'idle' | 'loading' | 'ready' | 'failed';

export type ImageSource =
  | { readonly kind: 'registry'; readonly reference: string; readonly platform: string | null }
  | { readonly kind: 'file'; readonly file: File; readonly platform: string | null };

type SessionState = {
  readonly status: SessionStatus;
  readonly source: ImageSource | null;
  readonly info: ImageInfo | null;
  readonly layers: readonly (LayerState | undefined)[];
  readonly metrics: Metrics | null;
  readonly failure: Failure | null;
  /** bumps (throttled) whenever layers add entries, so tree queries refetch while bytes arrive */
  readonly epoch: number;
  openImage(source: ImageSource): void;
  closeImage(): void;
  retry(): void;
};

const EPOCH_EVERY_MS = 400;
let controller: AbortController | null = null;
let openedId: string | null = null;
let epochTimer: ReturnType<typeof setTimeout> | null = null;

/** Where the registry host of a source is, for credentials and messages. */
export function sourceRegistry(source: ImageSource | null): string | null {
  if (source?.kind !== 'registry') return null;
  const parts = splitReference(source.reference);
  return parts.ok ? parts.value.registry : null;
}

/** The worker request source for a page source, with credentials for its registry when the user gave some. */
export function toSpec(source: ImageSource): ImageSourceSpec {
  if (source.kind === 'file') return { kind: 'file', file: source.file, ...(source.platform !== null ? { platform: source.platform } : {}) };
  const host = sourceRegistry(source);
  const credentials = host !== null ? credentialsFor(host) : undefined;
  return {
    kind: 'registry', reference: source.reference,
    ...(source.platform !== null ? { platform: source.platform } : {}),
    ...(credentials !== undefined ? { credentials: { username: credentials.username, password: credentials.password } } : {}),
  };
}

export const useImageSession = create<SessionState>()((set, get) => {
  const bumpEpoch = (now: boolean) => {
    if (now) {
      if (epochTimer !== null) clearTimeout(epochTimer);
      epochTimer = null;
      set((s) => ({ epoch: s.epoch + 1 }));
      return;
    }
    if (epochTimer !== null) return;
    epochTimer = setTimeout(() => {
      epochTimer = null;
      set((s) => ({ epoch: s.epoch + 1 }));
    }, EPOCH_EVERY_MS);
  };

  const stop = () => {
    controller?.abort(new DOMException('The image was closed', 'AbortError'));
    controller = null;
    if (openedId !== null) getAnalysisClient().close(openedId);
    openedId = null;
    if (epochTimer !== null) clearTimeout(epochTimer);
    epochTimer = null;
  };

  return {
    status: 'idle', source: null, info: null, layers: [], metrics: null, failure: null, epoch: 0,
    openImage: (source) => {
      stop();
      const mine = new AbortController();
      controller = mine;
      set({ status: 'loading', source, info: null, layers: [], metrics: null, failure: null });
      const live = () => controller === mine;
      let spec: ImageSourceSpec;
      try {
        spec = toSpec(source);
      } catch (e) {
        set({ status: 'failed', failure: describeFailure(e, sourceRegistry(source)) });
        return;
      }
      getAnalysisClient().open(spec, {
        onImage: (info) => {
          if (!live()) return;
          openedId = info.imageId;
          set({ info, layers: info.layers.map(() => undefined) });
          bumpEpoch(true);
        },
        onLayer: (state) => {
          if (!live()) return;
          const prev = get().layers[state.index];
          const layers = get().layers.slice();
          layers[state.index] = state;
          set({ layers });
          const finished = state.status !== 'loading' && state.status !== 'queued';
          if (prev?.status !== state.status && finished) bumpEpoch(true);
          else if (prev?.entries !== state.entries) bumpEpoch(false);
        },
        onMetrics: (metrics) => {
          if (live()) set({ metrics });
        },
      }, mine.signal).then((imageId) => {
        if (!live()) return;
        openedId = imageId;
        set({ status: 'ready' });
        bumpEpoch(true);
      }, (e: unknown) => {
        if (!live() || isAbort(e)) return;
        set({ status: 'failed', failure: describeFailure(e, sourceRegistry(source)) });
      });
    },
    closeImage: () => {
      stop();
      set({ status: 'idle', source: null, info: null, layers: [], metrics: null, failure: null });
    },
    retry: () => {
      const source = get().source;
      if (source !== null) get().openImage(source);
    },
  };
});
