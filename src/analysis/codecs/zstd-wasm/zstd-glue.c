/* Decompress-only libzstd streaming glue for WebAssembly (worker side, built by build-zstd-wasm.sh).
 * One decoder per module instance: JS copies compressed bytes into zs_in and calls zs_step, which appends to
 * zs_out; JS copies zs_out out once it is full (or at the end), so output leaves in OUT_CAP pieces.
 * Window limit: ZSTD_d_windowLogMax, so an oversized frame fails before any window allocation.
 * Also exports the XXH64 that libzstd bundles (seed 0), used as the per-file content hash, and a SIMD
 * search for the gzip member magic 1f 8b 08 used by gunzip-streams.ts to find possible member starts. */
#define ZSTD_STATIC_LINKING_ONLY
#define XXH_STATIC_LINKING_ONLY
#include "zstd.h"
#include "zstd_errors.h"
#include "xxhash.h"
#include <stdlib.h>
#include <wasm_simd128.h>

#define IN_CAP (256u * 1024u)
#define OUT_CAP (512u * 1024u)

static unsigned char zs_in[IN_CAP];
static unsigned char zs_out[OUT_CAP];
static ZSTD_DCtx *dctx;
/* state[0] = input consumed, state[1] = end of the output in zs_out, read by JS after each zs_step */
static unsigned int state[2];

__attribute__((export_name("zs_in_ptr"))) unsigned char *zs_in_ptr(void) { return zs_in; }
__attribute__((export_name("zs_out_ptr"))) unsigned char *zs_out_ptr(void) { return zs_out; }
__attribute__((export_name("zs_state_ptr"))) unsigned int *zs_state_ptr(void) { return state; }
__attribute__((export_name("zs_in_cap"))) unsigned int zs_in_cap(void) { return IN_CAP; }
__attribute__((export_name("zs_out_cap"))) unsigned int zs_out_cap(void) { return OUT_CAP; }

/* Returns 0 on success, else a ZSTD_ErrorCode. */
__attribute__((export_name("zs_init"))) int zs_init(int window_log_max) {
  if (dctx == 0) dctx = ZSTD_createDCtx();
  if (dctx == 0) return ZSTD_error_memory_allocation;
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters);
  size_t r = ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, window_log_max);
  return ZSTD_isError(r) ? (int)ZSTD_getErrorCode(r) : 0;
}

/* Decodes from zs_in[in_pos, in_size) into zs_out[out_pos, OUT_CAP).
 * Returns -code on error, else 0 when a frame is complete and flushed, 1 when more input or output is due. */
__attribute__((export_name("zs_step"))) int zs_step(unsigned int in_size, unsigned int in_pos, unsigned int out_pos) {
  if (in_size > IN_CAP || in_pos > in_size || out_pos > OUT_CAP) return -(int)ZSTD_error_GENERIC;
  ZSTD_inBuffer in = { zs_in, in_size, in_pos };
  ZSTD_outBuffer out = { zs_out, OUT_CAP, out_pos };
  size_t r = ZSTD_decompressStream(dctx, &out, &in);
  state[0] = (unsigned int)in.pos;
  state[1] = (unsigned int)out.pos;
  if (ZSTD_isError(r)) return -(int)ZSTD_getErrorCode(r);
  return r == 0 ? 0 : 1;
}

__attribute__((export_name("zs_error_name"))) const char *zs_error_name(int code) {
  return ZSTD_getErrorString((ZSTD_ErrorCode)code);
}

#define HASH_CAP (64u * 1024u)
static unsigned char zs_hash_in[HASH_CAP];
static XXH64_state_t hash_state;
/* hash_out[0] = high 32 bits, hash_out[1] = low 32 bits of the last digest */
static unsigned int hash_out[2];

__attribute__((export_name("zs_hash_ptr"))) unsigned char *zs_hash_ptr(void) { return zs_hash_in; }
__attribute__((export_name("zs_hash_out_ptr"))) unsigned int *zs_hash_out_ptr(void) { return hash_out; }
__attribute__((export_name("zs_hash_cap"))) unsigned int zs_hash_cap(void) { return HASH_CAP; }
__attribute__((export_name("zs_hash_reset"))) void zs_hash_reset(void) { XXH64_reset(&hash_state, 0); }
__attribute__((export_name("zs_hash_update"))) void zs_hash_update(unsigned int len) { XXH64_update(&hash_state, zs_hash_in, len); }
__attribute__((export_name("zs_hash_digest"))) void zs_hash_digest(void) {
  XXH64_hash_t h = XXH64_digest(&hash_state);
  hash_out[0] = (unsigned int)(h >> 32);
  hash_out[1] = (unsigned int)h;
}

static unsigned char *scan_buf;
static unsigned int scan_cap;

/* Returns a buffer of at least cap bytes for zs_scan (reallocated only when it must grow), or 0. */
__attribute__((export_name("zs_scan_buffer"))) unsigned char *zs_scan_buffer(unsigned int cap) {
  if (cap > scan_cap) {
    free(scan_buf);
    scan_buf = malloc(cap + 16);
    scan_cap = scan_buf ? cap : 0;
  }
  return scan_buf;
}

/* First p >= from with scan_buf[p..p+2] = 1f 8b 08 and p + 3 <= len, or -1. */
__attribute__((export_name("zs_scan"))) int zs_scan(unsigned int len, unsigned int from) {
  const unsigned char *b = scan_buf;
  unsigned int i = from;
  const v128_t id1 = wasm_i8x16_splat(0x1f), id2 = wasm_i8x16_splat((char)0x8b), cm = wasm_i8x16_splat(8);
  for (; i + 18 <= len; i += 16) {
    v128_t hit = wasm_v128_and(wasm_i8x16_eq(wasm_v128_load(b + i), id1),
                               wasm_v128_and(wasm_i8x16_eq(wasm_v128_load(b + i + 1), id2),
                                             wasm_i8x16_eq(wasm_v128_load(b + i + 2), cm)));
    if (wasm_v128_any_true(hit)) return (int)(i + (unsigned int)__builtin_ctz(wasm_i8x16_bitmask(hit)));
  }
  for (; i + 3 <= len; i++) {
    if (b[i] == 0x1f && b[i + 1] == 0x8b && b[i + 2] == 8) return (int)i;
  }
  return -1;
}
