// Webhook verification, run against both entries that export it: `asyntai-edge` (the core wasm
// module) and `asyntai-edge/webhooks` (its own small module). Every expected signature comes from
// node:crypto, never from the code under test.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';

const main = await import('asyntai-edge');
const webhooks = await import('asyntai-edge/webhooks');
const { AsyntaiError } = main;

const hmac = (secret, body) => createHmac('sha256', secret).update(body).digest('hex');
const enc = new TextEncoder();
const SECRET = 'whsec_test_secret';
const EVENT = '{"event":"message.received","payload":{"message":"Grüße, 你好 👋","session_id":"s1"}}';
const SPACED = '{"event": "lead.captured", "payload": {"email": "ada@example.com", "phone": null}}';
// 1 MiB of JSON, deterministic.
const BIG = JSON.stringify({ event: 'message.received', payload: { message: 'ab€'.repeat(349_000) } });
/** A Uint8Array view of `text`'s bytes that does not start at offset 0 of its buffer. */
function offsetView(text) {
  const bytes = enc.encode(text);
  const buf = new Uint8Array(bytes.length + 7);
  buf.set(bytes, 5);
  return buf.subarray(5, 5 + bytes.length);
}

test('the webhooks entry exports only Webhook and WebhookVerificationError', () => {
  assert.deepEqual(Object.keys(webhooks).sort(), ['Webhook', 'WebhookVerificationError']);
  assert.equal(webhooks.WebhookVerificationError, main.WebhookVerificationError);
});

for (const [entry, mod] of [['asyntai-edge', main], ['asyntai-edge/webhooks', webhooks]]) {
  const { Webhook, WebhookVerificationError } = mod;

  /** Asserts `fn` throws a WebhookVerificationError with `reason`. */
  function throwsReason(fn, reason) {
    assert.throws(fn, (err) => {
      assert.ok(err instanceof WebhookVerificationError, `${err} is a WebhookVerificationError`);
      assert.ok(err instanceof AsyntaiError);
      assert.ok(err instanceof Error);
      assert.equal(err.name, 'WebhookVerificationError');
      assert.equal(err.reason, reason);
      assert.ok(err.message.length > 20);
      return true;
    });
  }

  describe(entry, () => {
    const wh = new Webhook(SECRET);

    test('Webhook.sign equals node:crypto', () => {
      for (const [secret, body] of [
        [SECRET, EVENT],
        [SECRET, ''],
        [SECRET, 'line\n'],
        [SECRET, BIG],
        ['whsec_' + 'k'.repeat(100), EVENT],
        ['whsec_ключ', '{}'],
      ]) {
        const expected = hmac(secret, body);
        assert.equal(Webhook.sign(secret, body), expected);
        assert.equal(Webhook.sign(secret, enc.encode(body)), expected);
        assert.equal(Webhook.sign(secret, enc.encode(body).buffer), expected);
        assert.equal(Webhook.sign(secret, offsetView(body)), expected);
      }
      // The whsec_ prefix is part of the key.
      assert.notEqual(Webhook.sign(SECRET, EVENT), hmac('test_secret', EVENT));
    });

    test('every body length around SHA-256 blocks, keys around the block size: equal to node:crypto', () => {
      for (const keyLength of [1, 55, 56, 63, 64, 65, 130]) {
        const secret = 'k'.repeat(keyLength);
        for (let n = 0; n <= 1100; n += n < 200 ? 1 : 61) {
          const body = randomBytes(n);
          assert.equal(Webhook.sign(secret, body), hmac(secret, body), `key ${keyLength} B, body ${n} B`);
        }
      }
    });

    test('verify returns the parsed event for string, Uint8Array, ArrayBuffer and other views', () => {
      // An even number of bytes, so that a Uint16Array can view them too.
      const text = enc.encode(EVENT).length % 2 ? EVENT + ' ' : EVENT;
      const sig = hmac(SECRET, text);
      const bytes = enc.encode(text);
      const expected = JSON.parse(EVENT);
      for (const body of [
        text,
        bytes,
        bytes.buffer,
        Buffer.from(text),
        offsetView(text),
        new DataView(bytes.buffer),
        new Uint16Array(bytes.buffer),
      ]) {
        assert.deepEqual(wh.verify(body, sig), expected, Object.prototype.toString.call(body));
        assert.equal(wh.isValid(body, sig), true);
      }
    });

    test('non-ASCII, trailing newline, CRLF, empty and large bodies', () => {
      const withNewline = EVENT + '\n';
      assert.deepEqual(wh.verify(withNewline, hmac(SECRET, withNewline)), JSON.parse(EVENT));
      throwsReason(() => wh.verify(EVENT, hmac(SECRET, withNewline)), 'signature_mismatch');
      throwsReason(() => wh.verify(withNewline, hmac(SECRET, EVENT)), 'signature_mismatch');
      const crlf = '{"event":"takeover.started",\r\n"payload":{}}\r\n';
      assert.equal(wh.verify(crlf, hmac(SECRET, crlf)).event, 'takeover.started');
      // Empty body: the signature is good, the body is not JSON.
      assert.equal(wh.isValid('', hmac(SECRET, '')), true);
      assert.equal(wh.isValid(new Uint8Array(0), hmac(SECRET, '')), true);
      throwsReason(() => wh.verify('', hmac(SECRET, '')), 'invalid_json');
      // 1 MiB, as a string and as bytes; then small ones again (the scratch buffer is reused).
      const bigSig = hmac(SECRET, BIG);
      assert.equal(wh.verify(BIG, bigSig).payload.message.length, 3 * 349_000);
      assert.equal(wh.isValid(enc.encode(BIG), bigSig), true);
      assert.equal(wh.isValid(BIG.slice(0, -2) + '"}', bigSig), false);
      assert.equal(wh.isValid(EVENT, hmac(SECRET, EVENT)), true);
      assert.equal(wh.isValid('', hmac(SECRET, '')), true);
    });

    test('header spellings: upper case, sha256= prefix, surrounding whitespace', () => {
      const sig = hmac(SECRET, EVENT);
      for (const header of [
        sig,
        sig.toUpperCase(),
        `sha256=${sig}`,
        `SHA256=${sig.toUpperCase()}`,
        `  ${sig}\t`,
        `\r\n sha256=${sig} \n`,
      ]) {
        assert.equal(wh.verify(EVENT, header).event, 'message.received', header);
      }
    });

    test('rotation: any of several secrets verifies', () => {
      const rotating = new Webhook(['whsec_new', 'whsec_old']);
      for (const secret of ['whsec_new', 'whsec_old']) {
        assert.equal(rotating.verify(SPACED, hmac(secret, SPACED)).event, 'lead.captured');
      }
      throwsReason(() => rotating.verify(SPACED, hmac('whsec_older', SPACED)), 'signature_mismatch');
      const many = new Webhook(['a1', 'b2', 'c3', 'whsec_old']);
      assert.equal(many.isValid(SPACED, hmac('whsec_old', SPACED)), true);
      assert.equal(new Webhook('whsec_new').isValid(SPACED, hmac('whsec_old', SPACED)), false);
    });

    test('a body parsed and re-serialized does not verify, and the message says why', () => {
      const sig = hmac(SECRET, SPACED);
      assert.equal(wh.verify(SPACED, sig).payload.email, 'ada@example.com');
      const reserialized = JSON.stringify(JSON.parse(SPACED));
      assert.notEqual(reserialized, SPACED);
      assert.throws(
        () => wh.verify(reserialized, sig),
        (err) => err.reason === 'signature_mismatch' && /raw/.test(err.message) && /re-serialized/.test(err.message),
      );
      // Passing the parsed object itself is a caller bug: a TypeError that says to use the raw body.
      assert.throws(() => wh.verify(JSON.parse(SPACED), sig), (err) => err instanceof TypeError && /raw/.test(err.message));
    });

    test('every reason', () => {
      const sig = hmac(SECRET, EVENT);
      for (const header of [null, undefined, '', '  \t ']) throwsReason(() => wh.verify(EVENT, header), 'missing_signature');
      for (const header of [
        sig.slice(0, 63),
        sig + '0',
        sig.slice(0, 63) + 'g',
        `sha1=${sig}`,
        `sha256:${sig}`,
        `sha256= ${sig}`,
        `${sig.slice(0, 32)} ${sig.slice(32)}`,
        `\u00a0${sig}`,
        'sha256=',
        42,
        [sig],
        { toString: () => sig },
      ]) {
        throwsReason(() => wh.verify(EVENT, header), 'malformed_signature');
      }
      throwsReason(() => wh.verify(EVENT, hmac(SECRET, EVENT + ' ')), 'signature_mismatch');
      throwsReason(() => wh.verify(EVENT, hmac('whsec_other', EVENT)), 'signature_mismatch');
      throwsReason(() => wh.verify(EVENT, (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1)), 'signature_mismatch');
      for (const body of ['not json', '[1]', '42', 'null', '"text"', '{"event":']) {
        throwsReason(() => wh.verify(body, hmac(SECRET, body)), 'invalid_json');
      }
      const invalidUtf8 = new Uint8Array([0x7b, 0xff, 0x7d]);
      throwsReason(() => wh.verify(invalidUtf8, hmac(SECRET, invalidUtf8)), 'invalid_json');
      for (const secret of [undefined, null, '', [], [''], [SECRET, ''], [SECRET, undefined]]) {
        throwsReason(() => new Webhook(secret), 'missing_secret');
      }
      throwsReason(() => Webhook.sign('', EVENT), 'missing_secret');
      // A list is read entry by entry and refused at its first bad one: a sparse list as long as an
      // array can be at once, and no entry after the bad one is read.
      throwsReason(() => new Webhook(Object.assign([], { length: 2 ** 32 - 1 })), 'missing_secret');
      let reads = 0;
      const counted = new Proxy([SECRET, '', SECRET], { get: (t, k) => { if (k === '2') reads++; return Reflect.get(t, k); } });
      throwsReason(() => new Webhook(counted), 'missing_secret');
      assert.equal(reads, 0, 'the entry after the empty secret was read');
      assert.throws(() => new Webhook(42), TypeError);
      assert.throws(() => new Webhook([SECRET, 42]), TypeError);
    });

    test('verifyRequest reads a real Request, header in any case', async () => {
      const sig = hmac(SECRET, EVENT);
      const url = 'https://example.com/webhooks/asyntai';
      for (const name of ['X-Webhook-Signature', 'x-webhook-signature', 'X-WEBHOOK-SIGNATURE']) {
        const request = new Request(url, { method: 'POST', body: EVENT, headers: { [name]: sig, 'content-type': 'application/json' } });
        assert.deepEqual(await wh.verifyRequest(request), JSON.parse(EVENT));
      }
      const bytesRequest = new Request(url, { method: 'POST', body: enc.encode(BIG), headers: { 'x-webhook-signature': `sha256=${hmac(SECRET, BIG).toUpperCase()}` } });
      assert.equal((await wh.verifyRequest(bytesRequest)).event, 'message.received');
      const unsigned = new Request(url, { method: 'POST', body: EVENT });
      await assert.rejects(wh.verifyRequest(unsigned), (err) => err instanceof WebhookVerificationError && err.reason === 'missing_signature');
      const tampered = new Request(url, { method: 'POST', body: EVENT.replace('s1', 's2'), headers: { 'X-Webhook-Signature': sig } });
      await assert.rejects(wh.verifyRequest(tampered), (err) => err.reason === 'signature_mismatch');
      const read = new Request(url, { method: 'POST', body: EVENT, headers: { 'X-Webhook-Signature': sig } });
      await read.text();
      await assert.rejects(wh.verifyRequest(read), (err) => err instanceof TypeError && /already read/.test(err.message));
      await assert.rejects(wh.verifyRequest({ body: EVENT }), TypeError);
      await assert.rejects(wh.verifyRequest(null), TypeError);
    });

    test('isValid never throws, whatever it is given', () => {
      const sig = hmac(SECRET, EVENT);
      const hostile = new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
      const garbage = [null, undefined, 0, 42, NaN, -1, 1n, true, {}, [], [1, 2], () => 1, Symbol('x'), new Date(), new Map(), hostile, { length: 5 }, Object.create(null)];
      for (const body of garbage) {
        for (const header of [...garbage, sig, '', 'zz']) {
          assert.equal(wh.isValid(body, header), false);
        }
      }
      for (const header of garbage) assert.equal(wh.isValid(EVENT, header), false);
      assert.equal(wh.isValid(EVENT, sig), true, 'still works after all that');
    });

    test('throwing proxies around a secret list or a body: a typed error or false, never the trap, 20,000 times', () => {
      const trap = () => { throw new Error('trap'); };
      const list = new Proxy([SECRET], { get: trap });
      const bytes = new Proxy(enc.encode(EVENT), { get: trap });
      const sig = hmac(SECRET, EVENT);
      for (let i = 0; i < 20_000; i++) {
        assert.throws(() => new Webhook(list), (err) => err instanceof WebhookVerificationError && err.reason === 'missing_secret');
        assert.equal(wh.isValid(bytes, sig), false);
      }
      const { proxy: revoked, revoke } = Proxy.revocable([SECRET], {});
      revoke();
      assert.throws(() => new Webhook(revoked), (err) => err instanceof TypeError && /must be a string/.test(err.message));
      assert.equal(wh.isValid(revoked, revoked), false);
      // No exception unwound through the wasm (it would leave the module's stack pointer behind): it
      // still works.
      assert.equal(wh.isValid(EVENT, sig), true);
      assert.equal(new Webhook([SECRET]).verify(EVENT, sig).payload.session_id, 's1');
    });

    test('a body whose length lies, or a proxy of one: its real bytes, or false and a TypeError, never a trap', () => {
      const long = JSON.stringify({ event: 'message.received', payload: { message: 'a'.repeat(5000) } });
      for (const text of [EVENT, long]) {
        const sig = hmac(SECRET, text);
        // `length` redefined on a real Uint8Array: the bytes it views are hashed, whatever it says.
        for (const length of [1000, 2 ** 32 - 1]) {
          const lying = Object.defineProperty(enc.encode(text), 'length', { value: length });
          assert.equal(wh.isValid(lying, sig), true, `length ${length}`);
        }
        // `byteLength` out of its buffer: not a body.
        const outOfRange = Object.defineProperty(enc.encode(text), 'byteLength', { value: 2 ** 32 - 1 });
        assert.equal(wh.isValid(outOfRange, sig), false);
        // A proxy is not a raw body (and node:crypto, which hashes long bodies, refuses one).
        const proxy = new Proxy(enc.encode(text), {});
        assert.equal(wh.isValid(proxy, sig), false);
        assert.throws(() => wh.verify(proxy, sig), (err) => err instanceof TypeError && /raw request body/.test(err.message));
      }
      assert.equal(wh.isValid(EVENT, hmac(SECRET, EVENT)), true);
    });

    test('randomized: 500 random secrets and bodies agree with node:crypto', () => {
      for (let i = 0; i < 500; i++) {
        const secret = 'whsec_' + randomBytes(1 + (i % 40)).toString('base64url');
        let body;
        switch (i % 3) {
          case 0: body = randomBytes(Math.floor(Math.random() * 3000)); break;
          case 1: body = String.fromCharCode(...Array.from({ length: Math.floor(Math.random() * 500) }, () => Math.floor(Math.random() * 0x10000))); break;
          default: body = randomBytes(Math.floor(Math.random() * 200)).toString('latin1'); break;
        }
        const expected = hmac(secret, body);
        assert.equal(Webhook.sign(secret, body), expected, `case ${i}`);
        const w = new Webhook(i % 2 ? secret : ['whsec_other', secret]);
        assert.equal(w.isValid(body, expected), true, `case ${i}`);
        assert.equal(w.isValid(body, expected.toUpperCase()), true, `case ${i}`);
        const wrong = (expected[0] === '0' ? '1' : '0') + expected.slice(1);
        assert.equal(w.isValid(body, wrong), false, `case ${i}`);
        const other = typeof body === 'string' ? body + 'x' : Buffer.concat([body, Buffer.from([0])]);
        assert.equal(w.isValid(other, expected), false, `case ${i}`);
      }
    });

    // In Node, bodies from 4 KiB are hashed by node:crypto and the header judged by the wasm core; a
    // signature made by the wasm core (Webhook.sign) must verify there, and every reason stay the same.
    test('large bodies (the node:crypto path): same verdicts as the wasm core, every reason', () => {
      for (let i = 0; i < 60; i++) {
        const secret = 'whsec_' + randomBytes(1 + (i % 50)).toString('base64url');
        const size = 4096 + Math.floor(Math.random() * 70_000);
        const body = i % 2 ? randomBytes(size) : 'é'.repeat(size / 2) + randomBytes(8).toString('hex');
        const expected = hmac(secret, body);
        assert.equal(Webhook.sign(secret, body), expected, `case ${i}`);
        const w = new Webhook(i % 3 ? secret : [secret + 'x', secret]);
        for (const header of [expected, expected.toUpperCase(), `sha256=${expected}`, `  SHA256=${expected}\t\n`]) {
          assert.equal(w.isValid(body, header), true, `case ${i}: ${JSON.stringify(header.slice(0, 9))}`);
        }
        const wrong = (expected[63] === '0' ? expected.slice(0, 63) + '1' : expected.slice(0, 63) + '0');
        assert.equal(w.isValid(body, wrong), false, `case ${i}`);
        throwsReason(() => w.verify(body, wrong), 'signature_mismatch');
        throwsReason(() => w.verify(body, expected.slice(1)), 'malformed_signature');
        throwsReason(() => w.verify(body, 'g' + expected.slice(1)), 'malformed_signature');
        throwsReason(() => w.verify(body, '\u00a0' + expected), 'malformed_signature');
        throwsReason(() => w.verify(body, '  '), 'missing_signature');
        throwsReason(() => w.verify(body, expected), 'invalid_json');
      }
      const big = JSON.stringify({ event: 'lead.captured', payload: { note: 'x'.repeat(10_000) } });
      assert.equal(new Webhook(SECRET).verify(big, hmac(SECRET, big)).event, 'lead.captured');
      throwsReason(() => new Webhook(SECRET).verify(big, hmac('whsec_other', big)), 'signature_mismatch');
    });

    test('several instances and interleaved sizes share nothing', () => {
      const a = new Webhook('whsec_a');
      const b = new Webhook('whsec_b');
      for (const body of [BIG, EVENT, '', BIG.slice(0, 70_000), EVENT]) {
        assert.equal(a.isValid(body, hmac('whsec_a', body)), true);
        assert.equal(b.isValid(body, hmac('whsec_a', body)), false);
        assert.equal(b.isValid(body, hmac('whsec_b', body)), true);
      }
    });
  });
}
