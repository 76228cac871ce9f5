// The app every runtime test runs: a fetch handler (`export default { fetch }`, the shape Workers,
// Deno.serve, Vercel Edge and browsers all call) that uses the three entries of asyntai-edge BY NAME,
// as a user's code does. It reports what happened as JSON; the Node-side driver (tests/runtimes/
// scenario.mjs) decides pass or fail from independent expectations (node:crypto signatures, the fake
// API's own record of what reached it).
//
// Routes:
//   GET  /client          x-api-url: the fake API's base URL. One account.get() and one chat.send()
//                         with the good key, one websites.list() with a key the API refuses (a typed
//                         AuthenticationError is caught), one leads.list({ limit: 0 }) (ValidationError,
//                         no request).
//   POST /webhook         verifyRequest(request) with the main entry's Webhook.
//   POST /webhook-small   the same with `asyntai-edge/webhooks`.
//   POST /webhook-lying   the raw body as a Uint8Array whose `length` says 2 ** 32 - 1: isValid() with each
//                         entry's Webhook (where no node:crypto hashes it, the wasm copies the bytes in).
//   GET  /sandbox         MockAsyntai from `asyntai-edge/testing`, used through the client's `fetch` option.
//   GET  /timeout         a call whose fetch never answers (it rejects when its signal aborts, as
//                         fetch does), timeout 50 ms, maxRetries 1: the error, the attempts, and
//                         whether each one's signal was aborted (the runtime's own timers and abort).
//   GET  /many            12,000 calls in one request (a canned fetch): each attempt's timer is cleared
//                         when it ends (workerd refuses a request its 10,001st live timer).
//   GET  /deadlines       three calls whose fetch never answers (timeout 300 ms): two started together, one
//                         150 ms later; how long each took to fail, and with what.
//   GET  /orphan          starts a call on a client kept between requests (its fetch never answers,
//                         timeout 4 s) and answers at once, leaving it behind; /joiner makes the same call
//                         and waits for it: the error, how long, and whether its fetch got the same signal
//                         as the orphan's (they shared the attempts' AbortController). In workerd a
//                         request's timers die with it: the joiner must time out on a timer of its own.
//   GET  /browser-guard   new Asyntai({ apiKey }) without dangerouslyAllowBrowser: what happened.
//   GET  /compile-probe   whether this runtime lets code compile wasm from bytes (workerd and Vercel
//                         Edge do not: the package must not need to there).
// Header `x-dangerously-allow-browser: 1` passes `dangerouslyAllowBrowser: true` to every client
// (the browser test sets it; everywhere else it is absent).
import Asyntai, {
  Asyntai as NamedAsyntai,
  AsyntaiError,
  APIError,
  AuthenticationError,
  ValidationError,
  Webhook,
  WebhookVerificationError,
} from 'asyntai-edge';
import {
  Webhook as SmallWebhook,
  WebhookVerificationError as SmallVerificationError,
} from 'asyntai-edge/webhooks';
import { MockAsyntai } from 'asyntai-edge/testing';

import { GOOD_KEY, BAD_KEY, SECRET } from './constants.mjs';

/** Everything a test may want to know about a thrown value. */
export function describeError(err) {
  if (!(err instanceof Error)) return { thrown: String(err), isError: false };
  return {
    isError: true,
    name: err.name,
    constructorName: err.constructor?.name,
    message: err.message,
    status: err.status ?? null,
    field: err.field ?? null,
    reason: err.reason ?? null,
    apiError: err.error ?? null,
    isAsyntaiError: err instanceof AsyntaiError,
    isAPIError: err instanceof APIError,
    isAuthenticationError: err instanceof AuthenticationError,
    isValidationError: err instanceof ValidationError,
    isWebhookVerificationError: err instanceof WebhookVerificationError,
    isSmallWebhookVerificationError: err instanceof SmallVerificationError,
  };
}

async function attempt(fn) {
  try {
    return { value: await fn() };
  } catch (err) {
    return { error: describeError(err) };
  }
}

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

async function client(request, extra) {
  const baseURL = request.headers.get('x-api-url');
  if (!baseURL) return json({ error: 'x-api-url header missing' }, 400);
  const good = new Asyntai({ apiKey: GOOD_KEY, baseURL, maxRetries: 0, ...extra });
  return json({
    defaultIsNamed: Asyntai === NamedAsyntai,
    account: await attempt(() => good.account.get()),
    chat: await attempt(() => good.chat.send({ message: 'Hello from the runtime test', website_id: '2' })),
    auth: await attempt(() => new Asyntai({ apiKey: BAD_KEY, baseURL, maxRetries: 0, ...extra }).websites.list()),
    validation: await attempt(() => good.leads.list({ limit: 0 })),
  });
}

async function webhook(request, Verifier) {
  const result = await attempt(() => new Verifier(SECRET).verifyRequest(request));
  return json(result, result.error ? 400 : 200);
}

async function lyingBody(request) {
  const bytes = new Uint8Array(await request.arrayBuffer());
  Object.defineProperty(bytes, 'length', { value: 2 ** 32 - 1 });
  const header = request.headers.get('x-webhook-signature');
  const check = (Verifier) => attempt(() => new Verifier(SECRET).isValid(bytes, header));
  return json({ main: await check(Webhook), small: await check(SmallWebhook) });
}

async function sandbox(extra) {
  const mock = new MockAsyntai({ apiKey: 'test_key' });
  const c = new NamedAsyntai({ apiKey: 'test_key', fetch: mock.fetch, maxRetries: 0, ...extra });
  const added = await attempt(() =>
    c.knowledge.addText({
      title: 'Opening hours',
      content: 'The Lisbon shop opens at 9:30 and closes at 18:00 on weekdays.',
    }),
  );
  const chat = await attempt(() => c.chat.send({ message: 'When does the Lisbon shop open?' }));
  const refused = await attempt(() =>
    new NamedAsyntai({ apiKey: 'wrong_key', fetch: mock.fetch, maxRetries: 0, ...extra }).account.get(),
  );
  return json({ added, chat, refused });
}

// Answers nothing; gives up when its signal aborts, as fetch does.
const hang = (signals) => (url, init) => {
  signals?.push(init.signal);
  return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
};

async function timeout(extra) {
  const signals = [];
  const c = new NamedAsyntai({ apiKey: GOOD_KEY, fetch: hang(signals), timeout: 50, maxRetries: 1, ...extra });
  const t0 = Date.now();
  const result = await attempt(() => c.account.get());
  return json({
    ...result,
    ms: Date.now() - t0,
    attempts: signals.length,
    aborted: signals.map((s) => s instanceof AbortSignal && s.aborted),
  });
}

async function many(extra) {
  const answer = () => new Response('{"success": true, "websites": []}', { status: 200, headers: { 'content-type': 'application/json' } });
  const c = new NamedAsyntai({ apiKey: GOOD_KEY, fetch: async () => answer(), maxRetries: 0, ...extra });
  let calls = 0;
  const result = await attempt(async () => {
    for (let i = 0; i < 120; i++) {
      const batch = await Promise.all(Array.from({ length: 100 }, () => c.websites.list()));
      calls += batch.filter((b) => Array.isArray(b.websites)).length;
    }
    return calls;
  });
  // The runtime's own timers still work after them.
  const timer = await new Promise((resolve) => setTimeout(() => resolve('fired'), 1));
  return json({ ...result, calls, timer });
}

async function deadlines(extra) {
  const c = new NamedAsyntai({ apiKey: GOOD_KEY, fetch: hang(), timeout: 300, maxRetries: 0, ...extra });
  const timed = async () => {
    const t0 = Date.now();
    const r = await attempt(() => c.account.get());
    return { error: r.error?.name, ms: Date.now() - t0 };
  };
  const first = timed();
  const together = timed();
  await new Promise((resolve) => setTimeout(resolve, 150));
  const later = timed();
  return json({ first: await first, together: await together, later: await later });
}

let kept = null;
const keptSignals = [];
function keptClient(extra) {
  kept ??= new NamedAsyntai({ apiKey: GOOD_KEY, fetch: hang(keptSignals), timeout: 4000, maxRetries: 0, ...extra });
  return kept;
}

function orphan(extra) {
  keptSignals.length = 0;
  keptClient(extra).account.get().catch(() => {});
  return json({ started: keptSignals.length });
}

async function joiner(extra) {
  const c = keptClient(extra);
  const before = keptSignals.length;
  const t0 = Date.now();
  const result = await attempt(() => c.account.get());
  return json({ error: result.error?.name, ms: Date.now() - t0, shared: before > 0 && keptSignals[before] === keptSignals[0] });
}

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    const extra = request.headers.get('x-dangerously-allow-browser') === '1' ? { dangerouslyAllowBrowser: true } : {};
    if (pathname === '/client') return client(request, extra);
    if (pathname === '/webhook') return webhook(request, Webhook);
    if (pathname === '/webhook-small') return webhook(request, SmallWebhook);
    if (pathname === '/webhook-lying') return lyingBody(request);
    if (pathname === '/sandbox') return sandbox(extra);
    if (pathname === '/timeout') return timeout(extra);
    if (pathname === '/many') return many(extra);
    if (pathname === '/deadlines') return deadlines(extra);
    if (pathname === '/orphan') return orphan(extra);
    if (pathname === '/joiner') return joiner(extra);
    if (pathname === '/browser-guard') {
      try {
        new Asyntai({ apiKey: GOOD_KEY, baseURL: 'http://127.0.0.1:9/api/v1/' });
        return json({ constructed: true });
      } catch (err) {
        return json({ constructed: false, error: describeError(err) });
      }
    }
    if (pathname === '/compile-probe') {
      try {
        new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
        return json({ compiled: true });
      } catch (err) {
        return json({ compiled: false, error: String(err) });
      }
    }
    return json({ error: `no route ${pathname}` }, 404);
  },
};
