// A chat app on Asyntai, as a Cloudflare Workers-style module worker.
//
//   GET  /                    the chat page (page.html): it talks only to this worker, never holds a key
//   GET  /api/info            {mode: "live" | "sandbox", suggestions}: what the page shows above the chat
//   POST /api/chat            {message, session_id?} -> {response, session_id}
//   GET  /api/history         ?session_id= -> {session_id, messages}
//   POST /webhooks/asyntai    Asyntai's webhook deliveries, verified with Webhook.verifyRequest
//   GET  /api/events          the verified events received (newest last) and the count of rejected ones
//
// With the ASYNTAI_API_KEY binding set, the client talks to the real API (ASYNTAI_BASE_URL overrides
// where; ASYNTAI_WEBHOOK_SECRET is the whsec_ secret of the webhook you created for /webhooks/asyntai).
// Without it, the app runs on the offline sandbox (`asyntai-edge/testing`): an in-memory Asyntai inside
// this isolate, seeded with a small knowledge base, whose webhooks are delivered to this worker's own
// handler, signed with a secret the sandbox made. The sandbox's API is also served at /sandbox/api/v1/
// (key "test_key") so that a script can add knowledge over HTTP, as you would with the real API.
//
// State (the sandbox, the received events) lives in the isolate's memory: fine for a demo, gone on
// restart. A production app would keep events in KV, D1 or a Durable Object.

import { Asyntai, Webhook, WebhookVerificationError, ValidationError, APIError, APIConnectionError } from 'asyntai-edge';
import { MockAsyntai } from 'asyntai-edge/testing';
import PAGE from './page.html';
import { SEED_KNOWLEDGE, SUGGESTIONS } from './seed.js';

const SANDBOX_KEY = 'test_key';
const SANDBOX_PREFIX = '/sandbox';
const WEBHOOK_PATH = '/webhooks/asyntai';
const MAX_MESSAGE = 4000;
const MAX_EVENTS = 200;

/** The app's state in this isolate, made on the first request (bindings are only known then). */
let appPromise = null;

export default {
  async fetch(request, env) {
    try {
      appPromise ??= createApp(env, new URL(request.url).origin);
      const app = await appPromise;
      return await route(app, request);
    } catch (err) {
      // A failed start is retried on the next request rather than cached forever.
      if (appPromise && err && err.startFailed) appPromise = null;
      console.error('www-example:', err && err.stack ? err.stack : err);
      return json({ error: 'internal error' }, 500);
    }
  },
};

// --- the app ---------------------------------------------------------------------------------

async function createApp(env, origin) {
  const app = {
    mode: 'live',
    client: null,
    webhook: null,
    mock: null,
    events: [],
    rejected: { count: 0, last: null },
    nextEventId: 1,
  };
  try {
    const apiKey = typeof env.ASYNTAI_API_KEY === 'string' ? env.ASYNTAI_API_KEY.trim() : '';
    if (apiKey !== '') {
      app.client = new Asyntai({ apiKey, baseURL: env.ASYNTAI_BASE_URL || undefined, maxRetries: 1 });
      if (env.ASYNTAI_WEBHOOK_SECRET) app.webhook = new Webhook(env.ASYNTAI_WEBHOOK_SECRET);
      return app;
    }
    app.mode = 'sandbox';
    // Deliveries go straight to our own handler, in-process: the sandbox awaits each one before it
    // answers the request that caused it, so an event is recorded by the time /api/chat returns.
    app.mock = new MockAsyntai({
      apiKey: SANDBOX_KEY,
      fetch: (url, init) => receiveWebhook(app, new Request(url, init)),
    });
    app.client = new Asyntai({ apiKey: SANDBOX_KEY, fetch: app.mock.fetch });
    for (const entry of SEED_KNOWLEDGE) await app.client.knowledge.addText(entry);
    // The webhook is created through the client, so its secret comes from the sandbox, as it would
    // from the real API. Its URL is only a label here (deliveries are in-process), but it must be
    // one the API accepts: HTTPS, or plain HTTP on a loopback host.
    const { webhook } = await app.client.webhooks.create({
      url: webhookUrl(origin),
      events: ['conversation.started', 'message.received', 'lead.captured', 'escalation.requested'],
    });
    app.webhook = new Webhook(webhook.secret);
    return app;
  } catch (err) {
    err.startFailed = true;
    throw err;
  }
}

function webhookUrl(origin) {
  const url = new URL(WEBHOOK_PATH, origin);
  const host = url.hostname;
  const loopback = host === 'localhost' || host.endsWith('.localhost') || host.startsWith('127.') || host === '[::1]';
  if (url.protocol !== 'https:' && !loopback) url.protocol = 'https:';
  return url.href;
}

async function route(app, request) {
  const url = new URL(request.url);
  const { pathname } = url;
  const method = request.method;

  if (app.mode === 'sandbox' && (pathname === SANDBOX_PREFIX || pathname.startsWith(SANDBOX_PREFIX + '/'))) {
    return serveSandbox(app, request, url);
  }
  switch (pathname) {
    case '/':
      if (method !== 'GET' && method !== 'HEAD') return notAllowed('GET, HEAD');
      return new Response(method === 'HEAD' ? null : PAGE, {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy':
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
        },
      });
    case '/api/info':
      if (method !== 'GET') return notAllowed('GET');
      return json({ mode: app.mode, suggestions: app.mode === 'sandbox' ? SUGGESTIONS : [] });
    case '/api/chat':
      if (method !== 'POST') return notAllowed('POST');
      return chat(app, request);
    case '/api/history':
      if (method !== 'GET') return notAllowed('GET');
      return history(app, url);
    case '/api/events':
      if (method !== 'GET') return notAllowed('GET');
      return json({ events: app.events, rejected: app.rejected });
    case WEBHOOK_PATH:
      if (method !== 'POST') return notAllowed('POST');
      return receiveWebhook(app, request);
    default:
      return json({ error: 'not found' }, 404);
  }
}

// --- POST /api/chat, GET /api/history ---------------------------------------------------------

async function chat(app, request) {
  let input;
  try {
    input = await request.json();
  } catch {
    return json({ error: 'send a JSON body: {"message": "...", "session_id": "..."}' }, 400);
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return json({ error: 'send a JSON object: {"message": "...", "session_id": "..."}' }, 400);
  }
  const message = typeof input.message === 'string' ? input.message.trim() : '';
  if (message === '') return json({ error: '`message` must be a non-empty string' }, 400);
  if (message.length > MAX_MESSAGE) return json({ error: `\`message\` is longer than ${MAX_MESSAGE} characters` }, 400);
  const params = { message };
  if (input.session_id !== undefined && input.session_id !== null && input.session_id !== '') {
    if (typeof input.session_id !== 'string') return json({ error: '`session_id` must be a string' }, 400);
    params.session_id = input.session_id;
  }
  try {
    const { response, session_id } = await app.client.chat.send(params);
    return json({ response, session_id });
  } catch (err) {
    return apiFailure(err);
  }
}

async function history(app, url) {
  const sessionId = url.searchParams.get('session_id');
  if (!sessionId) return json({ error: 'the `session_id` query parameter is required' }, 400);
  try {
    const { messages } = await app.client.conversations.list({ session_id: sessionId, limit: 100 });
    return json({ session_id: sessionId, messages });
  } catch (err) {
    // An unknown session has no history yet: the page asks before the first message.
    if (err instanceof APIError && err.status === 404) return json({ session_id: sessionId, messages: [] });
    return apiFailure(err);
  }
}

/** What the page is told when the API call failed: a short reason, never the key or a stack. */
function apiFailure(err) {
  if (err instanceof ValidationError) return json({ error: err.message }, 400);
  if (err instanceof APIError) {
    console.error(`Asyntai API error ${err.status}: ${err.error ?? err.message}`);
    if (err.status === 429) return json({ error: 'The assistant has reached its message limit for this month.' }, 429);
    if (err.status === 400) return json({ error: err.error ?? 'The request was refused.' }, 400);
    return json({ error: 'The assistant is unavailable right now. Please try again shortly.' }, 502);
  }
  if (err instanceof APIConnectionError) {
    console.error(`Asyntai API unreachable: ${err.message}`);
    return json({ error: 'The assistant could not be reached. Please try again shortly.' }, 502);
  }
  throw err;
}

// --- POST /webhooks/asyntai --------------------------------------------------------------------

async function receiveWebhook(app, request) {
  if (!app.webhook) {
    return json({ error: 'no webhook secret configured: set ASYNTAI_WEBHOOK_SECRET' }, 503);
  }
  let event;
  try {
    event = await app.webhook.verifyRequest(request);
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    app.rejected.count += 1;
    app.rejected.last = { reason: err.reason, received_at: new Date().toISOString() };
    console.warn(`webhook rejected: ${err.reason}`);
    return json({ error: 'invalid signature', reason: err.reason }, 400);
  }
  const signature = request.headers.get('x-webhook-signature') ?? '';
  app.events.push({
    id: app.nextEventId++,
    event: typeof event.event === 'string' ? event.event : 'unknown',
    payload: event.payload ?? null,
    verified: true,
    signature: signature.slice(0, 12),
    received_at: new Date().toISOString(),
  });
  if (app.events.length > MAX_EVENTS) app.events.splice(0, app.events.length - MAX_EVENTS);
  return json({ received: true });
}

// --- /sandbox/api/v1/*: the sandbox's own API, over HTTP ------------------------------------------

async function serveSandbox(app, request, url) {
  const target = 'http://sandbox.invalid' + url.pathname.slice(SANDBOX_PREFIX.length) + url.search;
  const method = request.method;
  const init = { method, headers: request.headers };
  if (method !== 'GET' && method !== 'HEAD') init.body = await request.arrayBuffer();
  return app.mock.fetch(new Request(target, init));
}

// --- helpers ---------------------------------------------------------------------------------

function json(value, status = 200) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

function notAllowed(allow) {
  return new Response(JSON.stringify({ error: 'method not allowed' }), {
    status: 405,
    headers: { 'content-type': 'application/json; charset=utf-8', allow },
  });
}
