// Bundle sizes (make bench-size): a small worker that uses one SDK, bundled two ways, each output file
// gzip -9'd and summed:
//   - for Cloudflare Workers, the way wrangler does (esbuild, conditions workerd/worker/browser, platform
//     neutral, minified, .wasm kept as separate modules): Workers limit and bill the compressed upload;
//   - for Node (esbuild --bundle --platform=node --format=esm --minify): what a Node server bundle
//     (Next.js Node routes, a Lambda, `esbuild --platform=node`) carries; asyntai-edge's Node entries
//     hold their wasm inline (base64), so everything is in the one JS file.
// asyntai-edge (the installed tarball) beside openai-node, stripe-node and svix, pinned in
// bench/package.json, each used for what it has in common with us: a client call (and, for Stripe, its
// webhook check), or a webhook verification.
//
// Usage: node bench/size.mjs [--check]   (--check: exit 1 when an asyntai-edge Workers bundle is over its goal)
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { WORKERS_BUILD } from '../tests/runtimes/helpers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const esbuild = createRequire(join(ROOT, 'tools', 'package.json'))('esbuild');
const version = (dir, name) => JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;

// Each worker: what a user deploys to do that job. `from`: the app folder whose node_modules has the
// package (bench/: make bench-install puts the packed tarball there beside the pinned SDKs).
const CASES = [
  {
    name: 'asyntai-edge (client + webhooks)',
    pkg: 'asyntai-edge',
    from: HERE,
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
    pkg: 'asyntai-edge',
    from: HERE,
    goal: 12_000,
    code: `
      import { Webhook } from 'asyntai-edge/webhooks';
      export default {
        async fetch(request, env) { return Response.json(await new Webhook(env.SECRET).verifyRequest(request)); },
      };`,
  },
  {
    name: 'openai (client)',
    pkg: 'openai',
    from: HERE,
    code: `
      import OpenAI from 'openai';
      export default {
        async fetch(request, env) {
          const client = new OpenAI({ apiKey: env.KEY });
          try { return Response.json(await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })); }
          catch (err) { return new Response(err instanceof OpenAI.APIError ? err.message : 'error', { status: 500 }); }
        },
      };`,
  },
  {
    name: 'stripe (client + webhooks)',
    pkg: 'stripe',
    from: HERE,
    code: `
      import Stripe from 'stripe';
      export default {
        async fetch(request, env) {
          const stripe = new Stripe(env.KEY, { httpClient: Stripe.createFetchHttpClient() });
          if (request.method === 'POST') {
            const event = await stripe.webhooks.constructEventAsync(await request.text(), request.headers.get('stripe-signature'),
              env.SECRET, undefined, Stripe.createSubtleCryptoProvider());
            return Response.json(event);
          }
          return Response.json(await stripe.customers.list({ limit: 1 }));
        },
      };`,
  },
  {
    name: 'svix (webhook verification)',
    pkg: 'svix',
    from: HERE,
    code: `
      import { Webhook } from 'svix';
      export default {
        async fetch(request, env) {
          const headers = Object.fromEntries(request.headers);
          return Response.json(new Webhook(env.SECRET).verify(await request.text(), headers));
        },
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

async function measure(c, dir, recipe) {
  const wasm = new Map();
  const outfile = join(dir, `${c.name.replace(/\W+/g, '_')}-${recipe}.js`);
  const result = await esbuild.build({
    stdin: { contents: c.code, resolveDir: c.from, sourcefile: 'worker.js', loader: 'js' },
    outfile,
    ...RECIPES[recipe],
    minify: true,
    plugins: [wasmModules(wasm)],
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
  });
  const js = readFileSync(outfile);
  const files = [['js', js], ...[...wasm].map(([name, file]) => [name, readFileSync(file)])];
  const nodeImports = [...new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path.replace(/^node:/, ''))))];
  return {
    raw: files.reduce((n, [, b]) => n + b.length, 0),
    gzip: files.reduce((n, [, b]) => n + gzipSync(b, { level: 9 }).length, 0),
    jsGzip: gzipSync(js, { level: 9 }).length,
    wasmGzip: files.slice(1).reduce((n, [, b]) => n + gzipSync(b, { level: 9 }).length, 0),
    nodeImports: nodeImports.filter((i) => !i.endsWith('.wasm')),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'asyntai-size-'));
const rows = [];
const nodeRows = [];
let over = false;
try {
  for (const c of CASES) {
    const m = await measure(c, dir, 'workers');
    const goal = c.goal ? (m.gzip <= c.goal ? `<= ${c.goal} ok` : `> ${c.goal} OVER`) : '';
    if (c.goal && m.gzip > c.goal) over = true;
    rows.push([`${c.name} ${version(c.from, c.pkg)}`, m.raw, m.jsGzip, m.wasmGzip, m.gzip, goal, m.nodeImports.join(' ')]);
    const n = await measure(c, dir, 'node');
    nodeRows.push([`${c.name} ${version(c.from, c.pkg)}`, n.raw, n.jsGzip, n.wasmGzip, n.gzip, '', n.nodeImports.join(' ')]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** A table: the first column left-aligned, the figures right-aligned, the last two left-aligned. */
function print(head, body) {
  const width = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (r) => r.map((v, i) => (i === 0 || i >= 5 ? String(v).padEnd(width[i]) : String(v).padStart(width[i]))).join('  ').trimEnd();
  console.log(line(head));
  for (const r of body) console.log(line(r));
}
print(['Workers bundle (esbuild --minify, gzip -9)', 'raw B', 'JS gz B', 'wasm gz B', 'total gz B', 'goal', 'node: imports left out'], rows);
console.log('');
print(['Node bundle (esbuild --platform=node --format=esm --minify, gzip -9)', 'raw B', 'JS gz B', 'wasm gz B', 'total gz B', '', 'Node built-ins imported'], nodeRows);
if (over && process.argv.includes('--check')) {
  console.error('an asyntai-edge bundle is over its size goal');
  process.exit(1);
}
