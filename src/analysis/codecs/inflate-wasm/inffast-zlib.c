/* zlib's own inflate_fast() under another name (build-inflate-wasm.sh): inffast-wasm.c calls it near buffer ends. */
#define inflate_fast inflate_fast_zlib
#include "inffast.c"
