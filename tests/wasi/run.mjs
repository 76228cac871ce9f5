// Runs a WASI 0.2 command component (a wasm32-wasip2 binary, e.g. a cargo test binary) in Node: jco's
// transpiler turns it into a JS module, run over jco's WASI shim (wasi:http over Node's http, clocks,
// random, stdio), both pinned in tools/. cargo uses it as the target's runner (make test-wasi):
//   CARGO_TARGET_WASM32_WASIP2_RUNNER="node tests/wasi/run.mjs" cargo test --target wasm32-wasip2 ...
// Exits with the component's status: 0 when `wasi:cli/run` returns ok, 1 when it fails or traps.
//
// Usage: node tests/wasi/run.mjs <component.wasm> [args...]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tools = createRequire(join(ROOT, 'tools', 'package.json'));
const { transpileBytes } = await import(pathToFileURL(tools.resolve('@bytecodealliance/jco-transpile')));
const shimPackage = join(ROOT, 'tools', 'node_modules', '@bytecodealliance', 'preview2-shim');

const [component, ...args] = process.argv.slice(2);
if (!component) {
  console.error('usage: node tests/wasi/run.mjs <component.wasm> [args...]');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'asyntai-wasi-'));
// wasi:cli/exit ends the process from inside the component: clean up then too.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let status = 1;
try {
  const { files } = await transpileBytes(readFileSync(component), { name: 'component', noTypescript: true, wasiShim: true, quiet: true });
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  // The transpiled module imports the shim by its package name.
  mkdirSync(join(dir, 'node_modules', '@bytecodealliance'), { recursive: true });
  symlinkSync(shimPackage, join(dir, 'node_modules', '@bytecodealliance', 'preview2-shim'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(
    join(dir, 'run.js'),
    `import { _setArgs } from '@bytecodealliance/preview2-shim/cli';
     _setArgs(${JSON.stringify([component, ...args])});
     const { run } = await import('./component.js');
     export default () => run.run();`,
  );
  const start = (await import(pathToFileURL(join(dir, 'run.js')))).default;
  start(); // a component that calls wasi:cli/exit (libtest when a test failed) ends the process here
  status = 0;
} catch (e) {
  console.error(e);
}
process.exit(status);
