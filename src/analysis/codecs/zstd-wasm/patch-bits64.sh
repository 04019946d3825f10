#!/usr/bin/env bash
# Patches libzstd's decoder sources (in place, a scratch copy made by build-zstd-wasm.sh) so that on wasm32 it reads
# its bitstreams 64 bits at a time, as on a 64-bit CPU. WebAssembly has native i64 arithmetic, but size_t is 32 bits,
# so upstream picks its 32-bit paths: a 32-bit bit container with extra reloads per sequence, fewer Huffman symbols
# per reload, and no fast 4-stream Huffman loop. Only bit-container choices change; pointer-width choices (size_t,
# the 32-bit overflow guard in ZSTD_execSequence, the prefetch heuristic) stay. Every edit is counted first, so a
# different libzstd version fails here instead of building something half-patched. Usage: patch-bits64.sh LIBDIR
set -euo pipefail
lib="$1"
expect() { # expect FIXED-STRING FILE COUNT
  local n
  n=$(grep -cF -- "$1" "$2" || true)
  if [ "$n" != "$3" ]; then echo "patch-bits64: expected $3 line(s) with '$1' in $2, found $n" >&2; exit 1; fi
}

# The bit container itself: U64 instead of size_t, loaded with 64-bit little-endian reads.
b="$lib/common/bitstream.h"
expect 'typedef size_t BitContainerType;' "$b" 1
expect 'MEM_STATIC size_t BIT_readBitsFast(' "$b" 1
expect 'MEM_readLEST(' "$b" 3
expect 'MEM_writeLEST(' "$b" 2
expect 'MEM_32bits()' "$b" 1
expect '#if defined(__x86_64__) || defined(_M_X64)' "$b" 1
sed -i -e 's/typedef size_t BitContainerType;/typedef U64 BitContainerType;/' \
  -e 's/MEM_STATIC size_t BIT_readBitsFast(/MEM_STATIC BitContainerType BIT_readBitsFast(/' \
  -e 's/MEM_readLEST(/MEM_readLE64(/g' -e 's/MEM_writeLEST(/MEM_writeLE64(/g' -e 's/MEM_32bits()/0/g' \
  -e 's/^#if defined(__x86_64__) || defined(_M_X64)$/#if defined(__x86_64__) || defined(_M_X64) || defined(__wasm__)/' "$b"

# Huffman: the 64-bit symbol-per-reload counts, and the fast 4-stream loops (they already use U64 containers;
# only their set-up read size_t). sizeof(size_t) there sizes a bit container or a 64-bit mode output margin.
h="$lib/decompress/huf_decompress.c"
expect 'MEM_32bits()' "$h" 4
expect 'MEM_64bits()' "$h" 5
expect 'MEM_readLEST(' "$h" 2
expect 'sizeof(size_t)' "$h" 6
expect 'static size_t HUF_initFastDStream(' "$h" 1
expect 'size_t const value = MEM_readLEST(ip) | 1;' "$h" 1
sed -i -e 's/MEM_32bits()/0/g' -e 's/MEM_64bits()/1/g' \
  -e 's/static size_t HUF_initFastDStream(/static U64 HUF_initFastDStream(/' \
  -e 's/size_t const value = MEM_readLEST(ip) | 1;/U64 const value = MEM_readLE64(ip) | 1;/' \
  -e 's/MEM_readLEST(/MEM_readLE64(/g' -e 's/sizeof(size_t)/sizeof(U64)/g' "$h"

# Sequences: no mid-sequence reloads, no long-offset path. Kept 32-bit: the match-length overflow guard and the
# prefetch heuristic (both about addresses, not bits). ZSTD_maxShortOffset's 32-bit branch, now dead, keeps a
# shift that fits 32 bits, so it compiles without a warning.
z="$lib/decompress/zstd_decompress_block.c"
expect 'MEM_32bits()' "$z" 8
expect 'MEM_64bits()' "$z" 4
expect '(MEM_32bits() && (size_t)(oend - op) < sequenceLength + WILDCOPY_OVERLENGTH)' "$z" 2
expect 'U32 const minShare = MEM_64bits() ? 7 : 20;' "$z" 1
expect '((size_t)1 << (STREAM_ACCUMULATOR_MIN + 1))' "$z" 1
sed -i -e 's/(MEM_32bits() && (size_t)(oend - op) < sequenceLength/(KEEP_MEM_32bits \&\& (size_t)(oend - op) < sequenceLength/' \
  -e 's/minShare = MEM_64bits() ?/minShare = KEEP_MEM_64bits ?/' \
  -e 's/((size_t)1 << (STREAM_ACCUMULATOR_MIN + 1))/((size_t)1 << (STREAM_ACCUMULATOR_MIN_32 + 1))/' \
  -e 's/MEM_32bits()/0/g' -e 's/MEM_64bits()/1/g' -e 's/KEEP_MEM_32bits/MEM_32bits()/g' -e 's/KEEP_MEM_64bits/MEM_64bits()/g' "$z"
expect 'MEM_32bits()' "$z" 2
expect 'MEM_64bits()' "$z" 1
