// The page's single door to the analysis workers: the interface the UI codes against. Implemented by
// worker-bridge.ts (lazy start, request ids, AbortSignal on every call, progress events, idle shutdown).
import type { ImageInfo, ImageSourceSpec, LayerState, Metrics, TreeRowOut, TreeView, WhiteoutRow } from '../protocol/messages.ts';

export type OpenHandlers = {
  onImage(info: ImageInfo): void;
  onLayer(state: LayerState): void;
  onMetrics(metrics: Metrics): void;
};

export type AnalysisClient = {
  /** Opens an image; handlers fire as it loads. Resolves with the image id once every layer is done. */
  open(source: ImageSourceSpec, handlers: OpenHandlers, signal: AbortSignal): Promise<string>;
  /** partial/asOfLayer: see the 'rows' response in protocol/messages.ts (rows while layers load, failed layers). */
  rows(imageId: string, view: TreeView, start: number, count: number, signal?: AbortSignal): Promise<{ total: number; start: number; rows: readonly TreeRowOut[]; partial?: boolean; asOfLayer?: number }>;
  file(imageId: string, path: string, layer: number, maxBytes: number, signal?: AbortSignal): Promise<{ path: string; size: number; truncated: boolean; bytes: Uint8Array }>;
  whiteouts(imageId: string, layer: number, signal?: AbortSignal): Promise<readonly WhiteoutRow[]>;
  close(imageId: string): void;
  clearCache(): Promise<void>;
};
