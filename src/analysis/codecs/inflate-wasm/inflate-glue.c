/* The WebAssembly face of zlib's streaming inflate for gunzip-inflate-wasm.ts (worker side): one gzip stream per
 * instance (windowBits 31: gzip wrapper only, CRC32 and ISIZE checked by zlib), fixed input and output buffers in
 * linear memory, and a state block the caller reads after each step. Built by build-inflate-wasm.sh. */
#include <string.h>
#include "zlib.h"

#define IN_CAP (64u * 1024u)
#define OUT_CAP (1024u * 1024u)

static z_stream strm;
static unsigned char in_buf[IN_CAP];
static unsigned char out_buf[OUT_CAP];
static unsigned char window_buf[32768];
/* [0] input position after the last step, [1] output bytes waiting in out_buf, [2] zlib's data_type after it */
static unsigned state[3];

__attribute__((export_name("inf_in_ptr"))) unsigned char *inf_in_ptr(void) { return in_buf; }
__attribute__((export_name("inf_out_ptr"))) unsigned char *inf_out_ptr(void) { return out_buf; }
__attribute__((export_name("inf_state_ptr"))) unsigned *inf_state_ptr(void) { return state; }
__attribute__((export_name("inf_window_ptr"))) unsigned char *inf_window_ptr(void) { return window_buf; }
__attribute__((export_name("inf_in_cap"))) unsigned inf_in_cap(void) { return IN_CAP; }
__attribute__((export_name("inf_out_cap"))) unsigned inf_out_cap(void) { return OUT_CAP; }

/* Z_OK or a negative zlib status. */
__attribute__((export_name("inf_init"))) int inf_init(void) {
  memset(&strm, 0, sizeof strm);
  state[0] = state[1] = state[2] = 0;
  return inflateInit2(&strm, 15 + 16);
}

/* Starts the next gzip member (output still waiting in out_buf stays). */
__attribute__((export_name("inf_reset"))) int inf_reset(void) { return inflateReset(&strm); }

/* Inflates in_buf[in_pos, in_size) into the free part of out_buf; returns zlib's status. With `block` set it stops
 * at the next deflate block boundary (Z_BLOCK), where data_type says how many bits of the last byte are unused. */
__attribute__((export_name("inf_step"))) int inf_step(unsigned in_size, unsigned in_pos, int block) {
  strm.next_in = in_buf + in_pos;
  strm.avail_in = in_size - in_pos;
  strm.next_out = out_buf + state[1];
  strm.avail_out = OUT_CAP - state[1];
  int rc = inflate(&strm, block ? Z_BLOCK : Z_NO_FLUSH);
  state[0] = (unsigned)(strm.next_in - in_buf);
  state[1] = (unsigned)(strm.next_out - out_buf);
  state[2] = (unsigned)strm.data_type;
  return rc;
}

/* Copies the member's last (up to) 32 KiB of output, oldest first, to window_buf; returns its length. */
__attribute__((export_name("inf_window"))) unsigned inf_window(void) {
  uInt len = 0;
  if (inflateGetDictionary(&strm, window_buf, &len) != Z_OK) return 0;
  return len;
}

/* Marks the waiting output as taken. */
__attribute__((export_name("inf_out_clear"))) void inf_out_clear(void) { state[1] = 0; }

/* zlib's message for the last error, or "". */
__attribute__((export_name("inf_msg"))) const char *inf_msg(void) { return strm.msg ? strm.msg : ""; }
