// Preloaded into every JS test process (`node --import ./js/no-throw-into-wasm.mjs`, see the Makefile's
// test-js): wraps every function a wasm module imports, and fails the process when one of them threw.
//
// An import that throws unwinds through the wasm frames that called it and skips their epilogues, so the
// module's stack pointer stays behind; enough of them and the module faults for every caller in the
// isolate. The package reads what a caller hands over only through `catch` imports (which hand the
// exception to Rust as a value), so no test scenario may make an import throw. tests/reliability/
// escapes.test.mjs tries the odd inputs on purpose; this guard holds every other suite to the same rule.
import { writeSync } from "node:fs";

const Original = WebAssembly.Instance;
const thrown = [];
function Watched(module, imports) {
  const wrapped = {};
  for (const [ns, fns] of Object.entries(imports ?? {})) {
    wrapped[ns] = {};
    for (const [name, f] of Object.entries(fns)) {
      wrapped[ns][name] =
        typeof f !== "function"
          ? f
          : function (...args) {
              try {
                return f.apply(this, args);
              } catch (error) {
                thrown.push(`${String(f).replace(/\s+/g, " ").slice(0, 120)} threw ${String(error?.stack ?? error).split("\n").slice(0, 6).join("\n    ")}`);
                throw error;
              }
            };
    }
  }
  return new Original(module, wrapped);
}
Watched.prototype = Original.prototype;
WebAssembly.Instance = Watched;

process.on("exit", () => {
  if (thrown.length === 0) return;
  writeSync(2, `\n${process.argv[1]}: ${thrown.length} exception(s) thrown by an import into the wasm:\n  ${[...new Set(thrown)].slice(0, 5).join("\n  ")}\n`);
  process.exitCode = 1;
});
