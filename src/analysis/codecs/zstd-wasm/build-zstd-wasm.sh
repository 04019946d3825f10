#!/usr/bin/env bash
# Builds the decompress-only libzstd WebAssembly module used by unzstd.ts (worker side) and writes it,
# base64-encoded, to ../zstd-wasm-binary.ts. Not part of `npm install`: the output is checked in.
# Needs the Debian packages wasm-build.sh names;
# libzstd's C sources come from the npm package zstd-napi (deps/zstd/lib), fetched with `npm pack`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../wasm-build.sh"
zstd_napi_version="${ZSTD_NAPI_VERSION:-0.0.13}" # bundles libzstd 1.5.7
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "zstd-napi@${zstd_napi_version}" >/dev/null && tar xzf zstd-napi-*.tgz)
lib="$work/package/deps/zstd/lib"
grep -q '#define ZSTD_VERSION_MINOR *5' "$lib/zstd.h"
# 64-bit bitstream reads on wasm32 (see the script): about 1.3x faster decoding than upstream's 32-bit paths.
bash "$here/patch-bits64.sh" "$lib"

# ZSTD_FORCE_DECOMPRESS_SEQUENCES_SHORT: libzstd's other sequence decoder exists to prefetch matches, a no-op here.
wasm_compile "$work/zstd.wasm" 1048576 268435456 \
  -DZSTD_DISABLE_ASM -DZSTD_LEGACY_SUPPORT=0 -DZSTD_MULTITHREAD=0 -DDEBUGLEVEL=0 \
  -DXXH_NAMESPACE=ZSTD_ -DZSTD_NO_TRACE -DZSTD_TRACE=0 \
  -DZSTD_FORCE_DECOMPRESS_SEQUENCES_SHORT \
  -I"$lib" -I"$lib/common" \
  "$lib/common/entropy_common.c" "$lib/common/error_private.c" "$lib/common/fse_decompress.c" \
  "$lib/common/zstd_common.c" "$lib/common/xxhash.c" \
  "$lib/decompress/huf_decompress.c" "$lib/decompress/zstd_ddict.c" \
  "$lib/decompress/zstd_decompress.c" "$lib/decompress/zstd_decompress_block.c" \
  "$here/zstd-glue.c"

version="$(grep -E '#define ZSTD_VERSION_(MAJOR|MINOR|RELEASE) ' "$lib/zstd.h" | awk '{print $3}' | paste -sd. -)"
wasm_emit_ts "$work/zstd.wasm" "$here/../zstd-wasm-binary.ts" ZSTD_WASM_BASE64 \
  "zstd-wasm/build-zstd-wasm.sh from libzstd $version (BSD licence) and zstd-glue.c" "Decompress-only libzstd"
