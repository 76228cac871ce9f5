// Vercel Edge: the app bundled as Vercel bundles an edge function (esbuild, conditions edge-light/
// worker/browser; `import x from "./file.wasm?module"` becomes a WebAssembly.Module binding handed in by
// the platform) and run by the `edge-runtime` package, with code generation from strings AND wasm
// compilation from bytes disabled in the VM, as on Vercel: the package may only instantiate the
// modules the platform compiled.
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { startFakeApi } from '../js/fake-api.mjs';
import { scenario } from './scenario.mjs';
import { HERE, esbuild, httpSend, outDir, toolRequire } from './helpers.mjs';

/** `.wasm?module` -> `globalThis.wasm_<folder>`, the binding the platform provides; any other .wasm import is an error. */
function vercelWasm(modules) {
  return {
    name: 'vercel-wasm',
    setup(build) {
      build.onResolve({ filter: /\.wasm\?module$/ }, (args) => {
        const file = join(args.resolveDir, args.path.replace(/\?module$/, ''));
        const name = `wasm_${basename(dirname(file))}`;
        modules.set(name, file);
        return { path: name, namespace: 'vercel-wasm' };
      });
      build.onResolve({ filter: /\.wasm$/ }, (args) => ({
        errors: [{ text: `${args.path}: Vercel Edge imports wasm as "<file>.wasm?module"; the edge-light entry was not chosen` }],
      }));
      build.onLoad({ filter: /.*/, namespace: 'vercel-wasm' }, (args) => ({
        contents: `export default globalThis.${args.path};`,
        loader: 'js',
      }));
    },
  };
}

describe('edge-runtime (Vercel Edge)', () => {
  const ctx = {};
  let server;

  before(async () => {
    ctx.fake = await startFakeApi();
    ctx.apiUrl = ctx.fake.url;
    const dir = outDir('edge');
    const modules = new Map();
    await esbuild().build({
      entryPoints: [join(HERE, 'edge', 'entry.mjs')],
      outfile: join(dir, 'function.js'),
      bundle: true,
      format: 'iife',
      platform: 'neutral',
      target: 'es2022',
      conditions: ['edge-light', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      plugins: [vercelWasm(modules)],
      logLevel: 'error',
    });
    assert.deepEqual([...modules.keys()].sort(), ['wasm_core', 'wasm_testing', 'wasm_webhooks']);
    // The platform compiles the function's wasm files ahead (outside the function's VM).
    const bindings = Object.fromEntries([...modules].map(([name, file]) => [name, new WebAssembly.Module(readFileSync(file))]));
    const { EdgeRuntime, runServer } = toolRequire('edge-runtime');
    const runtime = new EdgeRuntime({
      codeGeneration: { strings: false, wasm: false },
      extend: (context) => Object.assign(context, bindings),
      initialCode: readFileSync(join(dir, 'function.js'), 'utf8'),
    });
    server = await runServer({ runtime, host: '127.0.0.1', port: 0 });
    ctx.send = httpSend(server.url.replace(/\/$/, ''));
  });

  after(async () => {
    await server?.close();
    await ctx.fake?.close();
  });

  scenario(ctx, { compiles: false });
});
