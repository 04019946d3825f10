// The page's single door to the analysis workers: the interface the UI codes against. Implemented by
// worker-bridge.ts (lazy start, request ids, AbortSignal on every call, progress events, idle shutdown).
import type { CommitOut, CommitOutput, CompareAnswer, CompareFilter, ImageInfo, ImageSourceSpec, LayerState, LayoutOut, Metrics, SimulationLane, SimulationOut, TreeRowOut, TreeView, WhiteoutRow } from '../protocol/messages.ts';

export type OpenHandlers = {
  onImage(info: ImageInfo): void;
  onLayer(state: LayerState): void;
  onMetrics(metrics: Metrics): void;
};

export type AnalysisClient = {
  /** Opens an image; handlers fire as it loads. Resolves with the image id once every layer is done. */
  open(source: ImageSourceSpec, handlers: OpenHandlers, signal: AbortSignal): Promise<string>;
  /** partial/asOfLayer: see the 'rows' response in protocol/messages.ts (rows while layers load, failed layers). */
  rows(imageId: string, view: TreeView, start: number, count: number, signal?: AbortSignal): Promise<{ total: number; start: number; rows: readonly TreeRowOut[]; partial?: boolean; asOfLayer?: number; loading?: { layer: number; entries: number } }>;
  file(imageId: string, path: string, layer: number, maxBytes: number, signal?: AbortSignal): Promise<{ path: string; size: number; truncated: boolean; bytes: Uint8Array }>;
  whiteouts(imageId: string, layer: number, signal?: AbortSignal): Promise<readonly WhiteoutRow[]>;
  /** Compares image B against image A (both open): shared layers, first difference, a window of the file diff. */
  compare(imageIdA: string, imageIdB: string, filter: CompareFilter, start: number, count: number, signal?: AbortSignal): Promise<CompareAnswer>;
  /** Manifest and config of an image, without reading a layer; nothing stays open. */
  describe(source: ImageSourceSpec, signal?: AbortSignal): Promise<ImageInfo>;
  /** Runs commands in a simulated container on the loaded image, once per lane (1–3). */
  simulate(imageId: string, lanes: readonly SimulationLane[], commands: readonly string[], signal?: AbortSignal): Promise<readonly SimulationOut[]>;
  layout(imageId: string, lane: SimulationLane, commands: readonly string[], expand: boolean, signal?: AbortSignal): Promise<LayoutOut>;
  /** Commits the container: archive bytes to download, or a push to this server's registry. */
  commit(imageId: string, lane: SimulationLane, commands: readonly string[], output: CommitOutput, signal?: AbortSignal): Promise<{ commit: CommitOut; archive: Uint8Array | null }>;
  close(imageId: string): void;
  clearCache(): Promise<void>;
};
