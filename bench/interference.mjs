// A diagnostic, not part of `make bench`: does running asyntai-edge's wasm slow the JavaScript around it?
// Each pair runs A then B per iteration; "extra" is (A then B) - A - B, lower quartile of interleaved
// samples. With B a plain-JavaScript call the extra is a few µs (any interleaving costs something); with
// B a wasm call it is larger, and for asyntai-edge's own call (even on a plain-object fetch that touches
// no undici code) larger still: the gap between asyntai-edge's call and its steps in plain JavaScript
// is mostly this interference, not the wasm's own work. Usage (from bench/): node interference.mjs
import { Asyntai, Webhook } from 'asyntai-edge';
import { stepsInJs } from './steps.mjs';

const BODY = JSON.stringify({ success: true, websites: [{ id: 1, name: 'Main site', domain: 'example.com', is_primary: true }] });
const canned = async () => new Response(BODY, { status: 200, headers: { 'content-type': 'application/json' } });
const plainFetch = async () => ({ status: 200, headers: new Headers(), text: async () => BODY });
const KEY = 'sk_bench_0123456789';
const URL_ = 'https://asyntai.com/api/v1/websites/';
const steps = stepsInJs(canned, URL_, KEY);
const wh = new Webhook('whsec_x');
const small = 'x'.repeat(200);
const sig = Webhook.sign('whsec_x', small);
const plainClient = new Asyntai({ apiKey: KEY, fetch: plainFetch, maxRetries: 0 });
const client = new Asyntai({ apiKey: KEY, fetch: canned, maxRetries: 0 });

const others = {
  'steps on a plain-object fetch (JavaScript)': stepsInJs(plainFetch, URL_, KEY),
  'Webhook.isValid, 200 B (wasm, synchronous)': async () => wh.isValid(small, sig),
  'websites.list() on a plain-object fetch (wasm)': () => plainClient.websites.list(),
};
const cases = { steps, 'websites.list()': () => client.websites.list() };
for (const [name, b] of Object.entries(others)) {
  cases[name] = b;
  cases[`steps, then ${name}`] = async () => { await steps(); await b(); };
}
async function run(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t0) * 1000) / n;
}
for (const fn of Object.values(cases)) await run(fn, 3000);
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const R = Number(process.env.R || 40);
for (let r = 0; r < R; r++) for (const [k, fn] of Object.entries(cases)) samples[k].push(await run(fn, 1000));
const q = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 4)];
const t = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, q(v)]));
console.log(`steps alone ${t.steps.toFixed(1)} µs; asyntai-edge websites.list() ${t['websites.list()'].toFixed(1)} µs`);
for (const name of Object.keys(others)) {
  const extra = t[`steps, then ${name}`] - t.steps - t[name];
  console.log(`B = ${name}: B alone ${t[name].toFixed(1)} µs, extra when interleaved ${extra.toFixed(1)} µs`);
}
