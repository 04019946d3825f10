// The two images of the Compare page (A and B), each opened in the analysis worker next to the explorer's image:
// per-side status, image info, layer progress and failure; leaving a side aborts its downloads and closes it in
// the worker. Page side (zustand).
import { create } from 'zustand';
import type { ImageInfo, LayerState } from '../protocol/messages.ts';
import { getAnalysisClient } from '../worker-client/worker-bridge.ts';
import { describeFailure, isAbort, type Failure } from './failure.ts';
import { sourceRegistry, toSpec, type ImageSource, type SessionStatus } from './image-session.ts';
import type { CompareSideName } from './page-url-state.ts';

export type CompareSide = {
  readonly status: SessionStatus;
  readonly source: ImageSource | null;
  readonly info: ImageInfo | null;
  readonly imageId: string | null;
  readonly layers: readonly (LayerState | undefined)[];
  readonly failure: Failure | null;
};

type CompareSessionState = {
  readonly a: CompareSide;
  readonly b: CompareSide;
  openSide(side: CompareSideName, source: ImageSource): void;
  closeSide(side: CompareSideName): void;
  retrySide(side: CompareSideName): void;
};

const EMPTY: CompareSide = { status: 'idle', source: null, info: null, imageId: null, layers: [], failure: null };
const controllers: Record<CompareSideName, AbortController | null> = { a: null, b: null };
const opened: Record<CompareSideName, string | null> = { a: null, b: null };

function stop(side: CompareSideName): void {
  controllers[side]?.abort(new DOMException('The image was closed', 'AbortError'));
  controllers[side] = null;
  if (opened[side] !== null) getAnalysisClient().close(opened[side]);
  opened[side] = null;
}

export const useCompareSession = create<CompareSessionState>()((set, get) => {
  const patch = (side: CompareSideName, change: Partial<CompareSide>) => set((s) => ({ [side]: { ...s[side], ...change } }));
  return {
    a: EMPTY,
    b: EMPTY,
    openSide: (side, source) => {
      stop(side);
      const mine = new AbortController();
      controllers[side] = mine;
      const live = () => controllers[side] === mine;
      set({ [side]: { ...EMPTY, status: 'loading', source } });
      let spec;
      try {
        spec = toSpec(source);
      } catch (e) {
        patch(side, { status: 'failed', failure: describeFailure(e, sourceRegistry(source)) });
        return;
      }
      getAnalysisClient().open(spec, {
        onImage: (info) => {
          if (!live()) return;
          opened[side] = info.imageId;
          patch(side, { info, imageId: info.imageId, layers: info.layers.map(() => undefined) });
        },
        onLayer: (state) => {
          if (!live()) return;
          const layers = get()[side].layers.slice();
          layers[state.index] = state;
          patch(side, { layers });
        },
        onMetrics: () => undefined,
      }, mine.signal).then(() => {
        if (live()) patch(side, { status: 'ready' });
      }, (e: unknown) => {
        if (!live() || isAbort(e)) return;
        patch(side, { status: 'failed', failure: describeFailure(e, sourceRegistry(source)) });
      });
    },
    closeSide: (side) => {
      stop(side);
      set({ [side]: EMPTY });
    },
    retrySide: (side) => {
      const source = get()[side].source;
      if (source !== null) get().openSide(side, source);
    },
  };
});
