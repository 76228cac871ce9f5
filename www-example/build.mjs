// Bundles the worker for workerd: src/worker.js (and asyntai-edge, as installed in node_modules) ->
// dist/worker.js, plus each WebAssembly module the package imports, copied as dist/<name>.wasm.
//
// asyntai-edge's `workerd` entries import their .wasm as a module (`import module from "...wasm"`),
// which workerd supports natively when the config lists the file as a `wasm` module. The plugin below
// keeps those imports as imports, renamed to stable names (`./core.wasm`, `./testing.wasm`, after the
// folder the package keeps them in) so that workerd.capnp can list them. (wrangler does the same for
// you on Cloudflare.)
//
// Usage: node build.mjs        (esbuild: this folder's own, else the repository's pinned tools/)
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');

function loadEsbuild() {
  for (const from of [join(here, 'package.json'), join(here, '..', 'tools', 'package.json')]) {
    try {
      return createRequire(from)('esbuild');
    } catch { /* next */ }
  }
  throw new Error('esbuild not found: run `make demo` at the repository root (it installs the pinned tools), or `npm install -D esbuild` here');
}

/** .wasm imports stay imports, as `./<folder>.wasm`; the files are copied next to the bundle. */
function wasmModules(copies) {
  return {
    name: 'wasm-modules',
    setup(build) {
      build.onResolve({ filter: /\.wasm$/ }, (args) => {
        const file = join(args.resolveDir, args.path);
        const name = `${basename(dirname(file))}.wasm`;
        const seen = copies.get(name);
        if (seen && seen !== file) return { errors: [{ text: `two wasm modules would both be named ${name}: ${seen}, ${file}` }] };
        copies.set(name, file);
        return { path: `./${name}`, external: true };
      });
    },
  };
}

export async function build({ quiet = false } = {}) {
  const esbuild = loadEsbuild();
  const copies = new Map();
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(here, 'src', 'worker.js')],
    outfile: join(dist, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    loader: { '.html': 'text' },
    plugins: [wasmModules(copies)],
    minify: false,
    legalComments: 'none',
    logLevel: quiet ? 'error' : 'warning',
    metafile: true,
  });
  for (const [name, file] of copies) await copyFile(file, join(dist, name));
  const names = [...copies.keys()].sort();
  const expected = ['core.wasm', 'testing.wasm'];
  if (names.join() !== expected.join()) {
    throw new Error(`workerd.capnp lists ${expected.join(', ')}, the bundle imports ${names.join(', ') || 'none'}: update one of them`);
  }
  if (!quiet) {
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    console.log(`www-example: dist/worker.js (${(bytes / 1024).toFixed(1)} KiB) + ${names.map((n) => `dist/${n}`).join(', ')}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  build().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
