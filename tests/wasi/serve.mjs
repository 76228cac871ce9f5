// Serves a WASI 0.2 HTTP component (one that exports wasi:http/incoming-handler, as Spin and `wasmtime
// serve` run) in Node, over jco's transpiler and WASI shim (component.mjs). The component sees this
// process's environment. Prints its base URL on the first line of stdout, then serves until killed.
//
// Usage: node tests/wasi/serve.mjs <component.wasm> [port]
import { loadComponent, shim } from './component.mjs';

const [component, port = '0'] = process.argv.slice(2);
if (!component) {
  console.error('usage: node tests/wasi/serve.mjs <component.wasm> [port]');
  process.exit(2);
}
const { incomingHandler } = await loadComponent(component);
const { HTTPServer } = await import(shim('http'));
const server = new HTTPServer(incomingHandler);
server.listen(Number(port), '127.0.0.1');
console.log(`http://127.0.0.1:${server.address().port}/`);
process.on('SIGTERM', () => {
  server.stop();
  process.exit(0);
});
