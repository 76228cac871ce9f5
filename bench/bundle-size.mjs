// What a user's bundle of asyntai-edge weighs, gzip -9'd: a small worker bundled the way wrangler
// bundles it for Cloudflare Workers (esbuild, conditions workerd/worker/browser, platform neutral,
// minified, each .wasm kept as a separate module beside the JS), or the way a Node server bundle is
// made. bench/size.mjs prints it beside other SDKs (make bench); tests/js/size.test.mjs holds the
// package to the goals below (make test).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WORKERS_BUILD, esbuild } from '../tests/runtimes/helpers.mjs';

/** asyntai-edge's two Workers: what a user deploys, and the most each may weigh (issue 11). */
export const ASYNTAI_WORKERS = [
  {
    name: 'asyntai-edge (client + webhooks)',
    goal: 48_000,
    code: `
      import { Asyntai, Webhook, APIError } from 'asyntai-edge';
      export default {
        async fetch(request, env) {
          if (request.method === 'POST') return Response.json(await new Webhook(env.SECRET).verifyRequest(request));
          const client = new Asyntai({ apiKey: env.KEY });
          try { return Response.json(await client.chat.send({ message: 'hi' })); }
          catch (err) { return new Response(err instanceof APIError ? err.message : 'error', { status: 500 }); }
        },
      };`,
  },
  {
    name: 'asyntai-edge/webhooks',
    goal: 12_000,
    code: `
      import { Webhook } from 'asyntai-edge/webhooks';
      export default {
        async fetch(request, env) { return Response.json(await new Webhook(env.SECRET).verifyRequest(request)); },
      };`,
  },
];

/** wrangler's rule: .wasm (and .wasm?module) imports stay module imports; the files ship beside the bundle. */
function wasmModules(wasm) {
  return {
    name: 'wasm-modules',
    setup(build) {
      build.onResolve({ filter: /\.wasm(\?module)?$/ }, (args) => {
        const file = join(args.resolveDir, args.path.replace(/\?module$/, ''));
        const name = `${basename(dirname(file))}-${basename(file)}`;
        wasm.set(name, file);
        return { path: `./${name}`, external: true };
      });
    },
  };
}

/** The two recipes: esbuild options for a Workers upload, and for a Node server bundle. */
const RECIPES = {
  workers: {
    ...WORKERS_BUILD,
    // What Workers' nodejs_compat provides, if an SDK asks for it (it is then not counted here).
    external: ['node:*'],
  },
  // Node's built-in modules stay imports (platform node); they are listed beside the size.
  node: { bundle: true, platform: 'node', format: 'esm', target: 'node20' },
};

/**
 * Bundles `code` (its imports resolved from the folder `from`) with `recipe` ('workers' or 'node').
 * @returns {Promise<{raw: number, gzip: number, jsGzip: number, wasmGzip: number, nodeImports: string[]}>}
 *   bytes: raw and gzip -9'd in all (each output file compressed on its own), of the JS, of the wasm
 *   modules; the Node built-ins the bundle imports
 */
export async function measureBundle({ name, code, from }, recipe) {
  const dir = mkdtempSync(join(tmpdir(), 'asyntai-size-'));
  try {
    const wasm = new Map();
    const outfile = join(dir, `${name.replace(/\W+/g, '_')}-${recipe}.js`);
    const result = await esbuild().build({
      stdin: { contents: code, resolveDir: from, sourcefile: 'worker.js', loader: 'js' },
      outfile,
      ...RECIPES[recipe],
      minify: true,
      plugins: [wasmModules(wasm)],
      legalComments: 'none',
      metafile: true,
      logLevel: 'error',
    });
    const js = readFileSync(outfile);
    const files = [['js', js], ...[...wasm].map(([file, path]) => [file, readFileSync(path)])];
    const nodeImports = [...new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path.replace(/^node:/, ''))))];
    return {
      raw: files.reduce((n, [, b]) => n + b.length, 0),
      gzip: files.reduce((n, [, b]) => n + gzipSync(b, { level: 9 }).length, 0),
      jsGzip: gzipSync(js, { level: 9 }).length,
      wasmGzip: files.slice(1).reduce((n, [, b]) => n + gzipSync(b, { level: 9 }).length, 0),
      nodeImports: nodeImports.filter((i) => !i.endsWith('.wasm')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
