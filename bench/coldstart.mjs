// Cold start: a fresh `node` process imports the SDK, builds a client with a canned fetch (no
// network) and makes its first call. asyntai-edge (websites.list) beside openai-node
// (models.retrieve), stripe-node (customers.retrieve) and a hand-written fetch + JSON.parse (no
// import: what Node itself costs). Many runs, the cases interleaved, medians of:
//   - import + first call: in the process, from just before `import()` to the first answer (what
//     the SDK adds to a cold process; the first `new Response` loads Node's fetch, undici, and is
//     counted for everyone, the hand-written case included);
//   - process: from spawn to exit, seen by the parent (Node's own start-up included).
// Run from bench/ (make bench): the SDKs resolve from bench/node_modules.
//
// This file is also the child: `node coldstart.mjs --child <case>`. It has no static import, so the
// child loads nothing before its clock starts.

const BODIES = {
  hand: '{"success":true,"websites":[{"id":1,"name":"Main site","domain":"example.com","is_primary":true}]}',
  'asyntai-edge': '{"success":true,"websites":[{"id":1,"name":"Main site","domain":"example.com","is_primary":true}]}',
  openai: '{"id":"m","object":"model","created":0,"owned_by":"x"}',
  stripe: '{"id":"cus_1","object":"customer"}',
};

async function child(name) {
  const t0 = performance.now();
  const canned = async () => new Response(BODIES[name], { status: 200, headers: { 'content-type': 'application/json' } });
  let result;
  if (name === 'hand') {
    const res = await canned('https://asyntai.com/api/v1/websites/', { method: 'GET', headers: { authorization: 'Bearer sk_bench' } });
    result = JSON.parse(await res.text());
    if (result.success !== true) throw new Error('bad body');
  } else if (name === 'asyntai-edge') {
    const { Asyntai } = await import('asyntai-edge');
    result = await new Asyntai({ apiKey: 'sk_bench', fetch: canned, maxRetries: 0 }).websites.list();
  } else if (name === 'openai') {
    const { default: OpenAI } = await import('openai');
    result = await new OpenAI({ apiKey: 'sk_bench', fetch: canned, maxRetries: 0 }).models.retrieve('m');
  } else if (name === 'stripe') {
    const { default: Stripe } = await import('stripe');
    const stripe = new Stripe('sk_bench', { httpClient: Stripe.createFetchHttpClient(canned), maxNetworkRetries: 0, telemetry: false });
    result = await stripe.customers.retrieve('cus_1');
  } else {
    throw new Error(`unknown case ${name}`);
  }
  const t1 = performance.now();
  if (result === null || typeof result !== 'object') throw new Error('no answer');
  // performance.now() counts from the process's time origin: t1 is "process start to first answer".
  process.stdout.write(JSON.stringify({ importAndCallMs: t1 - t0, sinceStartMs: t1 }) + '\n');
}

export const COLDSTART_CASES = ['hand', 'asyntai-edge', 'openai', 'stripe'];

/**
 * @returns {Promise<Record<string, {importAndCallMs: number, sinceStartMs: number, processMs: number}>>}
 *   medians over `runs` fresh processes per case
 */
export async function benchColdstart({ runs = 21, cases = COLDSTART_CASES } = {}) {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const { dirname } = await import('node:path');
  const self = fileURLToPath(import.meta.url);
  const once = (name) => new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const p = spawn(process.execPath, [self, '--child', name], { cwd: dirname(self), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      const processMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) return reject(new Error(`cold start of ${name} failed (${code}): ${err.trim()}`));
      try {
        resolve({ ...JSON.parse(out), processMs });
      } catch {
        reject(new Error(`cold start of ${name}: unexpected output ${out}`));
      }
    });
  });
  const samples = Object.fromEntries(cases.map((c) => [c, []]));
  for (const c of cases) await once(c); // the first run of each warms the OS file cache
  for (let r = 0; r < runs; r++) {
    // Interleaved, the order rotated each round: no case always runs after the same one.
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length];
      samples[c].push(await once(c));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(Object.entries(samples).map(([c, s]) => [c, {
    importAndCallMs: median(s.map((x) => x.importAndCallMs)),
    sinceStartMs: median(s.map((x) => x.sinceStartMs)),
    processMs: median(s.map((x) => x.processMs)),
  }]));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const res = await benchColdstart();
  console.log(`| cold start (Node ${process.version}), median ms | import + first call | process start to first answer | spawn to exit |`);
  console.log('|---|---:|---:|---:|');
  for (const [c, v] of Object.entries(res)) {
    console.log(`| ${c} | ${v.importAndCallMs.toFixed(1)} | ${v.sinceStartMs.toFixed(1)} | ${v.processMs.toFixed(1)} |`);
  }
  const o = res['asyntai-edge'];
  const a = res.openai;
  console.log(`asyntai-edge / openai-node: import + first call ${(o.importAndCallMs / a.importAndCallMs).toFixed(2)}x, `
    + `process ${(o.processMs / a.processMs).toFixed(2)}x (goal <= 0.5x)`);
}
