// The HTTP components written in Rust, built for wasm32-wasip2 as their users build them, served in Node
// by jco's WASI shim (serve.mjs): examples/wasi-http (plain wasi:http/incoming-handler, as `wasmtime
// serve` runs it; settings from the environment) and examples/spin-component (spin-sdk's
// `#[http_component]`, as `spin up` runs it; settings from Spin variables). Their chat route calls the
// Asyntai API through asyntai-edge's wasi:http transport (the fake API on loopback answers); their
// webhook route verifies deliveries signed here with node:crypto.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { startFakeApi } from '../js/fake-api.mjs';
import { ROOT, startProcess, stopProcess } from '../runtimes/helpers.mjs';

const KEY = 'sk_test_wasi_http';
const SECRET = 'whsec_wasi_http_test';
const COMPONENTS = [
  {
    name: 'an HTTP component written in Rust (wasi:http/incoming-handler)',
    wasm: join(ROOT, 'target', 'wasi-http', 'wasm32-wasip2', 'release', 'asyntai_wasi_http.wasm'),
    env: (base) => ({ ASYNTAI_API_KEY: KEY, ASYNTAI_BASE_URL: base, ASYNTAI_WEBHOOK_SECRET: SECRET }),
  },
  {
    name: 'a Spin component written in Rust (spin-sdk)',
    wasm: join(ROOT, 'target', 'spin-component', 'wasm32-wasip2', 'release', 'asyntai_spin_component.wasm'),
    env: (base) => ({ SPIN_VARIABLE_ASYNTAI_API_KEY: KEY, SPIN_VARIABLE_ASYNTAI_BASE_URL: base, SPIN_VARIABLE_ASYNTAI_WEBHOOK_SECRET: SECRET }),
  },
];

for (const component of COMPONENTS) describe(`${component.name}, on WASI 0.2`, () => {
  let fake;
  let server;
  let base;

  before(async () => {
    fake = await startFakeApi();
    server = await startProcess(process.execPath, [join(ROOT, 'tests', 'wasi', 'serve.mjs'), component.wasm], {
      env: component.env(fake.url),
      ready: (line) => line.startsWith('http://') && line.trim(),
    });
    base = server.value.replace(/\/$/, '');
  });

  after(async () => {
    await stopProcess(server?.child);
    await fake?.close();
  });

  const post = async (path, body, headers = {}) => {
    const res = await fetch(base + path, { method: 'POST', body, headers });
    return { status: res.status, json: await res.json() };
  };

  it('POST /chat: the answer comes from the API, through the Rust client over wasi:http', async () => {
    fake.reset();
    const r = await post('/chat', JSON.stringify({ message: 'When are you open?', session_id: 's-7' }));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.answer, 'Our business hours are Monday-Friday, 9 AM to 5 PM EST.');
    assert.equal(r.json.session_id, 's-7');
    assert.equal(fake.requests.length, 1);
    const sent = fake.requests[0];
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/api/v1/chat/');
    assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
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
    fake.respond({ status: 401, json: { success: false, error: `Invalid API key ${KEY}` } });
    const r = await post('/chat', JSON.stringify({ message: 'Hi' }));
    assert.equal(r.status, 502);
    assert.equal(r.json.status, 401);
    assert.match(r.json.error, /Invalid API key/);
    assert.ok(!JSON.stringify(r.json).includes(KEY), JSON.stringify(r.json));
  });

  it('POST /webhook: a delivery signed with the secret is accepted, a forged one refused', async () => {
    const body = JSON.stringify({ event: 'lead.captured', payload: { email: 'a@b.co', session_id: 's1' } });
    const sig = createHmac('sha256', SECRET).update(body).digest('hex');
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
