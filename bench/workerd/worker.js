// The worker of the workerd bench (bench/workerd/workerd.bench.mjs bundles it as wrangler does and
// serves it from config.capnp): GET /?case=<name>&n=<N> makes N calls with a canned fetch (no I/O),
// one after the other, and answers {n, calls, ms}. The driver times the HTTP round trips from outside
// (Cloudflare's edge stops the clock while a request does no I/O, so a worker's own timing is not to be
// relied on); `ms`, the worker's Date.now() difference, is only informative.
import { Asyntai } from 'asyntai-edge';
import { stepsInJs } from '../steps.mjs';

// The same canned answer and the same hand-written call as bench/client.bench.mjs.
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
const client = new Asyntai({ apiKey: KEY, fetch: canned, maxRetries: 0 });

const CASES = {
  hand: async () => {
    const res = await canned(BASE + 'websites/', { method: 'GET', headers: { authorization: 'Bearer ' + KEY, accept: 'application/json' } });
    const body = JSON.parse(await res.text());
    if (body === null || typeof body !== 'object' || body.success !== true) throw new Error('bad body');
    return body;
  },
  // The hand-written call with the usual timeout: an AbortController and a timer per call.
  'hand-timeout': async () => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), 60_000);
    try {
      const res = await canned(BASE + 'websites/', { method: 'GET', headers: { authorization: 'Bearer ' + KEY, accept: 'application/json' }, signal: ctrl.signal });
      const body = JSON.parse(await res.text());
      if (body === null || typeof body !== 'object' || body.success !== true) throw new Error('bad body');
      return body;
    } finally {
      clearTimeout(timer);
    }
  },
  // asyntai-edge's steps in plain JavaScript (bench/steps.mjs): the design's floor.
  steps: stepsInJs(canned, BASE + 'websites/', KEY),
  'asyntai-edge': () => client.websites.list(),
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const fn = CASES[url.searchParams.get('case')];
    const n = Number(url.searchParams.get('n'));
    if (!fn || !Number.isInteger(n) || n < 0) return new Response('usage: /?case=hand|hand-timeout|steps|asyntai-edge&n=<calls>', { status: 400 });
    let calls = 0;
    const t0 = Date.now();
    for (let i = 0; i < n; i++) {
      const body = await fn();
      if (body.websites.length === 2) calls++;
    }
    return Response.json({ n, calls, ms: Date.now() - t0 });
  },
};
