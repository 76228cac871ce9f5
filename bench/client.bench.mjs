// One client call with a canned fetch (no network): asyntai-edge vs a hand-written fetch + JSON.parse +
// success check, openai-node and stripe-node, in one process. Prints medians over several rounds.
// Run from bench/ (make bench): asyntai-edge resolves to the installed tarball, openai and stripe to
// bench/node_modules.
import { performance } from 'node:perf_hooks';
import { stepsInJs } from './steps.mjs';

const BODY = JSON.stringify({
  success: true,
  websites: [
    { id: 1, name: 'Main site', domain: 'example.com', is_primary: true },
    { id: 2, name: 'Docs', domain: 'docs.example.com', is_primary: false },
  ],
});
const HEADERS = { 'content-type': 'application/json' };
const canned = async () => new Response(BODY, { status: 200, headers: HEADERS });
const KEY = 'sk_bench_0123456789';
const BASE = 'https://asyntai.com/api/v1/';

async function measure(fn, iterations) {
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return ((performance.now() - t0) * 1e6) / iterations; // ns per call
}

// Many short rounds, the cases' order reversed every other round: this machine's speed drifts by 10-20%
// over a minute, and long rounds taken one case after the other measured the drift as much as the cases.
export async function benchClient({ rounds = 31, iterations = 3000, lookup = (n) => import(n) } = {}) {
  const { Asyntai } = await lookup('asyntai-edge');
  const client = new Asyntai({ apiKey: KEY, fetch: canned, maxRetries: 0 });
  const cases = {
    'hand-written fetch + JSON.parse': async () => {
      const res = await canned(BASE + 'websites/', { method: 'GET', headers: { authorization: 'Bearer ' + KEY, accept: 'application/json' } });
      const body = JSON.parse(await res.text());
      if (body === null || typeof body !== 'object' || body.success !== true) throw new Error('bad body');
      return body;
    },
    // The floor of the design (bench/steps.mjs).
    'the same steps in plain JavaScript': stepsInJs(canned, BASE + 'websites/', KEY),
    'asyntai-edge websites.list()': () => client.websites.list(),
  };
  try {
    const { default: OpenAI } = await lookup('openai');
    const openai = new OpenAI({ apiKey: KEY, fetch: async () => new Response('{"id":"m","object":"model","created":0,"owned_by":"x"}', { status: 200, headers: HEADERS }), maxRetries: 0 });
    cases['openai-node models.retrieve()'] = () => openai.models.retrieve('m');
  } catch (e) { console.error('openai not installed:', e.message); }
  try {
    const { default: Stripe } = await lookup('stripe');
    const stripe = new Stripe(KEY, { httpClient: Stripe.createFetchHttpClient(async () => new Response('{"id":"cus_1","object":"customer"}', { status: 200, headers: HEADERS })), maxNetworkRetries: 0, telemetry: false });
    cases['stripe-node customers.retrieve()'] = () => stripe.customers.retrieve('cus_1');
  } catch (e) { console.error('stripe not installed:', e.message); }

  for (const fn of Object.values(cases)) for (let i = 0; i < 3000; i++) await fn(); // warm up (JIT, wasm tier-up)
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    const order = Object.entries(cases);
    for (const [name, fn] of r % 2 ? order.reverse() : order) samples[name].push(await measure(fn, iterations));
  }
  return summary(samples);
}

/**
 * `median`: each case's median ns per call; `paired(a, b)`: the median over rounds of a / b, each
 * round's two figures measured a few seconds apart (the machine's drift between rounds cancels out).
 */
export function summary(samples) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    median: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])),
    paired: (a, b) => median(samples[a].map((x, i) => x / samples[b][i])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { median, paired } = await benchClient();
  const HAND = 'hand-written fetch + JSON.parse';
  const OURS = 'asyntai-edge websites.list()';
  const OPENAI = 'openai-node models.retrieve()';
  console.log('| call (canned fetch, Node ' + process.version + ') | µs/call (median) | vs hand-written (median of rounds) |');
  console.log('|---|---:|---:|');
  for (const [k, v] of Object.entries(median)) console.log(`| ${k} | ${(v / 1000).toFixed(2)} | ${paired(k, HAND).toFixed(2)}x |`);
  console.log(`asyntai-edge / hand-written = ${paired(OURS, HAND).toFixed(2)}x (goal <= 1.5x); asyntai-edge / openai-node = ${median[OPENAI] ? paired(OURS, OPENAI).toFixed(2) + 'x' : 'n/a'} (goal <= 0.5x)`);
}
