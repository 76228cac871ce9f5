// The import watch shared by tests/js/no-throw-into-wasm.mjs (the preload of every tests/js suite) and
// tests/reliability/harness.mjs's loadPackage (escapes.test.mjs): no side effects on import.
//
// An import that throws unwinds through the wasm frames that called it, skipping their epilogues, so
// the module's stack pointer stays behind; enough of them and the module faults for every caller in the
// isolate. The package's `catch` imports hand exceptions to Rust as values, and do not throw.

/**
 * `imports` with every function wrapped: whatever one throws is reported to `onThrow(source, error)`
 * (`source`: the start of the import's text), then rethrown.
 */
export function watchImports(imports, onThrow) {
  const out = {};
  for (const [ns, fns] of Object.entries(imports ?? {})) {
    out[ns] = {};
    for (const [name, f] of Object.entries(fns)) {
      if (typeof f !== "function") {
        out[ns][name] = f;
        continue;
      }
      out[ns][name] = function (...args) {
        try {
          return f.apply(this, args);
        } catch (error) {
          onThrow(String(f).replace(/\s+/g, " ").slice(0, 160), error);
          throw error;
        }
      };
    }
  }
  return out;
}
