// Member-aware gzip decoding on the platform's DecompressionStream (worker side). A spec stream decodes one
// member and errors on anything after it, so every member gets its own stream: we find where a member may
// end by scanning for a plausible next header, and accept the boundary only when the output so far equals
// the ISIZE in the 4 bytes before it; closing the stream then confirms it (zlib has checked CRC and ISIZE).
import type { CheckpointCollector } from './gzip-checkpoints.ts';
import { throwIfAborted } from './abort.ts';
import { CodecError } from './codec-error.ts';
import { DsMember, MAX_PIECE, type StreamPair } from './ds-member.ts';
import { createMagicScanner } from './gzip-magic-scan.ts';
import { HEADER_PROBE_BYTES, MIN_MEMBER_BYTES, hasGzipMagic, mayStartMember, toGzipError, warnTrailingZeros } from './gzip-members.ts';

/** `checkpoints`: where a back end that can records the layer's random-access checkpoints (gzip-checkpoints.ts). */
export type GunzipOptions = { signal?: AbortSignal; onWarning?: (code: string, message: string) => void; checkpoints?: CheckpointCollector | undefined };

/** How many held-back bytes at the end are fed one at a time while looking for the last trailer. */
const EOF_STEP_LIMIT = 64;
const ZEROS = new Uint8Array(MAX_PIECE);

/** Decodes a gzip stream of one or more members; createStream returns a fresh `DecompressionStream('gzip')`. */
export async function* gunzipWithStreams(input: AsyncIterable<Uint8Array>, options: GunzipOptions, createStream: () => StreamPair): AsyncGenerator<Uint8Array, void, undefined> {
  const { signal, onWarning } = options;
  let member: DsMember | undefined;
  let memberIndex = 0;
  let memberStart = 0;
  let offset = 0; // bytes fed so far = stream offset of the next byte to feed
  const recent = new Uint8Array(8); // the last 8 bytes fed: a candidate's CRC32 and ISIZE
  let held: Uint8Array | undefined; // unfed bytes at the end of the input so far that may start a header
  let heldZeros = 0; // unfed zero bytes at the end of the input so far (they come before `held`)
  const findMagic = await createMagicScanner();

  async function* feed(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
    for (let at = 0; at < bytes.length; at += MAX_PIECE) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + MAX_PIECE));
      const m = member!;
      try {
        await m.write(piece);
      } catch (e) {
        yield* m.takeReady();
        throw toGzipError(e, `in member ${memberIndex + 1} (starting at offset ${memberStart}) near offset ${offset}`);
      }
      remember(piece);
      offset += piece.length;
      yield* m.takeReady();
    }
  }

  async function* feedZeros(count: number): AsyncGenerator<Uint8Array, void, undefined> {
    for (let left = count; left > 0; left -= MAX_PIECE) yield* feed(ZEROS.subarray(0, Math.min(left, MAX_PIECE)));
  }

  function remember(piece: Uint8Array): void {
    const n = piece.length;
    if (n >= 8) {
      recent.set(piece.subarray(n - 8));
    } else {
      recent.copyWithin(0, n);
      recent.set(piece, 8 - n);
    }
  }

  /**
   * Whether the current member can end at `offset`: its full output matches the ISIZE just before. Only an
   * ISIZE of 0 can also match one byte later (zeros shift in), so an empty member must show CRC32("") = 0 too.
   */
  async function endsHere(): Promise<boolean> {
    if (offset - memberStart < MIN_MEMBER_BYTES) return false;
    const m = member!;
    try {
      await m.settle();
    } catch {
      return false; // the stream failed; feeding or closing reports it
    }
    const isize = (recent[4]! | (recent[5]! << 8) | (recent[6]! << 16) | (recent[7]! << 24)) >>> 0;
    if (m.outBytes >>> 0 !== isize) return false;
    return isize !== 0 || (recent[0]! | recent[1]! | recent[2]! | recent[3]!) === 0;
  }

  async function* closeMember(): AsyncGenerator<Uint8Array, void, undefined> {
    const m = member!;
    try {
      await m.close();
    } catch (e) {
      yield* m.takeReady();
      throw toGzipError(e, `at the end of member ${memberIndex + 1} (offset ${memberStart}-${offset})`);
    }
    yield* m.takeReady();
    memberIndex++;
    member = undefined;
  }

  function startMember(): void {
    member = new DsMember(createStream());
    memberStart = offset;
  }

  try {
    for await (const chunk of input) {
      throwIfAborted(signal);
      if (chunk.length === 0) continue;
      let buf = chunk;
      if (held) {
        buf = new Uint8Array(held.length + chunk.length);
        buf.set(held);
        buf.set(chunk, held.length);
        held = undefined;
      }
      if (!member && memberIndex === 0) {
        if (buf.length < 2) {
          held = buf.slice();
          continue;
        }
        if (!hasGzipMagic(buf)) throw new CodecError('GZIP_CORRUPT', 'not a gzip stream (no 1f 8b magic at offset 0)');
        startMember();
      }
      // Hold back a possible header start in the last bytes (judged when more arrives) or else trailing zeros
      // (padding after the last member, hardening T23, is only recognisable at the end).
      let feedEnd = buf.length;
      for (let t = Math.max(0, buf.length - (HEADER_PROBE_BYTES - 1)); t < buf.length; t++) {
        if (mayStartMember(buf, t)) {
          feedEnd = t;
          break;
        }
      }
      let zerosHere = 0;
      if (feedEnd === buf.length) {
        while (feedEnd > 0 && buf[feedEnd - 1] === 0) feedEnd--;
        zerosHere = buf.length - feedEnd;
      }
      if (feedEnd > 0 && heldZeros > 0) {
        const zeros = heldZeros;
        heldZeros = 0;
        yield* feedZeros(zeros);
      }
      let pos = 0;
      for (const p of findMagic(buf, feedEnd)) {
        if (p + HEADER_PROBE_BYTES > buf.length || !mayStartMember(buf, p)) continue;
        yield* feed(buf.subarray(pos, p));
        pos = p;
        throwIfAborted(signal);
        if (await endsHere()) {
          yield* closeMember();
          startMember();
        }
      }
      yield* feed(buf.subarray(pos, feedEnd));
      if (zerosHere > 0) heldZeros += zerosHere;
      else if (feedEnd < buf.length) held = buf.slice(feedEnd);
    }
    throwIfAborted(signal);
    if (!member) throw new CodecError('GZIP_TRUNCATED', 'gzip data truncated: the stream is empty or shorter than a gzip header');
    yield* finishLastMember();
  } finally {
    member?.cancel();
  }

  /** At the end of input: find where the last member ends among the held-back bytes, then judge what follows. */
  async function* finishLastMember(): AsyncGenerator<Uint8Array, void, undefined> {
    const tail = held ?? new Uint8Array(0);
    const rest = heldZeros + tail.length;
    const byteAt = (k: number): number => (k < heldZeros ? 0 : tail[k - heldZeros]!);
    for (let k = 0; ; k++) {
      if (await endsHere()) {
        yield* closeMember();
        if (k === rest) return;
        if (k >= heldZeros && mayStartMember(tail, k - heldZeros)) {
          throw new CodecError('GZIP_TRUNCATED', `gzip data truncated: the stream ends inside the header of member ${memberIndex + 1} at offset ${offset}`);
        }
        for (let i = k; i < rest; i++) {
          if (byteAt(i) !== 0) throw new CodecError('GZIP_TRAILING_DATA', `unexpected non-gzip data after gzip member ${memberIndex} at offset ${offset + (i - k)}`);
        }
        warnTrailingZeros(onWarning, rest - k, offset);
        return;
      }
      if (k >= rest || k >= EOF_STEP_LIMIT) {
        // No trailer found: feed the rest, and let the stream report truncation, corruption or junk.
        if (k < heldZeros) yield* feedZeros(heldZeros - k);
        yield* feed(tail.subarray(Math.max(0, k - heldZeros)));
        yield* closeMember();
        return;
      }
      yield* feed(Uint8Array.of(byteAt(k)));
    }
  }
}
