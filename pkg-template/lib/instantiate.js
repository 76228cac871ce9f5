// Instantiates a wasm-bindgen (`--target bundler`) module from a WebAssembly.Module, synchronously.
// The module imports its glue as `w` (scripts/short-names.mjs renamed wasm-bindgen's './asyntai_edge_bg.js').

/** @param {Record<string, unknown>} bg the glue's `__wbg_imports` (scripts/short-names.mjs) @param {WebAssembly.Module} module */
export function instantiate(bg, module) {
  const instance = new WebAssembly.Instance(module, { w: bg });
  bg.__wbg_set_wasm(instance.exports);
  if (typeof instance.exports.__wbindgen_start === 'function') instance.exports.__wbindgen_start();
}

/** The bytes of a base64 string (the entries in entries/web carry their .wasm this way). */
export function decodeBase64(text) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
