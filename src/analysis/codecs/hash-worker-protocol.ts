// Messages between the analysis worker and its hash worker(s) (both worker side): several hash streams share one
// hash worker, each named by an id; every `update` is acknowledged with its byte count so the sender can bound
// the bytes in flight. Types and the hash worker's message handler (hash-wasm SHA-256/512, in that worker's thread).
import type { DigestAlgorithm } from '../../core/oci/digest.ts';
import { createSha256Web, createSha512Web, type SyncHash } from './sha256-web.ts';

export type HashRequest =
  | { readonly op: 'start'; readonly id: number; readonly algorithm: DigestAlgorithm }
  | { readonly op: 'update'; readonly id: number; readonly chunks: readonly Uint8Array[] }
  | { readonly op: 'digest'; readonly id: number }
  | { readonly op: 'drop'; readonly id: number };

export type HashReply =
  | { readonly op: 'ack'; readonly id: number; readonly bytes: number }
  | { readonly op: 'digest'; readonly id: number; readonly hex: string }
  | { readonly op: 'error'; readonly id: number; readonly message: string };

/** The hash worker's side: one hash-wasm hasher per stream id; answers through `post`. */
export function createHashWorkerHandler(post: (reply: HashReply) => void): (request: HashRequest) => void {
  const streams = new Map<number, Promise<SyncHash>>();
  const fail = (id: number, e: unknown) => post({ op: 'error', id, message: e instanceof Error ? e.message : String(e) });
  // Messages for one id are handled in order: each waits for the hasher its `start` created.
  return (request) => {
    const { id } = request;
    switch (request.op) {
      case 'start': {
        const created = request.algorithm === 'sha512' ? createSha512Web() : createSha256Web();
        created.catch(() => undefined);
        streams.set(id, created);
        return;
      }
      case 'update': {
        const stream = streams.get(id);
        if (!stream) return fail(id, `hash stream ${id} is not open`);
        void stream.then((h) => {
          let bytes = 0;
          for (const c of request.chunks) {
            h.update(c);
            bytes += c.byteLength;
          }
          post({ op: 'ack', id, bytes });
        }, (e: unknown) => fail(id, e));
        return;
      }
      case 'digest': {
        const stream = streams.get(id);
        streams.delete(id);
        if (!stream) return fail(id, `hash stream ${id} is not open`);
        void stream.then((h) => post({ op: 'digest', id, hex: h.digestHex() }), (e: unknown) => fail(id, e));
        return;
      }
      case 'drop':
        streams.delete(id);
        return;
    }
  };
}
