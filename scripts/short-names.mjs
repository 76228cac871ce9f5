// Gives a wasm-bindgen output's imports and exports short names, in the .wasm and in its JS glue alike.
//
// wasm-bindgen names every import `__wbg_<name>_<16 hex digits>` from the module './asyntai_edge_bg.js';
// each name is written twice (the wasm's import section, the glue's `export function`) and a bundle keeps
// it a third time (the namespace object a bundler builds for `import * as bg`). The hex digits do not
// compress: in the main module these names were ~3 kB of the gzip'd wasm and ~2 kB of the gzip'd JS.
// Imports become `$0`, `$1`, ... from the module `w` (lib/instantiate.js passes the glue under that key),
// exports become `$0`, ... too (the glue reaches them as `wasm.<name>`; `__wbindgen_start` keeps its
// name, lib/instantiate.js calls it). `$` never starts an identifier in wasm-bindgen's glue: no clash.
//
// Usage: node scripts/short-names.mjs <wasm-bindgen out dir: asyntai_edge_bg.wasm and asyntai_edge_bg.js>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importsOf, name, readU32, sectionsOf, u32 } from './wasm-binary.mjs';

const GLUE_MODULE = './asyntai_edge_bg.js';
// The import object's one key (lib/instantiate.js passes the glue under it).
const SHORT_MODULE = 'w';
const START = '__wbindgen_start';
const dir = process.argv[2];
if (!dir) throw new Error('usage: node scripts/short-names.mjs <wasm-bindgen out dir>');
const wasmPath = join(dir, 'asyntai_edge_bg.wasm');
const gluePath = join(dir, 'asyntai_edge_bg.js');
const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, 'utf8');
if (/\$\d/.test(glue)) throw new Error(`${gluePath} already has $<digit> names (renamed twice?)`);

// Imports whose glue functions are the same text but for the name (wasm-bindgen makes one per Rust
// declaration: `.length` of a string and of an array, `Promise.resolve` in two modules...) become one
// import: the wasm names the first for each, and the others' functions leave the glue.
const sameAs = new Map();
{
  const first = new Map();
  for (const m of glue.matchAll(/^export function (\w+)(\([^)]*\) \{[\s\S]*?^\}.*)$/gm)) {
    const [text, fn, rest] = m;
    if (!first.has(rest)) first.set(rest, fn);
    else sameAs.set(fn, { as: first.get(rest), text });
  }
  for (const { text } of sameAs.values()) glue = glue.replace(`${text}\n`, '');
  for (const fn of sameAs.keys()) {
    if (new RegExp(`\\b${fn}\\b`).test(glue)) throw new Error(`${gluePath} still uses ${fn}, merged into ${sameAs.get(fn).as}`);
  }
}

const parts = [wasm.subarray(0, 8)];
const imports = new Map();
const exports = new Map();
const short = (map, key) => {
  if (!map.has(key)) map.set(key, `$${map.size.toString(36)}`);
  return map.get(key);
};
/** A rewritten section: its id, its size, its contents. */
const emit = (id, contents) => {
  const section = Buffer.concat(contents);
  parts.push(Buffer.from([id]), u32(section.length), section);
};
for (const { id, start, body, end } of sectionsOf(wasm)) {
  if (id === 2) {
    // import: module, name, description
    const entries = importsOf(wasm, body);
    const out = [u32(entries.length)];
    for (const { module, field, desc, end: descEnd } of entries) {
      const glued = module === GLUE_MODULE;
      const renamed = glued ? short(imports, sameAs.get(field)?.as ?? field) : field;
      out.push(name(glued ? SHORT_MODULE : module), name(renamed), wasm.subarray(desc, descEnd));
    }
    if ((entries.length ? entries.at(-1).end : readU32(wasm, body)[1]) !== end) throw new Error('the import section: bytes left over');
    emit(id, out);
  } else if (id === 7) {
    // export: name, kind, index. `__wbindgen_start` keeps its name (lib/instantiate.js calls it).
    let [count, p] = readU32(wasm, body);
    const out = [u32(count)];
    while (count--) {
      const [len, at] = readU32(wasm, p);
      const text = wasm.toString('utf8', at, at + len);
      const descEnd = readU32(wasm, at + len + 1)[1];
      out.push(name(text === START ? text : short(exports, text)), wasm.subarray(at + len, descEnd));
      p = descEnd;
    }
    if (p !== end) throw new Error('the export section: bytes left over');
    emit(id, out);
  } else {
    parts.push(wasm.subarray(start, end));
  }
}

// The glue defines each import as `export function <name>(` and reaches each export as `wasm.<name>`.
for (const [from, to] of imports) {
  const word = new RegExp(`\\b${from}\\b`, 'g');
  if (!glue.includes(`export function ${from}(`)) throw new Error(`${gluePath} does not define the import ${from}`);
  glue = glue.replace(word, () => to);
}
glue = glue.replace(/\bwasm\.(\w+)/g, (all, from) => {
  if (from === START) return all;
  if (!exports.has(from)) throw new Error(`${gluePath} uses wasm.${from}, which the module does not export`);
  return `wasm.${exports.get(from)}`;
});
// The import object, spelled out: an entry imports it (and not `* as bg`, whose namespace object a
// bundler writes out as one getter per export, `$0: () => ue`: 0.2 kB of the gzip'd Workers bundle).
// `__wbg_set_wasm` rides along (lib/instantiate.js calls it; the wasm reads only its own imports).
// Each name is one the loop above renamed a defined `export function` to.
const importNames = [...new Set(imports.values())];
glue += `\nexport const __wbg_imports = { ${[...importNames, '__wbg_set_wasm'].join(', ')} };\n`;
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(gluePath, glue);
console.log(`${dir}: ${imports.size} imports (${sameAs.size} merged into others) and ${exports.size} exports renamed`);
