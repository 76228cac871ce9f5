// Orders a wasm module's functions so that gzip compresses it better: each function is followed by
// the one that shares the most byte sequences with what was just written.
//
// gzip finds repeats only within its last 32 KiB, and codes a near repeat more cheaply than a far one;
// LLVM writes functions in its own order, where a reader of JSON options may sit between two fetch
// steps. Here the order is chosen greedily: after the first function, the next is the one with the
// largest share of its 4-byte sequences already in the last ~1,500 bytes written (measured on the main
// module, 2026-12-06: windows of 1 to 3,000 bytes and sequences of 3 to 6 bytes all land within 0.2 kB
// of one another, 0.6 kB under LLVM's order; choosing among the best candidates by actually deflating
// them did no better). Binaryen does the moving (wasm-opt --reorder-functions-by-name, which renumbers
// every call, export and table entry): this script names each function by its rank, and keeps the
// result only if it is smaller gzip'd than the module it was given. Deterministic: the same module
// gives the same order.
//
// Usage: node scripts/order-functions.mjs <module.wasm> <wasm-opt> <wasm-opt flags...>
//   the flags: the module's feature flags and its --optimize-level/--shrink-level (with which
//   wasm-opt writes the module as the optimizing run did)
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { importsOf, name, readU32, sectionsOf, u32 } from './wasm-binary.mjs';

const [path, wasmOpt, ...flags] = process.argv.slice(2);
if (!path || !wasmOpt) throw new Error('usage: node scripts/order-functions.mjs <module.wasm> <wasm-opt> <flags...>');
const SEQUENCE = 4;
const WINDOW_BYTES = 1500;

const wasm = readFileSync(path);

/** The module's sections, how many of its functions are imported, and each defined function's body. */
function parse(buf) {
  if (buf.readUInt32LE(0) !== 0x6d736100) throw new Error(`${path}: not a wasm module`);
  const sections = [];
  const bodies = [];
  let imported = 0;
  for (const { id, start, body, end } of sectionsOf(buf)) {
    if (id === 0) {
      const [len, p] = readU32(buf, body);
      sections.push({ start, end, custom: buf.toString('utf8', p, p + len) });
    } else {
      sections.push({ start, end });
    }
    if (id === 2) imported = importsOf(buf, body).filter((i) => buf[i.desc] === 0x00).length; // functions
    if (id === 10) {
      let [count, p] = readU32(buf, body);
      while (count--) {
        let len;
        [len, p] = readU32(buf, p);
        bodies.push(buf.subarray(p, p + len));
        p += len;
      }
    }
  }
  return { sections, imported, bodies };
}

/** The greedy order (indexes into `bodies`). */
function order(bodies) {
  const sequences = bodies.map((body) => {
    const set = new Set();
    for (let i = 0; i + SEQUENCE <= body.length; i++) set.add(body.readUInt32LE(i));
    return set;
  });
  const out = [];
  const placed = new Uint8Array(bodies.length);
  const window = new Map(); // sequence -> how many functions in the window hold it
  const recent = [];
  let recentBytes = 0;
  const place = (f) => {
    placed[f] = 1;
    out.push(f);
    for (const s of sequences[f]) window.set(s, (window.get(s) ?? 0) + 1);
    recent.push(f);
    recentBytes += bodies[f].length;
    while (recentBytes > WINDOW_BYTES && recent.length > 1) {
      const gone = recent.shift();
      recentBytes -= bodies[gone].length;
      for (const s of sequences[gone]) {
        const left = window.get(s) - 1;
        if (left) window.set(s, left);
        else window.delete(s);
      }
    }
  };
  if (bodies.length) place(0);
  while (out.length < bodies.length) {
    let best = -1;
    let bestShare = -1;
    for (let f = 0; f < bodies.length; f++) {
      if (placed[f]) continue;
      const own = sequences[f];
      let shared = 0;
      for (const s of own) if (window.has(s)) shared++;
      const share = own.size ? shared / own.size : 0;
      if (share > bestShare) {
        bestShare = share;
        best = f;
      }
    }
    place(best);
  }
  return out;
}

const { sections, imported, bodies } = parse(wasm);
const ranks = new Array(bodies.length);
order(bodies).forEach((f, rank) => {
  ranks[f] = rank;
});
// A name section naming every function: imports `a<index>` (they keep their order), defined ones
// `f<rank>`; wasm-opt sorts by name, then --strip-debug drops the names.
const pad = (n) => String(n).padStart(6, '0');
const entries = [];
for (let i = 0; i < imported; i++) entries.push(Buffer.concat([u32(i), name(`a${pad(i)}`)]));
ranks.forEach((rank, f) => entries.push(Buffer.concat([u32(imported + f), name(`f${pad(rank)}`)])));
const functionNames = Buffer.concat([u32(entries.length), ...entries]);
const payload = Buffer.concat([name('name'), Buffer.from([1]), u32(functionNames.length), functionNames]);
const kept = sections.filter((s) => s.custom !== 'name').map((s) => wasm.subarray(s.start, s.end));
const named = `${path}.named.wasm`;
const ordered = `${path}.ordered.wasm`;
writeFileSync(named, Buffer.concat([wasm.subarray(0, 8), ...kept, Buffer.from([0]), u32(payload.length), payload]));
try {
  execFileSync(wasmOpt, [named, ...flags, '--reorder-functions-by-name', '--strip-debug', '-o', ordered], { stdio: 'inherit' });
  const result = readFileSync(ordered);
  const before = gzipSync(wasm, { level: 9 }).length;
  const after = gzipSync(result, { level: 9 }).length;
  if (after < before) writeFileSync(path, result);
  console.log(`${path}: ${bodies.length} functions ordered for gzip: ${before} -> ${after} B gzip${after < before ? '' : ' (not smaller: kept as it was)'}`);
} finally {
  rmSync(named, { force: true });
  rmSync(ordered, { force: true });
}
