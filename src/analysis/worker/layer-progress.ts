// Per-layer progress as the page sees it (worker side): byte counts, entries, a rate over the last second and the
// final status, throttled to at most five `layer` events a second per layer (DESIGN.md "Batch results").
import type { LayerState } from '../../protocol/messages.ts';
import type { Compression } from '../sniff.ts';

export const MIN_EVENT_INTERVAL_MS = 200;
const RATE_WINDOW_MS = 1000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class LayerProgress {
  private readonly state: Mutable<LayerState>;
  private lastSent = -Infinity;
  private readonly samples: { t: number; bytes: number }[] = [];

  constructor(index: number, totalBytes: number | null, private readonly now: () => number) {
    this.state = {
      index, status: 'queued', compressedBytes: 0, uncompressedBytes: 0, totalBytes, entries: 0, rate: 0,
      compression: null, error: null, warnings: [], stats: null,
    };
  }

  get status(): LayerState['status'] {
    return this.state.status;
  }

  snapshot(): LayerState {
    return { ...this.state, warnings: [...this.state.warnings] };
  }

  /** Records bytes read so far; returns true when an event is due (throttled). */
  update(compressedBytes: number, uncompressedBytes?: number, entries?: number): boolean {
    const s = this.state;
    s.status = 'loading';
    s.compressedBytes = compressedBytes;
    if (uncompressedBytes !== undefined) s.uncompressedBytes = uncompressedBytes;
    if (entries !== undefined) s.entries = entries;
    const t = this.now();
    this.samples.push({ t, bytes: compressedBytes });
    while (this.samples.length > 2 && this.samples[1]!.t <= t - RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    s.rate = t > first.t ? Math.round(((compressedBytes - first.bytes) * 1000) / (t - first.t)) : s.rate;
    if (t - this.lastSent < MIN_EVENT_INTERVAL_MS) return false;
    this.lastSent = t;
    return true;
  }

  finish(result: {
    status: LayerState['status']; compressedBytes: number; uncompressedBytes: number; entries: number; compression: Compression | null;
    error?: { code: string; message: string } | undefined; warnings: readonly { code: string; message: string }[];
  }): void {
    const s = this.state;
    s.status = result.status;
    s.compressedBytes = result.compressedBytes;
    s.uncompressedBytes = result.uncompressedBytes;
    s.entries = result.entries;
    s.compression = result.compression;
    s.error = result.error ?? null;
    s.warnings = [...result.warnings];
    s.rate = 0;
    this.lastSent = this.now();
  }

  warn(code: string, message: string): void {
    this.state.warnings = [...this.state.warnings, { code, message }];
  }

  setStats(stats: LayerState['stats']): void {
    this.state.stats = stats;
  }
}
