// The example worker's HTTP API in workerd: its input checks, and live mode (ASYNTAI_API_KEY set)
// against a stand-in for the real API on loopback, to show the key goes to the API and nowhere else.
// Webhook signatures here are made with node:crypto, not with the package.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { startExample } from '../../www-example/workerd.mjs';

const sign = (secret, body) => createHmac('sha256', secret).update(body).digest('hex');

async function call(base, method, path, { json, raw, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(10_000) };
  if (json !== undefined) { init.body = JSON.stringify(json); init.headers['content-type'] = 'application/json'; }
  if (raw !== undefined) init.body = raw;
  const res = await fetch(base + path, init);
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, headers: res.headers, body, text };
}

describe('sandbox mode', () => {
  let app;
  before(async () => { app = await startExample({ port: 0, bindings: 'sandbox' }); });
  after(async () => { await app?.stop(); });

  test('the page and its headers', async () => {
    const res = await call(app.url, 'GET', '/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.match(res.headers.get('content-security-policy'), /connect-src 'self'/);
    assert.ok(!res.text.includes('test_key'));
    assert.equal((await call(app.url, 'GET', '/api/info')).body.mode, 'sandbox');
  });

  test('POST /api/chat refuses bad input with 400 and a reason', async () => {
    for (const [init, pattern] of [
      [{ raw: 'not json', headers: { 'content-type': 'application/json' } }, /JSON body/],
      [{ json: [1, 2] }, /JSON object/],
      [{ json: {} }, /`message`/],
      [{ json: { message: '   ' } }, /`message`/],
      [{ json: { message: 42 } }, /`message`/],
      [{ json: { message: 'x'.repeat(4001) } }, /longer than 4000/],
      [{ json: { message: 'hi', session_id: 7 } }, /`session_id`/],
    ]) {
      const res = await call(app.url, 'POST', '/api/chat', init);
      assert.equal(res.status, 400, JSON.stringify(init));
      assert.match(res.body.error, pattern);
    }
    assert.equal((await call(app.url, 'GET', '/api/chat')).status, 405);
    assert.equal((await call(app.url, 'GET', '/api/chat')).headers.get('allow'), 'POST');
    assert.equal((await call(app.url, 'GET', '/nope')).status, 404);
    assert.equal((await call(app.url, 'GET', '/api/history')).status, 400);
  });

  test('an answer grounded in the seeded knowledge, then the history', async () => {
    const chat = await call(app.url, 'POST', '/api/chat', { json: { message: 'Can I pause my subscription?' } });
    assert.equal(chat.status, 200);
    assert.match(chat.body.response, /pause, skip or cancel any time/);
    const none = await call(app.url, 'POST', '/api/chat', { json: { message: 'Is there parking nearby?', session_id: chat.body.session_id } });
    assert.match(none.body.response, /couldn't find an answer/, 'nothing in the knowledge base: the fallback');
    const hist = await call(app.url, 'GET', `/api/history?session_id=${encodeURIComponent(chat.body.session_id)}`);
    assert.deepEqual(hist.body.messages.map((m) => [m.role, m.content]), [
      ['user', 'Can I pause my subscription?'], ['assistant', chat.body.response],
      ['user', 'Is there parking nearby?'], ['assistant', none.body.response],
    ]);
    const unknown = await call(app.url, 'GET', '/api/history?session_id=sess_never_seen');
    assert.equal(unknown.status, 200);
    assert.deepEqual(unknown.body.messages, []);
  });

  test('webhooks: only the sandbox\'s signature is accepted', async () => {
    const before = (await call(app.url, 'GET', '/api/events')).body;
    const body = JSON.stringify({ event: 'message.received', payload: { message: 'forged' } });
    for (const [headers, reason] of [
      [{}, 'missing_signature'],
      [{ 'x-webhook-signature': 'abc' }, 'malformed_signature'],
      [{ 'x-webhook-signature': sign('whsec_guess', body) }, 'signature_mismatch'],
    ]) {
      const res = await call(app.url, 'POST', '/webhooks/asyntai', { raw: body, headers });
      assert.equal(res.status, 400);
      assert.equal(res.body.reason, reason);
    }
    const after = (await call(app.url, 'GET', '/api/events')).body;
    assert.equal(after.events.length, before.events.length);
    assert.equal(after.rejected.count, before.rejected.count + 3);
    assert.equal(after.rejected.last.reason, 'signature_mismatch');
  });
});

describe('live mode: ASYNTAI_API_KEY set', () => {
  const KEY = 'sk_live_example_4f9c1d';
  const SECRET = 'whsec_live_example_secret';
  let api, apiUrl, app;
  const seen = [];
  let nextStatus = 200;

  before(async () => {
    // A stand-in for https://asyntai.com/api/v1/ answering the documented bodies.
    api = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        const send = (status, value) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (nextStatus !== 200) return send(nextStatus, { success: false, error: `monthly limit reached for key ${KEY}` });
        if (req.method === 'POST' && req.url === '/api/v1/chat/') {
          const { message, session_id } = JSON.parse(body);
          return send(200, { success: true, response: `live answer to: ${message}`, session_id: session_id ?? 'live_sess_1' });
        }
        if (req.method === 'GET' && req.url.startsWith('/api/v1/conversations/?')) {
          return send(200, { success: true, session_id: 'live_sess_1', messages: [{ role: 'user', content: 'hello', timestamp: '2026-01-01T00:00:00Z' }] });
        }
        send(404, { success: false, error: 'not found' });
      });
    });
    await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${api.address().port}/api/v1/`;
    app = await startExample({
      port: 0,
      bindings: 'sandbox',
      env: { ASYNTAI_API_KEY: KEY, ASYNTAI_BASE_URL: apiUrl, ASYNTAI_WEBHOOK_SECRET: SECRET },
    });
  });
  after(async () => {
    await app?.stop();
    await new Promise((resolve) => (api ? api.close(resolve) : resolve()));
  });

  test('chat and history go to the API with the key', async () => {
    assert.equal((await call(app.url, 'GET', '/api/info')).body.mode, 'live');
    const chat = await call(app.url, 'POST', '/api/chat', { json: { message: 'hello' } });
    assert.equal(chat.status, 200);
    assert.deepEqual(chat.body, { response: 'live answer to: hello', session_id: 'live_sess_1' });
    const sent = seen.find((r) => r.url === '/api/v1/chat/');
    assert.equal(sent.method, 'POST');
    assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(JSON.parse(sent.body), { message: 'hello' });
    const hist = await call(app.url, 'GET', '/api/history?session_id=live_sess_1');
    assert.equal(hist.status, 200);
    assert.equal(hist.body.messages[0].content, 'hello');
    assert.ok(seen.some((r) => r.url === '/api/v1/conversations/?session_id=live_sess_1&limit=100'), JSON.stringify(seen.map((r) => r.url)));
    assert.equal((await call(app.url, 'GET', '/sandbox/api/v1/account/')).status, 404, 'no sandbox in live mode');
  });

  test('an API error reaches the page as a short message, never with the key', async () => {
    nextStatus = 429;
    try {
      const res = await call(app.url, 'POST', '/api/chat', { json: { message: 'hello again' } });
      assert.equal(res.status, 429);
      assert.match(res.body.error, /message limit/);
      assert.ok(!res.text.includes(KEY));
    } finally {
      nextStatus = 200;
    }
  });

  test('webhooks are verified with ASYNTAI_WEBHOOK_SECRET', async () => {
    const body = '{"event":"lead.captured","payload":{"email":"a@example.org","session_id":"live_sess_1"}}';
    const ok = await call(app.url, 'POST', '/webhooks/asyntai', { raw: body, headers: { 'x-webhook-signature': sign(SECRET, body) } });
    assert.equal(ok.status, 200);
    const bad = await call(app.url, 'POST', '/webhooks/asyntai', { raw: body + ' ', headers: { 'x-webhook-signature': sign(SECRET, body) } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.reason, 'signature_mismatch');
    const { events } = (await call(app.url, 'GET', '/api/events')).body;
    assert.deepEqual(events.map((e) => [e.event, e.payload.email, e.verified]), [['lead.captured', 'a@example.org', true]]);
  });
});
