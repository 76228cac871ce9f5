// The checks every runtime test runs against the app (app/handler.mjs) once its runtime serves it.
// Expected values come from elsewhere than the package: the fake API's record of what reached it and
// what it answered, signatures made with node:crypto, the documented error classes and reasons.
//
// Usage, inside a describe():
//   const ctx = {};               // before(): ctx.fake = await startFakeApi(); ctx.apiUrl = the base URL
//                                 // the runtime reaches the fake API at; ctx.send = (path, init) =>
//                                 // Promise<{ status, json }>, init = { method, headers, body: string }
//   scenario(ctx, { browser, compiles });
//     browser:  the app runs in a page (dangerouslyAllowBrowser matters)
//     compiles: whether the runtime lets code compile wasm from bytes (false: workerd, Vercel Edge)
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { faults } from '../js/fake-api.mjs';
import { GOOD_KEY, BAD_KEY, SECRET } from './app/constants.mjs';

const sign = (body, secret = SECRET) => createHmac('sha256', secret).update(body, 'utf8').digest('hex');

/** A webhook body with non-ASCII text: the signature is over the UTF-8 bytes as sent. */
const EVENT = {
  event: 'lead.captured',
  payload: { email: 'zoë@example.com', session_id: 'session_ünïcode_✓', website_domain: 'example.com' },
};
const BODY = JSON.stringify(EVENT);

export function scenario(ctx, { browser = false, compiles = true } = {}) {
  const extra = browser ? { 'x-dangerously-allow-browser': '1' } : {};
  let client;
  /** /client once: its three checks read the same run. */
  const clientRun = () =>
    (client ??= (async () => {
      ctx.fake.reset();
      ctx.fake.respond((rec) =>
        rec.headers.authorization === `Bearer ${GOOD_KEY}` ? undefined : faults.error(401, 'Invalid API key'),
      );
      const res = await ctx.send('/client', { headers: { 'x-api-url': ctx.apiUrl, ...extra } });
      return { res, requests: [...ctx.fake.requests] };
    })());

  it('client: account.get() and chat.send() reach the API and return its answers, parsed', async () => {
    const { res, requests } = await clientRun();
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path}`),
      ['GET /api/v1/account/', 'POST /api/v1/chat/', 'GET /api/v1/websites/'],
      'the requests that reached the API (the ValidationError case sends none)',
    );
    const [account, chat] = requests;
    assert.equal(account.headers.authorization, `Bearer ${GOOD_KEY}`);
    assert.equal(res.json.account.error, undefined, JSON.stringify(res.json.account.error));
    assert.deepEqual(res.json.account.value, JSON.parse(account.response.body));
    assert.deepEqual(chat.json, { message: 'Hello from the runtime test', website_id: 2 });
    assert.deepEqual(res.json.chat.value, JSON.parse(chat.response.body));
    assert.equal(res.json.defaultIsNamed, true, 'the default export is the Asyntai class');
  });

  it('client: a refused key is a typed AuthenticationError (instanceof works, no key in it)', async () => {
    const { res } = await clientRun();
    const err = res.json.auth.error;
    assert.ok(err, `expected an error, got ${JSON.stringify(res.json.auth)}`);
    assert.equal(err.name, 'AuthenticationError');
    assert.equal(err.status, 401);
    assert.equal(err.apiError, 'Invalid API key');
    assert.equal(err.isError, true);
    assert.equal(err.isAuthenticationError, true);
    assert.equal(err.isAPIError, true);
    assert.equal(err.isAsyntaiError, true);
    assert.ok(!JSON.stringify(err).includes(BAD_KEY), 'the API key appears nowhere in the error');
  });

  it('client: bad input is a ValidationError, thrown before any request', async () => {
    const { res } = await clientRun();
    const err = res.json.validation.error;
    assert.ok(err, `expected an error, got ${JSON.stringify(res.json.validation)}`);
    assert.equal(err.name, 'ValidationError');
    assert.equal(err.field, 'limit');
    assert.equal(err.isValidationError, true);
    assert.equal(err.isAsyntaiError, true);
    assert.equal(err.isAPIError, false);
  });

  it('client: 12,000 calls in one request all answer, and the runtime\'s timers still work after them', async () => {
    const res = await ctx.send('/many', { headers: extra });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json, { value: 12000, calls: 12000, timer: 'fired' });
  });

  it('client: calls in flight together each time out at their own deadline (one started 150 ms later too)', async () => {
    const res = await ctx.send('/deadlines', { headers: extra });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const { first, together, later } = res.json;
    for (const [name, r] of Object.entries({ first, together, later })) {
      assert.equal(r.error, 'APITimeoutError', `${name}: ${JSON.stringify(r)}`);
      assert.ok(r.ms >= 280 && r.ms < 2000, `${name} failed after ${r.ms} ms (timeout 300 ms)`);
    }
  });

  it('client: a fetch that never answers is aborted at the timeout, retried once, then APITimeoutError', async () => {
    const res = await ctx.send('/timeout', { headers: extra });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const { error, attempts, aborted, ms } = res.json;
    assert.ok(error, `expected an error, got ${JSON.stringify(res.json)}`);
    assert.equal(error.name, 'APITimeoutError');
    assert.equal(attempts, 2, 'maxRetries: 1 -> two attempts');
    assert.deepEqual(aborted, [true, true], "each attempt's fetch got a signal, aborted when its timeout fired");
    assert.ok(ms >= 100, `two attempts of 50 ms each took ${ms} ms`);
  });

  for (const [route, entry] of [['/webhook', 'asyntai-edge'], ['/webhook-small', 'asyntai-edge/webhooks']]) {
    it(`${entry}: verifyRequest() accepts a webhook signed with node:crypto`, async () => {
      const res = await ctx.send(route, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-signature': sign(BODY) },
        body: BODY,
      });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.deepEqual(res.json.value, EVENT);
    });

    it(`${entry}: verifyRequest() refuses a changed body and a missing signature`, async () => {
      const tampered = BODY.replace('zoë', 'zoe');
      const bad = await ctx.send(route, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-signature': sign(BODY) },
        body: tampered,
      });
      assert.equal(bad.status, 400, JSON.stringify(bad.json));
      assert.equal(bad.json.error.name, 'WebhookVerificationError');
      assert.equal(bad.json.error.reason, 'signature_mismatch');
      const flag = route === '/webhook' ? 'isWebhookVerificationError' : 'isSmallWebhookVerificationError';
      assert.equal(bad.json.error[flag], true, `instanceof the WebhookVerificationError ${entry} exports`);
      const unsigned = await ctx.send(route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
      assert.equal(unsigned.status, 400, JSON.stringify(unsigned.json));
      assert.equal(unsigned.json.error.reason, 'missing_signature');
    });
  }

  it('isValid() hashes the bytes a Uint8Array views, whatever its `length` says (2 ** 32 - 1), in both entries', async () => {
    const res = await ctx.send('/webhook-lying', { method: 'POST', headers: { 'x-webhook-signature': sign(BODY) }, body: BODY });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json, { main: { value: true }, small: { value: true } });
  });

  it('asyntai-edge/testing: MockAsyntai answers the client from its knowledge base, refuses a wrong key', async () => {
    const res = await ctx.send('/sandbox', { headers: extra });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const { added, chat, refused } = res.json;
    assert.equal(added.value?.success, true, JSON.stringify(added));
    assert.match(chat.value?.response ?? JSON.stringify(chat), /opens at 9:30/);
    assert.equal(refused.error?.status, 401, JSON.stringify(refused));
    assert.equal(refused.error.isAuthenticationError, true);
  });

  it(compiles ? 'the runtime allows compiling wasm from bytes (a probe: the package never relies on it)'
    : 'the runtime refuses to compile wasm from bytes, so the package above never did', async () => {
    const res = await ctx.send('/compile-probe', {});
    assert.equal(res.json.compiled, compiles, JSON.stringify(res.json));
  });

  if (browser) {
    it('browser page: without dangerouslyAllowBrowser the constructor throws AsyntaiError', async () => {
      const res = await ctx.send('/browser-guard', {});
      assert.equal(res.json.constructed, false, 'new Asyntai() must throw in a page');
      assert.equal(res.json.error.name, 'AsyntaiError');
      assert.equal(res.json.error.isAsyntaiError, true);
      assert.match(res.json.error.message, /dangerouslyAllowBrowser/);
    });
  } else {
    it('not a browser: the constructor needs no dangerouslyAllowBrowser', async () => {
      const res = await ctx.send('/browser-guard', {});
      assert.deepEqual(res.json, { constructed: true });
    });
  }
}
