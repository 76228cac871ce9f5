// The checks every example app written in Rust passes (examples/rust-worker in workerd,
// examples/wasi-http and examples/spin-component as WASI components): `POST /chat` answers through
// asyntai-edge's Rust client (the fake API on loopback answers, and records what it was sent),
// `POST /webhook` verifies deliveries signed here with node:crypto.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startFakeApi } from './fake-api.mjs';

/**
 * Registers the suite `name` for one app. `start(fake)` starts it against the fake API and resolves
 * `{ base, stop }` (its URL, without a trailing slash, and what stops it); the app's key is `key` and its
 * webhook secret `secret`.
 */
export function describeRustApp(name, { key, secret, start }) {
  describe(name, () => {
    let fake;
    let app;

    before(async () => {
      fake = await startFakeApi();
      app = await start(fake);
    });

    after(async () => {
      await app?.stop();
      await fake?.close();
    });

    const post = async (path, body, headers = {}) => {
      const res = await fetch(app.base + path, { method: 'POST', body, headers });
      return { status: res.status, json: await res.json() };
    };

    it('POST /chat: the answer comes from the API, through the Rust client', async () => {
      fake.reset();
      const r = await post('/chat', JSON.stringify({ message: 'When are you open?', session_id: 's-7' }));
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.answer, 'Our business hours are Monday-Friday, 9 AM to 5 PM EST.');
      assert.equal(r.json.session_id, 's-7');
      assert.equal(fake.requests.length, 1);
      const sent = fake.requests[0];
      assert.equal(sent.method, 'POST');
      assert.equal(sent.path, '/api/v1/chat/');
      assert.equal(sent.headers.authorization, `Bearer ${key}`);
      assert.equal(sent.headers['content-type'], 'application/json');
      assert.deepEqual(sent.json, { message: 'When are you open?', session_id: 's-7' });
    });

    it('POST /chat with a blank message: refused by the Rust client, nothing sent', async () => {
      fake.reset();
      const r = await post('/chat', JSON.stringify({ message: '  ' }));
      assert.equal(r.status, 400);
      assert.equal(r.json.field, 'message');
      assert.equal(fake.requests.length, 0);
    });

    it('POST /chat when the API answers 503 then 200: retried once, after its Retry-After', async () => {
      fake.reset();
      fake.respond({ status: 503, json: { success: false, error: 'busy' }, headers: { 'Retry-After': '0' } }); // then the default answer
      const r = await post('/chat', JSON.stringify({ message: 'Hi' }));
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(fake.requests.length, 2);
    });

    it('POST /chat when the API answers 401: the typed error reaches the handler, without the key', async () => {
      fake.reset();
      fake.respond({ status: 401, json: { success: false, error: `Invalid API key ${key}` } });
      const r = await post('/chat', JSON.stringify({ message: 'Hi' }));
      assert.equal(r.status, 502);
      assert.equal(r.json.status, 401);
      assert.match(r.json.error, /Invalid API key/);
      assert.ok(!JSON.stringify(r.json).includes(key), JSON.stringify(r.json));
    });

    it('POST /webhook: a delivery signed with the secret is accepted, a forged one refused', async () => {
      const body = JSON.stringify({ event: 'lead.captured', payload: { email: 'a@b.co', session_id: 's1' } });
      const sig = createHmac('sha256', secret).update(body).digest('hex');
      const ok = await post('/webhook', body, { 'x-webhook-signature': `sha256=${sig}` });
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      assert.deepEqual(ok.json, { received: 'lead.captured', payload: { email: 'a@b.co', session_id: 's1' } });
      const forged = await post('/webhook', body.replace('a@b.co', 'x@y.z'), { 'x-webhook-signature': sig });
      assert.equal(forged.status, 401);
      assert.match(forged.json.error, /does not match/);
      const unsigned = await post('/webhook', body);
      assert.equal(unsigned.status, 401);
      assert.match(unsigned.json.error, /Missing X-Webhook-Signature/);
    });
  });
}
