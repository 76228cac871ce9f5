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
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASYNTAI_WORKERS, measureBundle } from './bundle-size.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const version = (dir, name) => JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;

// Each worker: what a user deploys to do that job. `from`: the app folder whose node_modules has the
// package (bench/: make bench-install puts the packed tarball there beside the pinned SDKs).
const CASES = [
  ...ASYNTAI_WORKERS.map((c) => ({ ...c, pkg: 'asyntai-edge', from: HERE })),
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

const rows = [];
const nodeRows = [];
let over = false;
for (const c of CASES) {
  const m = await measureBundle(c, 'workers');
  const goal = c.goal ? (m.gzip <= c.goal ? `<= ${c.goal} ok` : `> ${c.goal} OVER`) : '';
  if (c.goal && m.gzip > c.goal) over = true;
  rows.push([`${c.name} ${version(c.from, c.pkg)}`, m.raw, m.jsGzip, m.wasmGzip, m.gzip, goal, m.nodeImports.join(' ')]);
  const n = await measureBundle(c, 'node');
  nodeRows.push([`${c.name} ${version(c.from, c.pkg)}`, n.raw, n.jsGzip, n.wasmGzip, n.gzip, '', n.nodeImports.join(' ')]);
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
