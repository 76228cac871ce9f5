// Makes a freed object's methods throw in JavaScript, before the wasm is entered.
//
// wasm-bindgen gives every exported class `free()` (and `[Symbol.dispose]`, which `using` calls). After
// it, the object's pointer is 0, and wasm-bindgen's glue still passes it into the wasm, whose check
// ("null pointer passed to rust") throws from inside the wasm. An exception that unwinds through wasm
// frames skips their epilogues and leaves the module's stack pointer behind: about 12,000 calls on a
// freed object (or 12,000 double frees) and the module faulted for every caller in the isolate. So:
// - a method or getter of a freed object throws a TypeError here, in the glue (`$live`);
// - `free()` on a freed object does nothing (`using` after a `free()` disposes twice);
// - `free()` passes wasm-bindgen's `allow_delayed` (as its FinalizationRegistry does): the object's
//   JavaScript reference is dropped, and a call running on it (your `fetch`, called from inside one of
//   its methods, freeing it) keeps it alive until it returns. With 0, the free threw from inside the
//   wasm ("attempted to take ownership of Rust value while it was borrowed").
// tests/reliability/escapes.test.mjs checks all three, with every import watched.
//
// Usage: node scripts/freed-guard.mjs <dir holding asyntai_edge_bg.js> (after scripts/short-names.mjs)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node scripts/freed-guard.mjs <wasm-bindgen out dir>');
const path = join(dir, 'asyntai_edge_bg.js');
let glue = readFileSync(path, 'utf8');
if (glue.includes('function $live(')) throw new Error(`${path} is already guarded`);

const classes = [...glue.matchAll(/^export class (\w+) \{/gm)].length;
if (classes === 0) {
  console.log(`${dir}: no classes, nothing to guard`);
  process.exit(0);
}
let methods = 0;
glue = glue.replace(/\bwasm\.(\$\w+)\(this\.__wbg_ptr\b/g, (all, fn) => {
  methods++;
  return `wasm.${fn}($live(this)`;
});
let frees = 0;
glue = glue.replace(/(free\(\) \{\s*const ptr = this\.__destroy_into_raw\(\);\s*)wasm\.(\$\w+)\(ptr, 0\);/g, (all, head, fn) => {
  frees++;
  return `${head}if (ptr) wasm.${fn}(ptr, 1);`;
});
// Whatever wasm-bindgen's glue looks like next, no class may be left unguarded.
if (frees !== classes) throw new Error(`${path}: ${classes} classes but ${frees} free() guarded (wasm-bindgen's glue changed?)`);
if (/wasm\.[\w$]+\([^)]*this\.__wbg_ptr/.test(glue)) throw new Error(`${path}: a wasm call on this.__wbg_ptr is left unguarded`);
glue += `
function $live(o) {
    const ptr = o.__wbg_ptr;
    if (ptr) return ptr;
    throw new TypeError('asyntai-edge: this object was freed');
}
`;
writeFileSync(path, glue);
console.log(`${dir}: ${methods} methods and ${frees} free() guarded against a freed object`);
