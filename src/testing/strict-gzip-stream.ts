// A strict model of Chromium's DecompressionStream('gzip') on pako's low-level inflate, for Node tests and fuzzing
// of the stream-based gunzip (Node 20's own DecompressionStream is lenient and cannot stand in). Test kit.
import { ZStream, Z_BUF_ERROR, Z_STREAM_END, zlibInflate, zlibInflateInit2 } from 'pako';
import type { StreamPair } from '../analysis/codecs/ds-member.ts';

/**
 * A model of Chromium's DecompressionStream('gzip') (blink InflateTransformer): output is enqueued during the
 * transform, anything after the member is "Junk found after end of compressed data", and an unfinished member
 * is "Compressed input was truncated" at flush. Node 20's own stream is lenient, so it cannot stand in.
 */
export function createStrictGzipStream(): StreamPair {
  const strm = new ZStream();
  zlibInflateInit2(strm, 31);
  let ended = false;
  return new TransformStream<BufferSource, Uint8Array>({
    transform(chunk, controller) {
      const input = chunk as Uint8Array;
      if (ended) {
        if (input.length > 0) throw new TypeError('Junk found after end of compressed data.');
        return;
      }
      strm.input = input;
      strm.next_in = 0;
      strm.avail_in = input.length;
      for (;;) {
        strm.output = new Uint8Array(16384);
        strm.next_out = 0;
        strm.avail_out = 16384;
        const status = zlibInflate(strm, 0);
        if (status < 0 && status !== Z_BUF_ERROR) throw new TypeError(`The compressed data was not valid: ${strm.msg}.`);
        if (strm.next_out > 0) controller.enqueue(strm.output.subarray(0, strm.next_out));
        if (status === Z_STREAM_END) {
          ended = true;
          if (strm.avail_in > 0) throw new TypeError('Junk found after end of compressed data.');
          return;
        }
        if (strm.avail_out !== 0) return;
      }
    },
    flush() {
      if (!ended) throw new TypeError('Compressed input was truncated.');
    },
  });
}
