// The Worker written in Rust (examples/rust-worker), built as a user builds it (cargo, wasm-bindgen),
// served by workerd: its chat route calls the Asyntai API through asyntai-edge's Rust API (the fake
// API on loopback answers), its webhook route verifies deliveries signed here with node:crypto.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeApi } from '../js/fake-api.mjs';
import { ROOT, TOOLS_BIN, outDir, startProcess, stopProcess } from '../runtimes/helpers.mjs';

const KEY = 'sk_test_rust_worker';
const SECRET = 'whsec_rust_worker_test';
const BUILT = join(ROOT, 'target', 'rust-worker', 'bindgen');

describe('a Worker written in Rust, in workerd', () => {
  let fake;
  let workerd;
  let base;

  before(async () => {
    fake = await startFakeApi();
    const dir = outDir('rust-worker');
    for (const f of ['asyntai_rust_worker_bg.js', 'asyntai_rust_worker_bg.wasm']) copyFileSync(join(BUILT, f), join(dir, f));
    copyFileSync(join(ROOT, 'examples', 'rust-worker', 'worker.mjs'), join(dir, 'worker.mjs'));
    writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "app", worker = .app),
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "app")],
);
const app :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "asyntai_rust_worker_bg.js", esModule = embed "asyntai_rust_worker_bg.js"),
    (name = "asyntai_rust_worker_bg.wasm", wasm = embed "asyntai_rust_worker_bg.wasm"),
  ],
  bindings = [
    (name = "ASYNTAI_API_KEY", text = "${KEY}"),
    (name = "ASYNTAI_BASE_URL", text = "${fake.url}"),
    (name = "ASYNTAI_WEBHOOK_SECRET", text = "${SECRET}"),
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
);
`);
    workerd = await startProcess(join(TOOLS_BIN, 'workerd'), ['serve', join(dir, 'config.capnp'), '--control-fd=3'], {
      controlFd: true,
      ready: (line) => {
        const msg = JSON.parse(line);
        return msg.event === 'listen' && msg.socket === 'http' && msg.port;
      },
    });
    base = `http://127.0.0.1:${workerd.value}`;
  });

  after(async () => {
    await stopProcess(workerd?.child);
    await fake?.close();
  });

  const post = async (path, body, headers = {}) => {
    const res = await fetch(base + path, { method: 'POST', body, headers });
    return { status: res.status, json: await res.json() };
  };

  it('POST /chat: the answer comes from the API, through the Rust client', async () => {
    fake.reset();
    const r = await post('/chat', JSON.stringify({ message: 'When are you open?' }));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.answer, 'Our business hours are Monday-Friday, 9 AM to 5 PM EST.');
    assert.equal(fake.requests.length, 1);
    const sent = fake.requests[0];
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/api/v1/chat/');
    assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(sent.json, { message: 'When are you open?' });
  });

  it('POST /chat with a blank message: refused by the Rust client, nothing sent', async () => {
    fake.reset();
    const r = await post('/chat', JSON.stringify({ message: '  ' }));
    assert.equal(r.status, 400);
    assert.equal(r.json.field, 'message');
    assert.equal(fake.requests.length, 0);
  });

  it('POST /chat when the API answers 401: the typed error reaches the handler', async () => {
    fake.reset();
    fake.respond({ status: 401, json: { success: false, error: 'Invalid API key' } });
    const r = await post('/chat', JSON.stringify({ message: 'Hi' }));
    assert.equal(r.status, 502);
    assert.equal(r.json.status, 401);
    assert.match(r.json.error, /Invalid API key/);
    assert.ok(!JSON.stringify(r.json).includes(KEY));
  });

  it('POST /webhook: a delivery signed with the secret is accepted, a forged one refused', async () => {
    const body = JSON.stringify({ event: 'lead.captured', payload: { email: 'a@b.co', session_id: 's1' } });
    const sig = createHmac('sha256', SECRET).update(body).digest('hex');
    const ok = await post('/webhook', body, { 'x-webhook-signature': sig });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.deepEqual(ok.json, { received: 'lead.captured', payload: { email: 'a@b.co', session_id: 's1' } });
    const forged = await post('/webhook', body.replace('a@b.co', 'x@y.z'), { 'x-webhook-signature': sig });
    assert.equal(forged.status, 401);
    assert.match(forged.json.error, /does not match/);
    const unsigned = await post('/webhook', body);
    assert.equal(unsigned.status, 401);
  });
});
