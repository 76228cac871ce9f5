// `asyntai-edge sandbox`, the package's bin, from the packed tarball: the package's own client against
// it over HTTP, the command line (flags, seed files, a taken port, signals, npx), and input that is not
// even a well-formed request. Expected values come from asyntai-api.md and sdk-spec.md.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Asyntai, AuthenticationError, BadRequestError, NotFoundError } from 'asyntai-edge';
import { BIN, runCli, startSandbox } from './harness.mjs';

const HOURS = 'We are open from 9am to 5pm, Monday to Friday.';

/** One raw exchange on a fresh socket: what the server writes back before it closes. */
function raw(base, bytes) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (c) => { got += c; });
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => { socket.destroy(); reject(new Error(`no answer to ${JSON.stringify(bytes.slice(0, 40))}`)); });
  });
}

function assertErrorForm(text, status) {
  const [head, body] = text.split('\r\n\r\n');
  assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), head);
  assert.match(head, /content-type: application\/json/i);
  const parsed = JSON.parse(body);
  assert.deepStrictEqual(Object.keys(parsed).sort(), ['error', 'success']);
  assert.equal(parsed.success, false);
}

describe("the package's own client over HTTP", () => {
  let sb;
  before(async () => { sb = await startSandbox(['--key', 'node_suite_key', '--quiet']); });
  after(async () => { assert.equal((await sb.stop()).code, 0); });

  it('chat.send, knowledge.addText, sessions.list, leads.list', async () => {
    const client = new Asyntai({ apiKey: 'node_suite_key', baseURL: sb.base, maxRetries: 0 });
    const added = await client.knowledge.addText({ title: 'Hours', content: HOURS, website_id: 1 });
    assert.equal(added.success, true);
    assert.equal(added.title, 'Hours');
    const first = await client.chat.send({ message: 'When are you open?' });
    assert.equal(first.response, HOURS);
    const again = await client.chat.send({ message: 'Mail me the hours: ana@example.org', session_id: first.session_id, website_id: '1' });
    assert.equal(again.session_id, first.session_id);
    const other = await client.chat.send({ message: 'Another visitor here', website_id: 1 });

    const { sessions } = await client.sessions.list({ limit: 10, website_id: 1, source: 'api' });
    assert.deepStrictEqual(sessions.map((s) => s.session_id), [other.session_id, first.session_id], 'newest first');
    assert.equal(sessions[1].message_count, 4);
    assert.equal((await client.sessions.list({ limit: 1 })).sessions.length, 1);
    const { leads } = await client.leads.list({ limit: 5, website_id: '1' });
    assert.deepStrictEqual(leads.map((l) => [l.session_id, l.email]), [[first.session_id, 'ana@example.org']]);

    await assert.rejects(client.chat.send({ message: 'hi', website_id: 77 }), NotFoundError);
    await assert.rejects(
      new Asyntai({ apiKey: 'wrong', baseURL: sb.base, maxRetries: 0 }).account.get(),
      AuthenticationError);
    // A rule only the server checks: the event name.
    await assert.rejects(client.webhooks.create({ url: 'http://127.0.0.1:9/h', events: ['nope'] }), BadRequestError);
  });
});

describe('command line', () => {
  let dir;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'asyntai-sandbox-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help names every flag and exits 0; bad arguments exit 2 with the usage', async () => {
    const help = await runCli(['sandbox', '--help']);
    assert.equal(help.code, 0);
    for (const flag of ['--port', '--host', '--key', '--plan', '--seed']) assert.ok(help.stdout.includes(flag), flag);
    for (const args of [['sandbox', '--port', 'abc'], ['sandbox', '--port', '70000'], ['sandbox', '--plan', 'gold'],
      ['sandbox', '--nope'], ['sandbox', 'extra'], ['sandbox', '--key', ''], ['serve'], []]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr + r.stdout, /usage: asyntai-edge sandbox/, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('a bad seed file: a clear message naming the file and the item, exit 2, no stack trace', async () => {
    const write = (name, text) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    const cases = [
      [join(dir, 'missing.json'), /missing\.json: cannot read it \(no such file\)/],
      [write('broken.json', '{"knowledge": ['), /broken\.json: not valid JSON/],
      [write('array.json', '[]'), /array\.json: must be a JSON object/],
      [write('typo.json', '{"knowlege": []}'), /typo\.json: unknown key "knowlege"/],
      [write('short.json', '{"knowledge": [{"title": "T", "content": "short"}]}'), /short\.json: knowledge\[0\]\.content: .*10 characters/],
      [write('hook.json', '{"webhooks": [{"url": "http://example.com/h", "events": ["lead.captured"]}]}'), /hook\.json: webhooks\[0\]\.url: /],
      [write('event.json', '{"webhooks": [{"url": "https://e.example/h", "events": ["lead.captured", "x"]}]}'), /event\.json: webhooks\[0\]\.events\[1\]: /],
      [write('site.json', '{"knowledge": [{"title": "T", "content": "0123456789", "website_id": 5}]}'), /site\.json: knowledge\[0\]\.website_id: no website 5/],
      [write('sites.json', '{"websites": [{"id": 1}, {"id": 1}]}'), /sites\.json: websites\[1\]\.id: 1 is used twice/],
    ];
    for (const [file, message] of cases) {
      const r = await runCli(['sandbox', '--port', '0', '--seed', file]);
      assert.equal(r.code, 2, `${file}: ${r.stderr}${r.stdout}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^asyntai-edge sandbox: seed file /);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    }
  });

  it('a seed file: websites, knowledge answered from, a webhook with its own secret', async () => {
    const received = [];
    const receiver = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString(), signature: req.headers['x-webhook-signature'] });
        res.end('ok');
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const secret = 'whsec_configured_beforehand';
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify({
      websites: [{ id: 10, name: 'Main', domain: 'main.example', is_primary: true }, { id: 11, domain: 'help.example' }],
      knowledge: [{ title: 'Hours', content: HOURS }, { url: 'https://help.example/refunds', content: 'Refunds take five days.', website_id: 11 }],
      webhooks: [{ url: `http://127.0.0.1:${receiver.address().port}/hook`, events: ['message.received'], secret, website_id: '11' }],
    }));
    const sb = await startSandbox(['--seed', file, '--plan', 'pro']);
    try {
      assert.match(sb.lines[1], /plan: pro; seed .*seed\.json: 2 websites, 2 knowledge entries, 1 webhook$/);
      const client = new Asyntai({ apiKey: 'test_key', baseURL: sb.base, maxRetries: 0 });
      assert.deepStrictEqual((await client.websites.list()).websites.map((w) => [w.id, w.is_primary]), [[10, true], [11, false]]);
      assert.equal((await client.chat.send({ message: 'opening hours?' })).response, HOURS);
      assert.equal(received.length, 0, 'the webhook is website 11\'s');
      const answer = await client.chat.send({ message: 'how long do refunds take', website_id: 11 });
      assert.equal(answer.response, 'Refunds take five days.');
      assert.equal(received.length, 1, 'delivered before the answer');
      const [d] = received;
      assert.equal(d.signature, createHmac('sha256', secret).update(d.body).digest('hex'));
      assert.equal(JSON.parse(d.body).event, 'message.received');
      assert.equal((await client.account.get()).account.messages_limit, 50000);
      await sb.next(/^ {2}webhook message\.received -> http:\/\/127\.0\.0\.1:\d+\/hook 200 /);
    } finally {
      await sb.stop();
      receiver.close();
    }
  });

  it('a taken port: a clear message and exit 1', async () => {
    const blocker = net.createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address();
    try {
      const r = await runCli(['sandbox', '--port', String(port)]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    } finally {
      blocker.close();
    }
    const r = await runCli(['sandbox', '--port', '0', '--host', '192.0.2.1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot listen on 192\.0\.2\.1:0/);
  });

  for (const signal of ['SIGINT', 'SIGTERM']) {
    it(`${signal}: stops cleanly, exit 0, the port free again`, async () => {
      const sb = await startSandbox();
      const { port } = new URL(sb.base);
      const agent = new http.Agent({ keepAlive: true });
      const get = () => new Promise((resolve, reject) => {
        http.get(`${sb.base}account/`, { agent, headers: { authorization: 'Bearer test_key' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        }).on('error', reject);
      });
      assert.equal(await get(), 200); // a kept-alive connection is open when the signal comes
      const { code } = await sb.stop(signal);
      agent.destroy();
      assert.equal(code, 0, sb.stderr());
      assert.match(sb.lines.at(-1), new RegExp(`^${signal}: stopping; 1 request served; rss [\\d.]+ MB`));
      await portFree(port, 0);
    });
  }

  it('npx asyntai-edge sandbox: serves; Ctrl-C (SIGINT to the process group) stops it cleanly', async () => {
    const npx = ['npx', '--no-install', 'asyntai-edge', 'sandbox', '--port', '0', '--key', 'npx_key'];
    const sb = await startSandbox([], { command: npx, detached: true });
    const res = await fetch(`${sb.base}account/`, { headers: { authorization: 'Bearer npx_key' } });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).account.plan, 'starter');
    const { port } = new URL(sb.base);
    const exit = await sb.stop('SIGINT'); // what a terminal's Ctrl-C does: the whole foreground group
    // npm itself ends as npm does on SIGINT (130); the sandbox under it stopped cleanly.
    assert.ok(exit.code === 130 || exit.code === 0 || exit.signal === 'SIGINT', JSON.stringify(exit));
    await sb.next(/^SIGINT: stopping; 1 request served/);
    await portFree(port);
  });

  it('npx asyntai-edge sandbox: a SIGTERM to npm alone (which npm does not pass on) stops it too', async () => {
    const npx = ['npx', '--no-install', 'asyntai-edge', 'sandbox', '--port', '0'];
    const sb = await startSandbox([], { command: npx, detached: true });
    const { port } = new URL(sb.base);
    sb.proc.kill('SIGTERM');
    await sb.exited;
    await portFree(port);
    // The shebang'd bin, as `node_modules/.bin/asyntai-edge` runs it.
    const r = await runCli(['sandbox', '--help'], { command: [BIN] });
    assert.equal(r.code, 0);
  });
});

/** Resolves once `port` on 127.0.0.1 can be listened on again (the sandbox let go of it). */
async function portFree(port, ms = 5_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const free = await new Promise((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(Number(port), '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return;
    if (Date.now() > deadline) assert.fail(`port ${port} still taken ${ms} ms after the stop`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('input that is not a well-formed request', () => {
  let sb;
  before(async () => { sb = await startSandbox(); });
  after(async () => { assert.equal((await sb.stop()).code, 0); });

  it('garbage, oversized headers, a bad request line: the documented error form, then the connection closes', async () => {
    assertErrorForm(await raw(sb.base, 'GARBAGE\r\n\r\n'), 400);
    assertErrorForm(await raw(sb.base, 'GET /api/v1/account/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'), 400);
    assertErrorForm(await raw(sb.base, `GET /api/v1/account/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431);
  });

  it('a chunked body over 10 MB: 413; a client gone mid-body: nothing breaks', async () => {
    const status = await new Promise((resolve, reject) => {
      const req = http.request(`${sb.base}knowledge/text/`, { method: 'POST', headers: { authorization: 'Bearer test_key', 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => {
          assert.deepStrictEqual(Object.keys(JSON.parse(body)).sort(), ['error', 'success']);
          resolve(res.statusCode);
        });
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      for (let i = 0; i < 12; i++) req.write(chunk); // no Content-Length: chunked
      req.end();
    });
    assert.equal(status, 413);
    const gone = await raw(sb.base, 'POST /api/v1/chat/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test_key\r\nContent-Length: 1000\r\n\r\n{"message":').catch((e) => e);
    assert.ok(typeof gone === 'string' || gone instanceof Error);
    // An absolute-form target is read as its path.
    const absolute = await raw(sb.base, 'GET http://sandbox.test/api/v1/account/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test_key\r\nConnection: close\r\n\r\n');
    assert.match(absolute, /^HTTP\/1\.1 200 /);
    const res = await fetch(`${sb.base}websites/`, { headers: { authorization: 'Bearer test_key' } });
    assert.equal(res.status, 200, 'still serving');
  });
});
