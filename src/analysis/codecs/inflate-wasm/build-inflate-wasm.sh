#!/usr/bin/env bash
# Builds the gzip inflater WebAssembly module used by gunzip-inflate-wasm.ts (worker side): zlib's streaming
# inflate with inffast-wasm.c as its fast loop, and inflate-glue.c. Writes it, base64-encoded, to
# ../inflate-wasm-binary.ts. Not part of `npm install`: the output is checked in.
# Needs the Debian packages wasm-build.sh names;
# zlib's C sources come from the npm package zlib-sync (deps/zlib), fetched with `npm pack`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../wasm-build.sh"
zlib_sync_version="${ZLIB_SYNC_VERSION:-0.1.10}" # bundles zlib 1.3.1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "zlib-sync@${zlib_sync_version}" >/dev/null && tar xzf zlib-sync-*.tgz)
z="$work/package/deps/zlib"
grep -q '#define ZLIB_VERSION "1.3.1"' "$z/zlib.h"

wasm_compile "$work/inflate.wasm" 2097152 4194304 \
  -I"$z" \
  "$z/inflate.c" "$z/inftrees.c" "$z/crc32.c" "$z/adler32.c" "$z/zutil.c" \
  "$here/inffast-zlib.c" "$here/inffast-wasm.c" "$here/inflate-glue.c"

wasm_emit_ts "$work/inflate.wasm" "$here/../inflate-wasm-binary.ts" INFLATE_WASM_BASE64 \
  "inflate-wasm/build-inflate-wasm.sh from zlib 1.3.1 (zlib licence), inffast-wasm.c and inflate-glue.c" "zlib's streaming gzip inflater"
