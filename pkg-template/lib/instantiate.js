// Instantiates a wasm-bindgen (`--target bundler`) module from a WebAssembly.Module, synchronously.

/** @param {Record<string, unknown>} bg the module's JS glue @param {WebAssembly.Module} module */
export function instantiate(bg, module) {
  const instance = new WebAssembly.Instance(module, { './asyntai_edge_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  if (typeof instance.exports.__wbindgen_start === 'function') instance.exports.__wbindgen_start();
}
