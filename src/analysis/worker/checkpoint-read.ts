// Reading one file of a gzip layer without re-streaming the layer (worker side): with the layer's checkpoint
// index (gzip-checkpoints.ts, zran), one Range request from the nearest checkpoint before the entry's tar header
// is inflated up to the file's end. Without an index yet, the view streams the layer through the recording
// inflater, answers as soon as the file is complete and records the rest of the index in the background.
import { KIND } from '../../core/layers/tar-header.ts';
import { TarReader } from '../../core/layers/tar-reader.ts';
import { DEFAULT_SPAN, GzipCheckpointRecorder, planRead, readFromCheckpoint } from '../codecs/gzip-checkpoints.ts';
import type { LayerJob } from '../layer-pipeline.ts';
import type { CheckpointStore } from './checkpoint-store.ts';

/** Where the entry sits in the uncompressed tar and how many of its bytes to return. */
export type EntrySpan = { readonly headerOffset: number; readonly size: number; readonly keep: number };

export type CheckpointReadStats = { readonly requests: number; readonly compressedBytes: number };

const recordings = new Map<string, Promise<void>>();

/** An uncompressed layer: the header and body are one plain range of the blob. */
export async function readRawRange(job: LayerJob, span: EntrySpan, signal: AbortSignal, onStats?: (s: CheckpointReadStats) => void): Promise<Uint8Array | undefined> {
  if (job.openRange === undefined) return undefined;
  const out = new Uint8Array(512 + span.keep);
  let filled = 0;
  for await (const c of job.openRange(span.headerOffset, span.headerOffset + out.length, signal)) {
    const n = Math.min(c.length, out.length - filled);
    out.set(c.subarray(0, n), filled);
    filled += n;
  }
  onStats?.({ requests: 1, compressedBytes: filled });
  return filled === out.length ? checkEntry(out, span) : undefined;
}

/** The background recording of `digest`'s index, if one is running (tests and the benchmark wait on it). */
export function checkpointRecording(digest: string): Promise<void> | undefined {
  return recordings.get(digest);
}

/** Header block + kept body bytes → the body, or undefined when the header is not the regular file expected. */
function checkEntry(bytes: Uint8Array, span: EntrySpan): Uint8Array | undefined {
  let match = false;
  const reader = new TarReader({
    onEntry: (e) => {
      match = e.kind === KIND.file && e.realSize === span.size;
      return false;
    },
    onBody: () => undefined,
    onEntryEnd: () => undefined,
    onWarning: () => undefined,
  });
  reader.push(bytes.subarray(0, 512));
  return match ? bytes.subarray(512, 512 + span.keep) : undefined;
}

/**
 * The entry's bytes read from the nearest checkpoint with one ranged read; 'no-index' when none is stored yet;
 * undefined when the source cannot read ranges or the bytes there are not the entry (the caller streams).
 */
export async function readViaCheckpoints(job: LayerJob, span: EntrySpan, store: CheckpointStore, signal: AbortSignal, onStats?: (s: CheckpointReadStats) => void): Promise<Uint8Array | 'no-index' | undefined> {
  if (job.digest === undefined || job.openRange === undefined) return undefined;
  const index = await store.get(job.digest).catch(() => undefined);
  if (!index) return 'no-index';
  if (span.headerOffset + 512 + span.keep > index.uncompressedBytes) return undefined;
  const plan = planRead(index, span.headerOffset, 512 + span.keep);
  let fetched = 0;
  const counted = (async function* (source: AsyncIterable<Uint8Array>) {
    for await (const c of source) {
      fetched += c.length;
      yield c;
    }
  })(job.openRange(plan.start, plan.end, signal));
  const bytes = await readFromCheckpoint(plan.from, counted, span.headerOffset, 512 + span.keep);
  onStats?.({ requests: 1, compressedBytes: fetched });
  return checkEntry(bytes, span);
}

/**
 * Streams the gzip layer from the start through the recording inflater: resolves with the entry's bytes as soon
 * as they are inflated (undefined if the header there is not the entry), keeps inflating to the end under
 * `recordSignal` and stores the checkpoint index. Resolves undefined at once if this layer is being recorded.
 */
export function readWhileRecording(job: LayerJob, span: EntrySpan, store: CheckpointStore, signal: AbortSignal, recordSignal: AbortSignal, checkpointSpan = DEFAULT_SPAN): Promise<Uint8Array | undefined> {
  const digest = job.digest;
  if (digest === undefined || recordings.has(digest)) return Promise.resolve(undefined);
  const want = 512 + span.keep;
  const out = new Uint8Array(want);
  let answer: { resolve(v: Uint8Array | undefined): void; reject(e: unknown): void } | undefined;
  const result = new Promise<Uint8Array | undefined>((resolve, reject) => { answer = { resolve, reject }; });
  const settle = (f: (a: NonNullable<typeof answer>) => void) => {
    const a = answer;
    answer = undefined;
    if (a) f(a);
  };
  // Before the answer the viewer's own cancel stops the work; after it, only closing the image does.
  const ctl = new AbortController();
  const stopOnCancel = () => { if (answer) ctl.abort(signal.reason); };
  const stopOnClose = () => ctl.abort(recordSignal.reason);
  signal.addEventListener('abort', stopOnCancel, { once: true });
  recordSignal.addEventListener('abort', stopOnClose, { once: true });
  const run = async () => {
    const recorder = new GzipCheckpointRecorder(checkpointSpan);
    let position = 0;
    let filled = 0;
    for await (const chunk of job.open(ctl.signal)) {
      ctl.signal.throwIfAborted();
      for (const piece of recorder.push(chunk)) {
        if (answer) {
          const lo = Math.max(0, span.headerOffset - position);
          const hi = Math.min(piece.length, span.headerOffset + want - position);
          if (hi > lo) {
            out.set(piece.subarray(lo, hi), filled);
            filled += hi - lo;
            if (filled === want) settle((a) => a.resolve(checkEntry(out, span)));
          }
        }
        position += piece.length;
      }
    }
    const index = recorder.finish();
    settle((a) => a.resolve(undefined));
    await store.put(digest, index);
  };
  const done = run().then(() => undefined, (e: unknown) => settle((a) => a.reject(e))).finally(() => {
    signal.removeEventListener('abort', stopOnCancel);
    recordSignal.removeEventListener('abort', stopOnClose);
    recordings.delete(digest);
  });
  recordings.set(digest, done);
  return result;
}
