/* inffast-wasm.c -- zlib's inflate_fast() for WebAssembly (built by build-inflate-wasm.sh): a 64-bit bit buffer refilled
 * with one unaligned 8-byte load per symbol, and match copies in 16-byte SIMD chunks that may write up to 15 bytes
 * past a match (inside the output margin it keeps). Derived from zlib's inffast.c, Copyright (C) 1995-2017 Mark
 * Adler (zlib licence). Near the ends of the buffers it calls zlib's own inflate_fast, built as inflate_fast_zlib. */
#include <string.h>
#include <wasm_simd128.h>
#include "zutil.h"
#include "inftrees.h"
#include "inflate.h"
#include "inffast.h"

void ZLIB_INTERNAL inflate_fast_zlib(z_streamp strm, unsigned start);

#define IN_MARGIN 16u
#define OUT_MARGIN (258u + 16u)

typedef unsigned long long u64;

static inline u64 load64(const unsigned char *p) { u64 v; memcpy(&v, p, 8); return v; }

/* Indices that repeat the first d bytes over 16 lanes, and the largest multiple of d that is <= 16. */
static const unsigned char pattern_index[16][16] = {
  {0}, {0}, {0,1,0,1,0,1,0,1,0,1,0,1,0,1,0,1}, {0,1,2,0,1,2,0,1,2,0,1,2,0,1,2,0},
  {0,1,2,3,0,1,2,3,0,1,2,3,0,1,2,3}, {0,1,2,3,4,0,1,2,3,4,0,1,2,3,4,0}, {0,1,2,3,4,5,0,1,2,3,4,5,0,1,2,3},
  {0,1,2,3,4,5,6,0,1,2,3,4,5,6,0,1}, {0,1,2,3,4,5,6,7,0,1,2,3,4,5,6,7}, {0,1,2,3,4,5,6,7,8,0,1,2,3,4,5,6},
  {0,1,2,3,4,5,6,7,8,9,0,1,2,3,4,5}, {0,1,2,3,4,5,6,7,8,9,10,0,1,2,3,4}, {0,1,2,3,4,5,6,7,8,9,10,11,0,1,2,3},
  {0,1,2,3,4,5,6,7,8,9,10,11,12,0,1,2}, {0,1,2,3,4,5,6,7,8,9,10,11,12,13,0,1}, {0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,0},
};
static const unsigned char pattern_step[16] = {0, 16, 16, 15, 16, 15, 12, 14, 16, 9, 10, 11, 12, 13, 14, 15};

/* Copies len (>= 1) bytes from out - dist to out; may write up to 15 bytes past out + len. */
static inline unsigned char *copy_match(unsigned char *out, unsigned dist, unsigned len) {
  unsigned char *stop = out + len;
  const unsigned char *from = out - dist;
  if (dist >= 16) {
    do {
      wasm_v128_store(out, wasm_v128_load(from));
      out += 16;
      from += 16;
    } while (out < stop);
  } else if (dist == 1) {
    v128_t v = wasm_i8x16_splat((signed char)from[0]);
    do {
      wasm_v128_store(out, v);
      out += 16;
    } while (out < stop);
  } else {
    v128_t v = wasm_i8x16_swizzle(wasm_v128_load(from), wasm_v128_load(pattern_index[dist]));
    unsigned step = pattern_step[dist];
    do {
      wasm_v128_store(out, v);
      out += step;
    } while (out < stop);
  }
  return stop;
}

void ZLIB_INTERNAL inflate_fast(z_streamp strm, unsigned start) {
  if (strm->avail_in < IN_MARGIN + 8 || strm->avail_out < OUT_MARGIN + 258) {
    inflate_fast_zlib(strm, start);
    return;
  }
  struct inflate_state FAR *state = (struct inflate_state FAR *)strm->state;
  const unsigned char *in = strm->next_in;
  const unsigned char *in_end = in + strm->avail_in;
  const unsigned char *last = in_end - IN_MARGIN; /* a refill reads 8 bytes at in while in < last */
  unsigned char *out = strm->next_out;
  unsigned char *beg = out - (start - strm->avail_out);
  unsigned char *out_end = out + strm->avail_out;
  unsigned char *end = out_end - OUT_MARGIN;
  unsigned wsize = state->wsize;
  unsigned whave = state->whave;
  unsigned wnext = state->wnext;
  unsigned char FAR *window = state->window;
  u64 hold = state->hold;
  unsigned bits = state->bits;
  code const FAR *lcode = state->lencode;
  code const FAR *dcode = state->distcode;
  unsigned lmask = (1U << state->lenbits) - 1;
  unsigned dmask = (1U << state->distbits) - 1;
  code here;
  unsigned op, len, dist;

  do {
    /* branchless refill: afterwards 56 <= bits <= 63, enough for a whole length/distance pair (48 bits) */
    hold |= load64(in) << bits;
    in += (63 - bits) >> 3;
    bits |= 56;
    here = lcode[hold & lmask];
    if (here.op == 0) { /* literal, and up to two more while bits suffice */
      hold >>= here.bits;
      bits -= here.bits;
      *out++ = (unsigned char)here.val;
      here = lcode[hold & lmask];
      if (here.op == 0) {
        hold >>= here.bits;
        bits -= here.bits;
        *out++ = (unsigned char)here.val;
        here = lcode[hold & lmask];
        if (here.op == 0) {
          hold >>= here.bits;
          bits -= here.bits;
          *out++ = (unsigned char)here.val;
          continue;
        }
      }
      if (bits < 48) continue; /* refill before a length/distance pair */
    }
  dolen:
    op = here.bits;
    hold >>= op;
    bits -= op;
    op = here.op;
    if (op == 0) {
      *out++ = (unsigned char)here.val;
    } else if (op & 16) { /* length base */
      len = here.val;
      op &= 15;
      if (op) {
        len += (unsigned)hold & ((1U << op) - 1);
        hold >>= op;
        bits -= op;
      }
      here = dcode[hold & dmask];
    dodist:
      op = here.bits;
      hold >>= op;
      bits -= op;
      op = here.op;
      if (op & 16) { /* distance base */
        dist = here.val;
        op &= 15;
        dist += (unsigned)hold & ((1U << op) - 1);
        hold >>= op;
        bits -= op;
        op = (unsigned)(out - beg); /* max distance in output */
        if (dist > op) { /* copy from window */
          op = dist - op; /* distance back in window */
          if (op > whave) {
            if (state->sane) {
              strm->msg = (char *)"invalid distance too far back";
              state->mode = BAD;
              break;
            }
          }
          /* The op bytes before the output's start end at window[wnext], wrapping round the window's end: copy
           * what the match takes from there (up to two pieces), then the rest from the output itself. */
          const unsigned char *from = window + (wnext >= op ? wnext - op : wsize + wnext - op);
          unsigned n = op < len ? op : len;
          unsigned first = wnext >= op || op - wnext > n ? n : op - wnext;
          memcpy(out, from, first);
          memcpy(out + first, window, n - first);
          out += n;
          if (len > n) out = copy_match(out, dist, len - n);
        } else {
          out = copy_match(out, dist, len);
        }
      } else if ((op & 64) == 0) { /* 2nd level distance code */
        here = dcode[here.val + (hold & ((1U << op) - 1))];
        goto dodist;
      } else {
        strm->msg = (char *)"invalid distance code";
        state->mode = BAD;
        break;
      }
    } else if ((op & 64) == 0) { /* 2nd level length code */
      here = lcode[here.val + (hold & ((1U << op) - 1))];
      goto dolen;
    } else if (op & 32) { /* end-of-block */
      state->mode = TYPE;
      break;
    } else {
      strm->msg = (char *)"invalid literal/length code";
      state->mode = BAD;
      break;
    }
  } while (in < last && out < end);

  /* return whole unused bytes; keep only the valid low bits */
  len = bits >> 3;
  in -= len;
  bits -= len << 3;
  hold &= (1ULL << bits) - 1;
  strm->next_in = (Bytef *)in;
  strm->next_out = out;
  strm->avail_in = (unsigned)(in_end - in);
  strm->avail_out = (unsigned)(out_end - out);
  state->hold = (unsigned long)hold;
  state->bits = bits;
}
