// The Worker's module entry: instantiates the Rust module (wasm-bindgen's bundler output, imported as
// a WebAssembly.Module as Workers do) and hands it every request.
import * as bg from './asyntai_rust_worker_bg.js';
import module from './asyntai_rust_worker_bg.wasm';

const instance = new WebAssembly.Instance(module, { './asyntai_rust_worker_bg.js': bg });
bg.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start?.();

export default {
  fetch: (request, env) => bg.fetch(request, env),
};
