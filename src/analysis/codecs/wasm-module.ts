// Compiling the checked-in WebAssembly modules (worker side, also Node): each is a base64 string in a generated .ts
// file (zstd-wasm-binary.ts, inflate-wasm-binary.ts), decoded and compiled once per realm by its codec.

/** Compiles a base64-encoded module; rejects where WebAssembly (or a feature it uses, e.g. SIMD) is unavailable. */
export async function compileBase64Wasm(base64: string): Promise<WebAssembly.Module> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return WebAssembly.compile(bytes);
}
