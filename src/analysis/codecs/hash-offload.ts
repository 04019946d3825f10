// SHA-256/512 on a second thread (analysis worker side): hash streams are sent to a small pool of hash workers
// as batches of transferred chunks, so the digest (compressed bytes) and diffId (uncompressed bytes) are hashed
// while this thread decompresses and walks the tar. Bytes in flight per stream are bounded (acks), a worker
// failure fails its streams with HASH_WORKER_FAILED, and dispose() drops an unfinished stream.
import type { DigestAlgorithm } from '../../core/oci/digest.ts';
import type { IncrementalHash } from '../codecs.ts';
import { CodecError } from './codec-error.ts';
import { NestedWorkerSlots, type NestedWorker } from '../nested-worker.ts';
import type { HashReply, HashRequest } from './hash-worker-protocol.ts';

/** What the pool needs of a Worker (tests pass a fake). */
export type HashPort = NestedWorker;

/** Chunks are posted once this many bytes are batched (fewer, larger messages). */
export const BATCH_BYTES = 1024 * 1024;
/** Owned chunks at least this big are transferred without a copy (measured: cheaper than copying 16–64 KiB chunks). */
export const TRANSFER_MIN_BYTES = 8 * 1024;
/** An update waits while more than this many bytes of its stream are posted but not yet hashed. */
export const MAX_IN_FLIGHT_BYTES = 32 * 1024 * 1024;

export class HashWorkerPool {
  private readonly workers: NestedWorkerSlots<OffloadedHash, HashReply>;
  private nextId = 1;

  constructor(create: () => HashPort, size = 2) {
    this.workers = new NestedWorkerSlots(create, size, (stream, reply) => stream.receive(reply), (streams, why) => {
      for (const s of streams) s.fail(why);
    });
  }

  /** A hash stream on the least busy worker (a new one while the pool is below its size). */
  open(algorithm: DigestAlgorithm): IncrementalHash {
    const slot = this.workers.pick();
    const id = this.nextId++;
    const stream = new OffloadedHash(id, slot.port, () => slot.jobs.delete(id));
    slot.jobs.set(id, stream);
    slot.port.postMessage({ op: 'start', id, algorithm } satisfies HashRequest);
    return stream;
  }

  /** Terminates every hash worker; their open streams fail. */
  terminate(): void {
    this.workers.terminate('the hash worker was stopped');
  }
}

class OffloadedHash implements IncrementalHash {
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private staging: Uint8Array | undefined;
  private stagingFill = 0;
  private inFlight = 0;
  private error: CodecError | undefined;
  private done = false;
  private released = false;
  private waiter: { resolve(): void; reject(e: Error): void } | undefined;
  private digest: { resolve(hex: string): void; reject(e: Error): void } | undefined;

  constructor(private readonly id: number, private readonly port: HashPort, private readonly onRelease: () => void) {}

  private release(): void {
    this.released = true;
    this.onRelease();
  }

  update(bytes: Uint8Array, owned = false): void | Promise<void> {
    if (this.error) throw this.error;
    if (this.done) throw new Error('hash stream already finished');
    if (bytes.byteLength === 0) return;
    // A chunk that owns its whole (non-shared) buffer is transferred as is; borrowed or tiny ones are copied into
    // a 1 MiB staging buffer that is transferred when full (one transfer per MiB instead of one per small chunk).
    const whole = owned && bytes.byteLength >= TRANSFER_MIN_BYTES && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    if (whole) {
      this.flushStaging();
      this.batch.push(bytes);
      this.batchBytes += bytes.byteLength;
    } else {
      for (let at = 0; at < bytes.byteLength;) {
        this.staging ??= new Uint8Array(BATCH_BYTES);
        const n = Math.min(bytes.byteLength - at, BATCH_BYTES - this.stagingFill);
        this.staging.set(n === bytes.byteLength ? bytes : bytes.subarray(at, at + n), this.stagingFill);
        this.stagingFill += n;
        at += n;
        if (this.stagingFill === BATCH_BYTES) this.flushStaging();
      }
    }
    if (this.batchBytes >= BATCH_BYTES) this.flush();
    if (this.inFlight <= MAX_IN_FLIGHT_BYTES) return;
    return new Promise<void>((resolve, reject) => { this.waiter = { resolve, reject }; });
  }

  digestHex(): Promise<string> {
    if (this.error) return Promise.reject(this.error);
    if (this.done) return Promise.reject(new Error('hash stream already finished'));
    this.flush();
    this.done = true;
    const result = new Promise<string>((resolve, reject) => { this.digest = { resolve, reject }; });
    this.port.postMessage({ op: 'digest', id: this.id } satisfies HashRequest);
    return result;
  }

  dispose(): void {
    if (this.released) return;
    this.done = true;
    this.batch = [];
    this.staging = undefined;
    if (!this.error) this.port.postMessage({ op: 'drop', id: this.id } satisfies HashRequest);
    const d = this.digest;
    this.digest = undefined;
    d?.reject(new Error('hash stream disposed before its digest'));
    this.release();
  }

  receive(reply: HashReply): void {
    if (reply.op === 'ack') {
      this.inFlight -= reply.bytes;
      if (this.waiter && this.inFlight <= MAX_IN_FLIGHT_BYTES / 2) {
        const w = this.waiter;
        this.waiter = undefined;
        w.resolve();
      }
    } else if (reply.op === 'digest') {
      const d = this.digest;
      this.digest = undefined;
      this.release();
      d?.resolve(reply.hex);
    } else this.fail(reply.message);
  }

  fail(why: string): void {
    this.error ??= new CodecError('HASH_WORKER_FAILED', `the hash worker failed: ${why}; the layer could not be verified — open the image again`);
    const w = this.waiter;
    const d = this.digest;
    this.waiter = undefined;
    this.digest = undefined;
    w?.reject(this.error);
    d?.reject(this.error);
    this.release();
  }

  private flushStaging(): void {
    if (this.staging === undefined || this.stagingFill === 0) return;
    this.batch.push(this.staging.subarray(0, this.stagingFill));
    this.batchBytes += this.stagingFill;
    this.staging = undefined;
    this.stagingFill = 0;
  }

  private flush(): void {
    this.flushStaging();
    if (this.batch.length === 0) return;
    const chunks = this.batch;
    const transfer = [...new Set(chunks.map((c) => c.buffer as ArrayBuffer))];
    this.inFlight += this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.port.postMessage({ op: 'update', id: this.id, chunks } satisfies HashRequest, transfer);
  }
}
