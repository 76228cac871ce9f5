// The module survives: thousands of mixed failures (every error class, bad inputs, bad answers, thrown
// and hanging fetches, aborts, timeouts, hostile Retry-After values, webhook and sandbox abuse) in one
// instance of each wasm module, then a normal call succeeds in that same instance. Every failure must
// surface as one of the package's own error classes: a TypeError, a RangeError or a wasm trap
// (WebAssembly.RuntimeError: unreachable, i.e. a Rust panic) escaping would fail this test.
//
// The answers come from an in-process fetch (no network), so the run is quick; SURVIVAL_CALLS sets the
// count (default 4,000). The pseudo-random choices are seeded (SURVIVAL_SEED) and the seed is printed.

import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { startFakeApi } from "../js/fake-api.mjs";
import { loadPackage, memoryFigures, mb, scriptedFetch, sleep } from "./harness.mjs";

const { pkg, memories } = await loadPackage();
const { Asyntai, AsyntaiError, WebhookVerificationError, Webhook } = pkg;
const { MockAsyntai } = await import("asyntai-edge/testing");

const N = Number(process.env.SURVIVAL_CALLS ?? 4_000);
const SEED = Number(process.env.SURVIVAL_SEED ?? (Date.now() % 2 ** 31));
const KEY = "sk_test_survival_0123456789";

const unhandled = [];
process.on("unhandledRejection", (e) => unhandled.push(e));

/** mulberry32: a small seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const randInt = (n) => Math.floor(rand() * n);
function randString(max) {
  const alphabet = ["a", "Z", "0", " ", "\r", "\n", "\0", "\t", "/", "?", "#", "%", "&", "=", ".", '"', "\\", "é", "😀", "\u2028", "\ud800", "\udfff", "\u0085", "\u202e"];
  let s = "";
  const n = randInt(max);
  for (let i = 0; i < n; i++) s += pick(alphabet);
  return s;
}

const deepArray = (n) => "[".repeat(n) + "]".repeat(n);
const BODIES = [
  () => JSON.stringify({ success: false, error: "Bad things" }),
  () => JSON.stringify({ success: false }),
  () => JSON.stringify({ success: false, error: 123 }),
  () => JSON.stringify({ success: false, error: { nested: ["x"] } }),
  () => '{"success":true,"success":false,"error":"duplicate keys"}',
  () => '{"success":false,"success":true}',
  () => "<html><body><h1>502 Bad Gateway</h1></body></html>",
  () => "",
  () => "   \r\n ",
  () => '{"success": true, "account": {"email": "you@exa',
  () => "[1,2,3]",
  () => '"just a string"',
  () => "null",
  () => "12345",
  () => `{"error":${deepArray(5_000)}}`,
  () => `{"success":false,"error":"deep","x":${"{\"a\":".repeat(200)}1${"}".repeat(200)}}`,
  () => "\ufeff{\"success\":true}",
  () => '{"success":false,"error":"lone \\ud800 surrogate and \\u0000 NUL"}',
  () => `{"success":false,"error":"${"x".repeat(2_000_000)}"}`,
  () => new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x7b]),
  () => randString(200),
  () => `{"success":false,"error":${JSON.stringify(randString(80))}}`,
];
const STATUSES = [200, 201, 204, 299, 400, 401, 403, 404, 405, 408, 409, 418, 422, 429, 431, 500, 501, 502, 503, 504, 520, 599];
const RETRY_AFTERS = [
  null, "0", "1", "-1", "1e3", "NaN", "Infinity", "  5  ", "5.5", "9999999999", "99999999999999999999999",
  "Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 01 Nov 292278994 08:49:37 GMT", "Mon, 31 Feb 2099 25:61:61 GMT",
  "Wed, 21 Oct 2015 07:28:00 UTC", "Thu, 01 Jan -9223372036854775808 00:00:00 GMT", "Fri, 31 Dec 9999999999999 23:59:60 GMT",
  "\u00ff\u00fe", "\t", "x".repeat(10_000),
];

/** One answer of the in-process fetch, chosen by the call's scenario. */
function answerFor(scenario) {
  switch (scenario.kind) {
    case "answer": {
      const { status, body, retryAfter } = scenario;
      const headers = retryAfter === null ? {} : { "retry-after": retryAfter };
      const nullBody = status === 204;
      return new Response(nullBody ? null : body, { status, headers });
    }
    case "throw":
      throw scenario.value;
    case "not-a-response":
      return scenario.value;
    case "text-rejects":
      return { status: 200, headers: new Headers(), text: () => Promise.reject(new TypeError("terminated")) };
    case "hang":
      return new Promise(() => {});
    default:
      throw new Error(`unknown scenario ${scenario.kind}`);
  }
}

const THROWN = [
  new TypeError("fetch failed"),
  "a string",
  undefined,
  null,
  42,
  Object.assign(new Error("with cause"), { cause: new Error("inner") }),
  { get message() { throw new Error("a getter that throws"); } },
  new DOMException("aborted elsewhere", "AbortError"),
];

const OPS = [
  (c, o) => c.account.get(o),
  (c, o) => c.websites.list(o),
  (c, o) => c.chat.send({ message: "hi", session_id: "s1", website_id: 3 }, o),
  (c, o) => c.conversations.list({ session_id: "s1", limit: 5 }, o),
  (c, o) => c.sessions.list({ source: "api" }, o),
  (c, o) => c.leads.list({ website_id: "7" }, o),
  (c, o) => c.knowledge.list({}, o),
  (c, o) => c.knowledge.addText({ title: "t", content: "0123456789abc" }, o),
  (c, o) => c.knowledge.addUrl({ url: "https://example.com/faq" }, o),
  (c, o) => c.knowledge.uploadSpreadsheet({ file: new Uint8Array([97, 44, 98, 10]), filename: "x.csv" }, o),
  (c, o) => c.knowledge.delete("abc-123", o),
  (c, o) => c.webhooks.list(o),
  (c, o) => c.webhooks.create({ url: "https://example.com/h", events: ["message.received"] }, o),
  (c, o) => c.webhooks.delete("wh-1", o),
];

const cyclic = {};
cyclic.self = cyclic;
/** Bad inputs: each must be a ValidationError before any request. */
const BAD_INPUTS = [
  (c) => c.chat.send(),
  (c) => c.chat.send("hello"),
  (c) => c.chat.send([1, 2]),
  (c) => c.chat.send({ message: 42 }),
  (c) => c.chat.send({ message: "" }),
  (c) => c.chat.send({ message: "hi", website_id: -1 }),
  (c) => c.chat.send({ message: "hi", website_id: 1.5 }),
  (c) => c.chat.send({ message: "hi", website_id: NaN }),
  (c) => c.chat.send({ message: "hi", website_id: "12a" }),
  (c) => c.chat.send({ message: "hi", website_id: 10n }),
  (c) => c.chat.send({ message: "hi", extra: cyclic }),
  (c) => c.chat.send({ message: "hi", sessionId: "typo" }),
  (c) => c.chat.send({ message: "hi", session_id: randString(30) + "\n" }),
  (c) => c.conversations.list({}),
  (c) => c.conversations.list({ session_id: "s", limit: 0 }),
  (c) => c.conversations.list({ session_id: "s", limit: 101 }),
  (c) => c.conversations.list({ session_id: "s", limit: "5" }),
  (c) => c.conversations.list({ session_id: "x".repeat(100_000) }),
  (c) => c.sessions.list({ source: "email" }),
  (c) => c.knowledge.addText({ title: "t", content: "short" }),
  (c) => c.knowledge.addUrl({ url: "ftp://example.com" }),
  (c) => c.knowledge.addUrl({ url: "javascript:alert(1)" }),
  (c) => c.knowledge.uploadSpreadsheet({}),
  (c) => c.knowledge.uploadSpreadsheet({ file: "a,b" }),
  (c) => c.knowledge.uploadSpreadsheet({ file: new Uint8Array(0), filename: "x.csv" }),
  (c) => c.knowledge.uploadSpreadsheet({ file: new Uint8Array(3), filename: "x.pdf" }),
  (c) => c.knowledge.delete(""),
  (c) => c.knowledge.delete(".."),
  (c) => c.knowledge.delete({ id: 1 }),
  (c) => c.webhooks.create({ url: "http://example.com/h", events: ["x"] }),
  (c) => c.webhooks.create({ url: "https://example.com/h", events: [] }),
  (c) => c.webhooks.create({ url: "https://example.com/h", events: "message.received" }),
  (c) => c.webhooks.delete(null),
  (c) => c.account.get("options"),
  (c) => c.account.get({ timeout: -1 }),
  (c) => c.account.get({ timeout: Infinity }),
  (c) => c.account.get({ maxRetries: 1.5 }),
  (c) => c.account.get({ signal: {} }),
  (c) => c.account.get({ headers: { "x-a": "b\r\nc" } }),
];

describe("bad answers, each one", () => {
  it("every body x every status: the documented class, a message, never a foreign error", async () => {
    const problems = [];
    let cells = 0;
    for (const status of STATUSES) {
      for (const [b, make] of BODIES.entries()) {
        const body = make();
        const fetch = scriptedFetch(() => new Response(status === 204 ? null : body, { status }));
        const client = new Asyntai({ apiKey: KEY, fetch, maxRetries: 0 });
        cells++;
        try {
          await client.account.get();
          // Only a 2xx JSON object without success:false is a value (JSON.parse's reading: the last duplicate key wins).
          let parsed;
          // (Response.text() drops a UTF-8 byte order mark, as fetch's "UTF-8 decode" does.)
          try { parsed = JSON.parse(typeof body === "string" ? body.replace(/^\ufeff/, "") : ""); } catch { /* not JSON */ }
          const okBody = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) && parsed.success !== false;
          if (!(status >= 200 && status < 300 && okBody)) problems.push(`${status} body#${b}: a value`);
        } catch (e) {
          const expected = status >= 200 && status < 300
            ? ["APIError", "APIConnectionError"]
            : [({ 400: "BadRequestError", 401: "AuthenticationError", 403: "PermissionDeniedError", 404: "NotFoundError", 429: "RateLimitError", 503: "ServiceUnavailableError" })[status]
              ?? (status >= 500 ? "InternalServerError" : "APIError")];
          if (!(e instanceof AsyntaiError)) problems.push(`${status} body#${b}: ${e?.constructor?.name}: ${e?.message}`);
          else if (!expected.includes(e.constructor.name)) problems.push(`${status} body#${b}: ${e.constructor.name}, expected ${expected.join(" or ")}`);
          else if (typeof e.message !== "string" || e.message === "") problems.push(`${status} body#${b}: ${e.constructor.name} with an empty message (status ${e.status}, error ${JSON.stringify(e.error)})`);
          else if (e.constructor.name !== "APIConnectionError" && e.status !== status) problems.push(`${status} body#${b}: status ${e.status}`);
        }
      }
    }
    assert.deepEqual(problems, [], `${problems.length} of ${cells} cells`);
  });
});

describe("module survival", () => {
  const fake = { server: null };
  after(async () => {
    if (fake.server) await fake.server.close();
  });

  it(`${N} mixed failures, then a normal call succeeds in the same instance`, { timeout: 10 * 60_000 }, async () => {
    const byClass = new Map();
    const foreign = [];
    const note = (e) => {
      const name = e?.constructor?.name ?? typeof e;
      byClass.set(name, (byClass.get(name) ?? 0) + 1);
      if (!(e instanceof AsyntaiError) && foreign.length < 10) foreign.push(`${name}: ${e?.message ?? e}`);
      if (e instanceof AsyntaiError && e.name !== name && foreign.length < 10) foreign.push(`${name} named ${JSON.stringify(e.name)}`);
    };
    let scenario;
    const fetch = scriptedFetch(() => answerFor(scenario));
    const client = new Asyntai({ apiKey: KEY, baseURL: "https://api.invalid/api/v1/", fetch, maxRetries: 0, timeout: 50 });
    const start = await memoryFigures(memories);
    const t0 = performance.now();
    let failures = 0;
    let successes = 0;
    let fetchCallsBefore = 0;
    let mid;
    for (let i = 0; i < N; i++) {
      if (i === N >> 1) mid = await memoryFigures(memories);
      const r = rand();
      let run;
      let expectNoFetch = false;
      if (r < 0.25) {
        run = () => pick(BAD_INPUTS)(client);
        expectNoFetch = true;
      } else if (r < 0.75) {
        const body = pick(BODIES)();
        scenario = { kind: "answer", status: pick(STATUSES), body, retryAfter: pick(RETRY_AFTERS) };
        run = () => pick(OPS)(client);
      } else if (r < 0.85) {
        scenario = { kind: "throw", value: pick(THROWN) };
        run = () => pick(OPS)(client);
      } else if (r < 0.9) {
        scenario = pick([{ kind: "not-a-response", value: {} }, { kind: "not-a-response", value: null }, { kind: "text-rejects" }]);
        run = () => pick(OPS)(client);
      } else if (r < 0.93) {
        scenario = { kind: "hang" };
        run = () => pick(OPS)(client, { timeout: 1 + randInt(5) });
      } else {
        scenario = { kind: "hang" };
        const ac = new AbortController();
        const when = randInt(3);
        if (when === 0) ac.abort(pick([undefined, new Error("reason"), "reason"]));
        else if (when === 1) queueMicrotask(() => ac.abort());
        else setTimeout(() => ac.abort(), 1);
        run = () => pick(OPS)(client, { signal: ac.signal, timeout: 1_000 });
      }
      fetchCallsBefore = fetch.calls;
      try {
        await run();
        successes++;
      } catch (e) {
        failures++;
        note(e);
      }
      if (expectNoFetch) assert.equal(fetch.calls, fetchCallsBefore, "a bad input reached fetch");
    }

    // Webhook abuse in the same core instance.
    const wh = new Webhook(["whsec_a", "whsec_b"]);
    for (let i = 0; i < Math.max(500, N / 4); i++) {
      const body = pick([randString(100), new Uint8Array([0xff, 0x00, 0x7b]), "{}", "x".repeat(100_000), new ArrayBuffer(3)]);
      const header = pick([undefined, null, "", randString(80), "sha256=" + "f".repeat(64), "F".repeat(64), "x".repeat(1_000_000), Webhook.sign("whsec_b", "{}")]);
      try {
        wh.verify(body, header);
        successes++;
      } catch (e) {
        failures++;
        note(e);
        if (!(e instanceof WebhookVerificationError)) foreign.push(`webhook: ${e?.constructor?.name}: ${e?.message}`);
      }
      assert.equal(typeof wh.isValid(body, header), "boolean");
    }
    for (const bad of [undefined, "", [], [""]]) {
      try {
        new Webhook(bad).verify("{}", "0".repeat(64));
      } catch (e) {
        failures++;
        note(e);
      }
    }
    // A secret of the wrong type is a programming error: a TypeError, as JavaScript APIs do.
    for (const bad of [42, {}, [1]]) assert.throws(() => new Webhook(bad), (e) => e instanceof TypeError || e instanceof AsyntaiError);

    // Sandbox abuse: hostile requests to mock.fetch; it must answer (a Response) or refuse like fetch (TypeError).
    const mock = new MockAsyntai({ apiKey: KEY });
    let mockAnswers = 0;
    for (let i = 0; i < Math.max(500, N / 4); i++) {
      const method = pick(["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS"]);
      const path = pick(["/api/v1/chat/", "/api/v1/knowledge/", "/api/v1/knowledge/" + encodeURIComponent(randString(10).replace(/[\ud800-\udfff]/g, "x")) + "/", "/api/v1/webhooks/", "/api/v1/knowledge/spreadsheet/", "/api/v1/../x", "/x"]);
      const headers = pick([{ authorization: `Bearer ${KEY}` }, { "x-api-key": KEY }, {}, { authorization: "Bearer wrong" }]);
      if (rand() < 0.5) headers["content-type"] = pick(["application/json", "multipart/form-data; boundary=b", "text/plain", "multipart/form-data"]);
      const body = method === "GET" ? undefined : pick([randString(200), JSON.stringify({ message: randString(50) }), JSON.stringify({ title: "t", content: randString(40) }), "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\na,b\r\n1,2\r\n--b--\r\n"]);
      try {
        const res = await mock.fetch(`http://sandbox.test${path}`, { method, headers, body });
        assert.ok(res instanceof Response);
        assert.ok(res.status >= 200 && res.status < 600);
        const json = await res.json();
        assert.equal(typeof json.success, "boolean");
        mockAnswers++;
      } catch (e) {
        if (!(e instanceof TypeError) && !(e instanceof AsyntaiError)) foreign.push(`mock: ${e?.constructor?.name}: ${e?.message}`);
      }
    }

    const ms = performance.now() - t0;
    await sleep(20);
    const end = await memoryFigures(memories);

    // The same instances still work.
    scenario = { kind: "answer", status: 200, body: JSON.stringify({ success: true, account: { email: "a@b.c", plan: "pro", messages_used: 1, messages_limit: 2 } }), retryAfter: null };
    const account = await client.account.get();
    assert.equal(account.account.plan, "pro");
    fake.server = await startFakeApi();
    const real = new Asyntai({ apiKey: KEY, baseURL: fake.server.url, maxRetries: 0 });
    const chat = await real.chat.send({ message: "still alive?", session_id: "after-the-storm" });
    assert.equal(chat.session_id, "after-the-storm");
    const signed = Webhook.sign("whsec_a", '{"event":"lead.captured","payload":{}}');
    assert.equal(wh.verify('{"event":"lead.captured","payload":{}}', signed).event, "lead.captured");
    const sandbox = new Asyntai({ apiKey: KEY, fetch: mock.fetch, maxRetries: 0 });
    assert.equal((await sandbox.chat.send({ message: "hello" })).success, true);

    const classes = [...byClass.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(
      `survival (seed ${SEED}): ${N} client calls + webhook and sandbox abuse in ${Math.round(ms)} ms: ${failures} failures, ${successes} successes, ${mockAnswers} sandbox answers\n` +
        `  errors by class: ${classes}\n` +
        `  wasm linear memory: start ${mb(start.wasm)}, half-way ${mb(mid.wasm)}, end ${mb(end.wasm)} (it grows to the largest answer seen, ~2 MB bodies, and never shrinks)\n` +
        `  JS heap after GC: start ${mb(start.heapUsed)}, half-way ${mb(mid.heapUsed)}, end ${mb(end.heapUsed)}`,
    );
    // The second half of the storm, with the same mix, must not need more memory than the first did.
    assert.ok(end.wasm - mid.wasm <= 4 * 1048576, `wasm memory grew by ${mb(end.wasm - mid.wasm)} in the second half`);
    assert.ok(end.heapUsed - mid.heapUsed <= 4 * 1048576, `JS heap grew by ${mb(end.heapUsed - mid.heapUsed)} in the second half`);
    assert.deepEqual(foreign, [], "errors that are not the package's own classes");
    for (const cls of ["ValidationError", "APIError", "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
      "RateLimitError", "InternalServerError", "ServiceUnavailableError", "APIConnectionError", "APITimeoutError", "APIUserAbortError", "WebhookVerificationError"]) {
      assert.ok(byClass.get(cls) > 0, `no ${cls} was raised: the mix must cover every error class`);
    }
    assert.ok(failures >= N / 2, `${failures} failures`);
    await sleep(10);
    assert.deepEqual(unhandled.map(String), [], "unhandled rejections");
  });
});
