// Runs a WASI 0.2 command component (a wasm32-wasip2 binary, e.g. a cargo test binary) in Node, over
// jco's transpiler and WASI shim (component.mjs). cargo uses it as the target's runner (make test-wasi):
//   CARGO_TARGET_WASM32_WASIP2_RUNNER="node tests/wasi/run.mjs" cargo test --target wasm32-wasip2 ...
// Exits with the component's status: 0 when `wasi:cli/run` returns ok, 1 when it fails or traps.
//
// Usage: node tests/wasi/run.mjs <component.wasm> [args...]
import { loadComponent, shim } from './component.mjs';

const [component, ...args] = process.argv.slice(2);
if (!component) {
  console.error('usage: node tests/wasi/run.mjs <component.wasm> [args...]');
  process.exit(2);
}
let status = 1;
try {
  const { run } = await loadComponent(component, async () => (await import(shim('cli')))._setArgs([component, ...args]));
  run.run(); // a component that calls wasi:cli/exit (libtest when a test failed) ends the process here
  status = 0;
} catch (e) {
  console.error(e);
}
process.exit(status);
