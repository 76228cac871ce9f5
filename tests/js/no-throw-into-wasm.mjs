// Preloaded into every JS test process (`node --import ./js/no-throw-into-wasm.mjs`, see the Makefile's
// test-js): watches every function a wasm module imports (watch-imports.mjs), and fails the process when
// one of them threw. The package reads what a caller hands over only through `catch` imports, so no
// test scenario may make an import throw. tests/reliability/escapes.test.mjs tries the odd inputs on
// purpose; this guard holds every other suite to the same rule.
import { writeSync } from "node:fs";
import { watchImports } from "./watch-imports.mjs";

const Original = WebAssembly.Instance;
const thrown = [];
function Watched(module, imports) {
  const report = (source, error) => thrown.push(`${source} threw ${String(error?.stack ?? error).split("\n").slice(0, 6).join("\n    ")}`);
  return new Original(module, watchImports(imports, report));
}
Watched.prototype = Original.prototype;
WebAssembly.Instance = Watched;

process.on("exit", () => {
  if (thrown.length === 0) return;
  writeSync(2, `\n${process.argv[1]}: ${thrown.length} exception(s) thrown by an import into the wasm:\n  ${[...new Set(thrown)].slice(0, 5).join("\n  ")}\n`);
  process.exitCode = 1;
});
