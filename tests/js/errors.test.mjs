// sdk-spec.md "Errors" and "Retries" against a fake Asyntai that misbehaves on cue: for each fault the
// error class, `name`, `status`, `error`, `body`, `headers`, `retryAfter`, how many requests were made
// and how long it took. Last, a sweep: the API key appears in none of the errors produced here.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import util from "node:util";
import {
  Asyntai,
  AsyntaiError,
  ValidationError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  InternalServerError,
  ServiceUnavailableError,
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
} from "asyntai-edge";
import { startFakeApi, faults, HTML_502 } from "./fake-api.mjs";

const KEY = "sk_test_SECRET123";
/** Every error any test here produced, for the final sweep. */
const collected = [];

// Each test gets its own fake server, so the tests of a describe run concurrently (most of the time
// here is spent waiting on purpose: backoffs, Retry-After, timeouts, "no second request" windows).
const CONCURRENT = { concurrency: true };
function test(name, fn) {
  it(name, async () => {
    const fake = await startFakeApi();
    const client = (opts = {}) => new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0, ...opts });
    try {
      await fn({ fake, client });
    } finally {
      await fake.close();
    }
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(call) {
  const t0 = performance.now();
  try {
    const value = await call();
    return { value, ms: performance.now() - t0 };
  } catch (err) {
    collected.push(err);
    return { err, ms: performance.now() - t0 };
  }
}
async function fails(call) {
  const r = await run(call);
  assert.ok(r.err !== undefined, `expected a rejection, the call resolved: ${JSON.stringify(r.value)}`);
  return r;
}
async function succeeds(call) {
  const r = await run(call);
  assert.equal(r.err, undefined, `unexpected ${r.err?.name}: ${r.err?.message}`);
  assert.equal(r.value.success, true);
  return r;
}

/** A header from `err.headers`, whatever its shape (Headers, Map, plain object). */
function headerOf(h, name) {
  if (h == null) return undefined;
  if (typeof h.get === "function") {
    const v = h.get(name);
    if (v != null) return v;
    if (h instanceof Map) {
      for (const [k, x] of h) if (String(k).toLowerCase() === name) return x;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function assertApiError(err, exp) {
  const cls = exp.cls;
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${err?.name}: ${err?.message}`);
  assert.ok(err instanceof APIError, "extends APIError");
  assert.ok(err instanceof AsyntaiError, "extends AsyntaiError");
  assert.ok(err instanceof Error, "extends Error");
  assert.ok(!(err instanceof APIConnectionError), "an answer is not a connection error");
  assert.equal(err.name, exp.name ?? cls.name);
  assert.equal(err.status, exp.status);
  if ("error" in exp) assert.equal(err.error, exp.error);
  if ("body" in exp) assert.deepStrictEqual(err.body, exp.body);
  if ("retryAfter" in exp) assert.equal(err.retryAfter, exp.retryAfter);
  if (exp.requestId) assert.equal(headerOf(err.headers, "x-request-id"), exp.requestId);
  assert.equal(typeof err.message, "string");
  assert.ok(err.message.length > 0);
}

function assertConnectionError(err, cls = APIConnectionError) {
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${err?.name}: ${err?.message}`);
  assert.ok(err instanceof APIConnectionError);
  assert.ok(err instanceof AsyntaiError);
  assert.ok(err instanceof Error);
  assert.ok(!(err instanceof APIError), "a connection error is not an APIError");
  assert.equal(err.name, cls.name);
}

function bodiesEqual(reqs) {
  for (const r of reqs) assert.equal(r.body, reqs[0].body, "a retry sends the same body");
}

// ---------------------------------------------------------------------------------------------------
describe("non-2xx answers map to classes; 4xx are never retried", CONCURRENT, () => {
  const cases = [
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, APIError],
    [422, APIError],
  ];
  for (const [status, cls] of cases) {
    for (const [label, call] of [
      ["GET /account/", (c) => c.account.get()],
      ["POST /chat/", (c) => c.chat.send({ message: "Hi" })],
      ["DELETE /knowledge/{id}/", (c) => c.knowledge.delete("abc-123-def")],
    ]) {
      test(`${status} on ${label} -> ${cls.name}, 1 request even with maxRetries 2`, async ({ fake, client }) => {
        const message = `error ${status} from the API`;
        fake.respond(faults.error(status, message, { "X-Request-Id": "req_123" }));
        const { err, ms } = await fails(() => call(client({ maxRetries: 2 })));
        assertApiError(err, {
          cls,
          status,
          error: message,
          body: { success: false, error: message },
          retryAfter: null,
          requestId: "req_123",
        });
        if (cls === APIError) {
          for (const sub of [BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitError, InternalServerError, ServiceUnavailableError]) {
            assert.ok(!(err instanceof sub), `${status} is not a ${sub.name}`);
          }
        }
        await sleep(50);
        assert.equal(fake.requests.length, 1);
        assert.ok(ms < 1000, `took ${ms} ms`);
      });
    }
  }

  test("a JSON error body without `error` -> error null, body the parsed JSON", async ({ fake, client }) => {
    fake.respond(faults.status(400, { detail: "nope", code: 7 }));
    const { err } = await fails(() => client().account.get());
    assertApiError(err, { cls: BadRequestError, status: 400, error: null, body: { detail: "nope", code: 7 }, retryAfter: null });
  });

  test("an empty 500 body -> InternalServerError, error null", async ({ fake, client }) => {
    fake.respond(faults.empty(500));
    const { err } = await fails(() => client().account.get());
    assertApiError(err, { cls: InternalServerError, status: 500, error: null, retryAfter: null });
    assert.ok(err.body === "" || err.body === null, `body of an empty answer: ${JSON.stringify(err.body)}`);
  });
});

// ---------------------------------------------------------------------------------------------------
describe("429: monthly quota vs Retry-After", CONCURRENT, () => {
  for (const [label, call] of [
    ["POST /chat/", (c) => c.chat.send({ message: "Hi" })],
    ["GET /account/", (c) => c.account.get()],
  ]) {
    test(`429 without Retry-After on ${label} -> RateLimitError at once, 1 request even with maxRetries 2`, async ({ fake, client }) => {
      fake.respond(faults.error(429, "Monthly message limit reached"));
      const { err, ms } = await fails(() => call(client({ maxRetries: 2 })));
      assertApiError(err, {
        cls: RateLimitError,
        status: 429,
        error: "Monthly message limit reached",
        body: { success: false, error: "Monthly message limit reached" },
        retryAfter: null,
      });
      await sleep(100);
      assert.equal(fake.requests.length, 1);
      assert.ok(ms < 400, `raised at once, took ${ms} ms`);
    });
  }

  test("429 with Retry-After: 1 on POST /chat/ is retried after about 1 s", async ({ fake, client }) => {
    fake.respond(faults.error(429, "slow down", { "Retry-After": "1" }));
    const { value, ms } = await succeeds(() => client({ maxRetries: 2 }).chat.send({ message: "Hi", session_id: "s1" }));
    assert.equal(fake.requests.length, 2);
    bodiesEqual(fake.requests);
    assert.equal(value.session_id, "s1");
    assert.ok(ms >= 900, `Retry-After honoured: waited only ${ms} ms`);
    assert.ok(ms < 3000, `took ${ms} ms`);
  });

  test("429 with Retry-After: 1 and maxRetries 0 -> RateLimitError with retryAfter 1", async ({ fake, client }) => {
    fake.respond(faults.error(429, "slow down", { "Retry-After": "1" }));
    const { err, ms } = await fails(() => client({ maxRetries: 0 }).chat.send({ message: "Hi" }));
    assertApiError(err, { cls: RateLimitError, status: 429, error: "slow down", retryAfter: 1 });
    assert.equal(fake.requests.length, 1);
    assert.ok(ms < 500, `took ${ms} ms`);
  });

  test("429 with Retry-After: 1 twice and maxRetries 1 -> RateLimitError after 2 requests", async ({ fake, client }) => {
    fake.respond([
      faults.error(429, "slow down", { "Retry-After": "1" }),
      faults.error(429, "slow down again", { "Retry-After": "1" }),
    ]);
    const { err, ms } = await fails(() => client({ maxRetries: 1 }).chat.send({ message: "Hi" }));
    assertApiError(err, { cls: RateLimitError, status: 429, error: "slow down again", retryAfter: 1 });
    assert.equal(fake.requests.length, 2);
    assert.ok(ms >= 900 && ms < 3000, `took ${ms} ms`);
  });
});

// ---------------------------------------------------------------------------------------------------
describe("5xx and 408: GET/DELETE retried, POST only on 503", CONCURRENT, () => {
  test("500 on GET with maxRetries 2 -> InternalServerError after 3 requests", async ({ fake, client }) => {
    fake.respond(() => faults.error(500, "boom", { "X-Request-Id": "req_500" }));
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).account.get());
    assertApiError(err, { cls: InternalServerError, status: 500, error: "boom", retryAfter: null, requestId: "req_500" });
    assert.equal(fake.requests.length, 3);
    assert.ok(fake.requests.every((r) => r.method === "GET" && r.path === "/api/v1/account/"));
    assert.ok(ms < 6000, `backoff about 0.5 s doubling; took ${ms} ms`);
  });

  test("500 then 200 on GET -> the success body, 2 requests", async ({ fake, client }) => {
    fake.respond(faults.error(500, "boom"));
    const { value } = await succeeds(() => client({ maxRetries: 2 }).websites.list());
    assert.equal(fake.requests.length, 2);
    assert.deepStrictEqual(value, JSON.parse(fake.requests[1].response.body));
  });

  test("500 on POST /chat/ -> InternalServerError, 1 request even with maxRetries 2", async ({ fake, client }) => {
    fake.respond(() => faults.error(500, "boom"));
    const { err } = await fails(() => client({ maxRetries: 2 }).chat.send({ message: "Hi" }));
    assertApiError(err, { cls: InternalServerError, status: 500, error: "boom" });
    await sleep(700);
    assert.equal(fake.requests.length, 1, "a chat message must not be sent twice after a 500");
  });

  for (const [status, label] of [
    [502, "502"],
    [504, "504"],
    [408, "408"],
  ]) {
    test(`${label} then 200 on GET -> retried, 2 requests`, async ({ fake, client }) => {
      fake.respond(faults.error(status, `status ${status}`));
      await succeeds(() => client({ maxRetries: 2 }).account.get());
      assert.equal(fake.requests.length, 2);
    });
    test(`${label} on POST /knowledge/text/ -> not retried, 1 request`, async ({ fake, client }) => {
      fake.respond(() => faults.error(status, `status ${status}`));
      const { err } = await fails(() =>
        client({ maxRetries: 2 }).knowledge.addText({ title: "T", content: "0123456789" }),
      );
      assertApiError(err, { cls: status === 408 ? APIError : InternalServerError, status, error: `status ${status}` });
      await sleep(700);
      assert.equal(fake.requests.length, 1);
    });
  }

  test("DELETE is retried: 500, 503, then 200 -> 3 requests", async ({ fake, client }) => {
    fake.respond([faults.error(500, "boom"), faults.error(503, "busy")]);
    const { value } = await succeeds(() => client({ maxRetries: 2 }).knowledge.delete("abc-123-def"));
    assert.equal(fake.requests.length, 3);
    assert.ok(fake.requests.every((r) => r.method === "DELETE" && r.path === "/api/v1/knowledge/abc-123-def/"));
    assert.equal(value.message, "Knowledge base entry deleted");
  });

  test("503 on POST /chat/ is retried: 503 then 200 -> 2 requests, same body", async ({ fake, client }) => {
    fake.respond(faults.error(503, "AI service temporarily unavailable"));
    const { value } = await succeeds(() =>
      client({ maxRetries: 2 }).chat.send({ message: "Hi", session_id: "s-503", website_id: 3 }),
    );
    assert.equal(fake.requests.length, 2);
    bodiesEqual(fake.requests);
    assert.deepStrictEqual(JSON.parse(fake.requests[1].body), { message: "Hi", session_id: "s-503", website_id: 3 });
    assert.equal(value.session_id, "s-503");
  });

  test("503 on POST with Retry-After: 1 waits about 1 s", async ({ fake, client }) => {
    fake.respond(faults.error(503, "busy", { "Retry-After": "1" }));
    const { ms } = await succeeds(() => client({ maxRetries: 1 }).webhooks.create({ url: "https://example.com/h", events: ["message.received"] }));
    assert.equal(fake.requests.length, 2);
    bodiesEqual(fake.requests);
    assert.ok(ms >= 900 && ms < 3000, `took ${ms} ms`);
  });

  test("503 every time on POST with maxRetries 2 -> ServiceUnavailableError after 3 requests", async ({ fake, client }) => {
    fake.respond(() => faults.error(503, "AI service temporarily unavailable", { "X-Request-Id": "req_503" }));
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).chat.send({ message: "Hi" }));
    assertApiError(err, {
      cls: ServiceUnavailableError,
      status: 503,
      error: "AI service temporarily unavailable",
      body: { success: false, error: "AI service temporarily unavailable" },
      retryAfter: null,
      requestId: "req_503",
    });
    assert.equal(fake.requests.length, 3);
    assert.ok(ms < 6000, `took ${ms} ms`);
  });

  test("an HTML 502 page -> InternalServerError (an APIError), body the raw text, error null", async ({ fake, client }) => {
    fake.respond(faults.html(502));
    const { err } = await fails(() => client({ maxRetries: 0 }).account.get());
    assertApiError(err, { cls: InternalServerError, status: 502, error: null, body: HTML_502, retryAfter: null });
    assert.match(headerOf(err.headers, "content-type") ?? "", /text\/html/);
    assert.equal(fake.requests.length, 1);
  });

  test("an error page longer than 1 MiB -> its first MiB (the key's start at the cut dropped), then a note", async ({ fake, client }) => {
    const MiB = 1 << 20;
    const CUT = "[cut: the body was longer than 1 MiB]";
    // The key straddles the cut: its first 7 characters are the last ones of the first MiB.
    const head = "<html>" + "x".repeat(MiB - 6 - 7);
    fake.respond(faults.html(502, head + KEY + "y".repeat(2 * MiB)));
    const { err } = await fails(() => client().account.get());
    assertApiError(err, { cls: InternalServerError, status: 502, error: null, body: head + CUT });
    // exactly 1 MiB: kept whole
    const whole = "<html>" + "z".repeat(MiB - 6);
    fake.respond(faults.html(502, whole));
    const second = await fails(() => client().account.get());
    assert.equal(second.err.body, whole);
  });

  test("an HTML 502 page on POST /chat/ -> 1 request even with maxRetries 2", async ({ fake, client }) => {
    fake.respond(() => faults.html(502));
    const { err } = await fails(() => client({ maxRetries: 2 }).chat.send({ message: "Hi" }));
    assertApiError(err, { cls: InternalServerError, status: 502, error: null, body: HTML_502 });
    await sleep(700);
    assert.equal(fake.requests.length, 1);
  });
});

// ---------------------------------------------------------------------------------------------------
describe("Retry-After: HTTP date and the 60 s cap", CONCURRENT, () => {
  test("Retry-After as an HTTP date (about 2 s ahead) is honoured", async ({ fake, client }) => {
    const when = new Date(Date.now() + 2000).toUTCString();
    fake.respond(faults.error(503, "busy", { "Retry-After": when }));
    const { ms } = await succeeds(() => client({ maxRetries: 1 }).account.get());
    assert.equal(fake.requests.length, 2);
    // the date has whole seconds: the wait is between about 1 and 2 s
    assert.ok(ms >= 700 && ms < 4000, `took ${ms} ms`);
  });

  test("Retry-After as an HTTP date, not retried -> retryAfter in seconds", async ({ fake, client }) => {
    const when = new Date(Date.now() + 2000).toUTCString();
    fake.respond(faults.error(503, "busy", { "Retry-After": when }));
    const { err } = await fails(() => client({ maxRetries: 0 }).account.get());
    assertApiError(err, { cls: ServiceUnavailableError, status: 503, error: "busy" });
    assert.equal(typeof err.retryAfter, "number");
    assert.ok(err.retryAfter >= 0 && err.retryAfter <= 3, `retryAfter ${err.retryAfter}`);
  });

  test("Retry-After: 120 (beyond 60 s) on POST -> raised at once with retryAfter 120, 1 request", async ({ fake, client }) => {
    fake.respond(() => faults.error(503, "busy", { "Retry-After": "120" }));
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).chat.send({ message: "Hi" }));
    assertApiError(err, { cls: ServiceUnavailableError, status: 503, error: "busy", retryAfter: 120 });
    assert.equal(fake.requests.length, 1);
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  test("Retry-After: 61 on GET -> raised at once with retryAfter 61, 1 request", async ({ fake, client }) => {
    fake.respond(() => faults.error(503, "busy", { "Retry-After": "61" }));
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).account.get());
    assertApiError(err, { cls: ServiceUnavailableError, status: 503, retryAfter: 61 });
    assert.equal(fake.requests.length, 1);
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  test("429 with Retry-After: 3600 -> RateLimitError at once with retryAfter 3600", async ({ fake, client }) => {
    fake.respond(() => faults.error(429, "later", { "Retry-After": "3600" }));
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).chat.send({ message: "Hi" }));
    assertApiError(err, { cls: RateLimitError, status: 429, error: "later", retryAfter: 3600 });
    assert.equal(fake.requests.length, 1);
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  test("Retry-After as an HTTP date an hour ahead -> raised at once, retryAfter about 3600", async ({ fake, client }) => {
    const when = new Date(Date.now() + 3600_000).toUTCString();
    fake.respond(() => faults.error(503, "busy", { "Retry-After": when }));
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).account.get());
    assertApiError(err, { cls: ServiceUnavailableError, status: 503 });
    assert.ok(Math.abs(err.retryAfter - 3600) <= 5, `retryAfter ${err.retryAfter}`);
    assert.equal(fake.requests.length, 1);
    assert.ok(ms < 1000, `took ${ms} ms`);
  });
});

// ---------------------------------------------------------------------------------------------------
describe("2xx answers that are not the promised JSON object", CONCURRENT, () => {
  for (const [label, plan] of [
    ["an empty body", faults.empty(200)],
    ["a truncated JSON body", faults.truncated(200)],
    ["an HTML page", faults.html(200)],
    ["a JSON array", { status: 200, raw: "[1,2,3]" }],
    ["JSON null", { status: 200, raw: "null" }],
    ["a JSON string", { status: 200, raw: '"success"' }],
    ["a JSON number", { status: 200, raw: "42" }],
    ["JSON true", { status: 200, raw: "true" }],
  ]) {
    test(`${label} on a 200 -> APIConnectionError`, async ({ fake, client }) => {
      fake.respond(plan);
      const { err } = await fails(() => client({ maxRetries: 0 }).account.get());
      assertConnectionError(err);
      assert.ok(!(err instanceof APITimeoutError));
      assert.equal(fake.requests.length, 1);
    });
  }

  // Only `success: false` itself is a failure: an object without it, or with another value, is the answer.
  for (const raw of ['{"websites":[]}', '{"success":0,"websites":[]}', '{"success":"","websites":[]}', '{"success":null,"websites":[]}']) {
    test(`${raw} on a 200 -> resolved with that object`, async ({ fake, client }) => {
      fake.respond({ status: 200, raw });
      assert.deepEqual(await client({ maxRetries: 0 }).websites.list(), JSON.parse(raw));
    });
  }

  test("a truncated JSON body on POST /chat/ -> APIConnectionError, 1 request even with maxRetries 2", async ({ fake, client }) => {
    fake.respond(() => faults.truncated(200));
    const { err } = await fails(() => client({ maxRetries: 2 }).chat.send({ message: "Hi" }));
    assertConnectionError(err);
    await sleep(700);
    assert.equal(fake.requests.length, 1);
  });

  for (const [label, call] of [
    ["GET /account/", (c) => c.account.get()],
    ["POST /chat/", (c) => c.chat.send({ message: "Hi" })],
  ]) {
    test(`success: false on a 200 (${label}) -> APIError with status 200, not retried`, async ({ fake, client }) => {
      fake.respond(() => faults.failure200("Website not found"));
      const { err } = await fails(() => call(client({ maxRetries: 2 })));
      assertApiError(err, {
        cls: APIError,
        name: "APIError",
        status: 200,
        error: "Website not found",
        body: { success: false, error: "Website not found" },
        retryAfter: null,
      });
      await sleep(700);
      assert.equal(fake.requests.length, 1);
    });
  }
});

// ---------------------------------------------------------------------------------------------------
describe("timeouts", CONCURRENT, () => {
  test("a slow answer past `timeout` -> APITimeoutError (an APIConnectionError), promptly", async ({ fake, client }) => {
    fake.respond(faults.slow(3000));
    const { err, ms } = await fails(() => client({ timeout: 200, maxRetries: 0 }).account.get());
    assertConnectionError(err, APITimeoutError);
    assert.equal(fake.requests.length, 1);
    assert.ok(ms >= 150 && ms < 1200, `took ${ms} ms`);
  });

  test("the timeout is per attempt: GET retried once -> 2 requests", async ({ fake, client }) => {
    fake.respond(() => faults.slow(3000));
    const { err, ms } = await fails(() => client({ timeout: 200, maxRetries: 1 }).account.get());
    assertConnectionError(err, APITimeoutError);
    assert.equal(fake.requests.length, 2);
    assert.ok(ms >= 350 && ms < 4000, `took ${ms} ms`);
  });

  test("a timed-out GET then a quick answer -> success", async ({ fake, client }) => {
    fake.respond(faults.slow(3000));
    await succeeds(() => client({ timeout: 200, maxRetries: 1 }).account.get());
    assert.equal(fake.requests.length, 2);
  });

  test("a timeout on POST /chat/ is not retried", async ({ fake, client }) => {
    fake.respond(() => faults.slow(3000));
    const { err } = await fails(() => client({ timeout: 200, maxRetries: 2 }).chat.send({ message: "Hi" }));
    assertConnectionError(err, APITimeoutError);
    await sleep(800);
    assert.equal(fake.requests.length, 1);
  });

  test("headers then a stalled body past `timeout` -> APITimeoutError", async ({ fake, client }) => {
    fake.respond(faults.stall());
    const { err, ms } = await fails(() => client({ timeout: 300, maxRetries: 0 }).account.get());
    assertConnectionError(err, APITimeoutError);
    assert.ok(ms < 2000, `took ${ms} ms`);
  });

  test("per-call timeout overrides the client's (shorter)", async ({ fake, client }) => {
    fake.respond(faults.slow(3000));
    const { err, ms } = await fails(() => client({ timeout: 60_000 }).account.get({ timeout: 200 }));
    assertConnectionError(err, APITimeoutError);
    assert.ok(ms < 1200, `took ${ms} ms`);
  });

  test("per-call timeout overrides the client's (longer)", async ({ fake, client }) => {
    fake.respond(faults.slow(400));
    await succeeds(() => client({ timeout: 100 }).chat.send({ message: "Hi" }, { timeout: 5000 }));
    assert.equal(fake.requests.length, 1);
  });

  // In Node the client's attempts share an AbortController and a timer with the attempts that start
  // within 1% of the timeout of them (src/transport/fetch.rs, Bucket): what each call sees must be
  // its own deadline all the same.
  test("calls in flight together: the stalled ones time out each at its own deadline, the others answer", async ({ fake, client }) => {
    fake.respond((rec) => (rec.path.endsWith("/account/") ? faults.slow(3000) : undefined));
    const c = client({ timeout: 300, maxRetries: 0 });
    const t0 = performance.now();
    const first = run(() => c.account.get());
    const together = Array.from({ length: 20 }, () => run(() => c.websites.list()));
    await sleep(200);
    // Started 200 ms later: its deadline is 200 ms after the first one's.
    const t1 = performance.now();
    const second = run(() => c.account.get());
    for (const r of await Promise.all(together)) assert.equal(r.err, undefined, String(r.err));
    const a = await first;
    assertConnectionError(a.err, APITimeoutError);
    assert.ok(a.ms >= 280 && a.ms < 1200, `the first took ${a.ms} ms`);
    const b = await second;
    assertConnectionError(b.err, APITimeoutError);
    assert.ok(b.ms >= 280 && b.ms < 1200, `the second took ${b.ms} ms (started ${t1 - t0} ms after the first): it was not cut at the first one's deadline`);
    // After both timed out, calls answer (no fetch is given a signal that already fired).
    for (const r of await Promise.all(Array.from({ length: 5 }, () => run(() => c.websites.list())))) assert.equal(r.err, undefined, String(r.err));
  });

  test("a caller's AbortSignal aborts its call only, not the calls in flight beside it", async ({ fake, client }) => {
    fake.respond(() => faults.slow(400));
    const c = client({ timeout: 5000, maxRetries: 0 });
    const ctrl = new AbortController();
    const mine = run(() => c.account.get({ signal: ctrl.signal }));
    const others = Array.from({ length: 5 }, () => run(() => c.account.get()));
    await sleep(50);
    ctrl.abort();
    assert.ok((await mine).err instanceof APIUserAbortError, String((await mine).err));
    for (const r of await Promise.all(others)) assert.equal(r.err, undefined, String(r.err));
  });
});

describe("timeouts: what the fetch is given", () => {
  it("no fetch is handed a signal that has already aborted, and no signal serves more than 1,000 fetches", async () => {
    const uses = new Map();
    let abortedAtCall = 0;
    const fetch = async (url, init) => {
      if (init.signal.aborted) abortedAtCall++;
      uses.set(init.signal, (uses.get(init.signal) ?? 0) + 1);
      return new Response('{"success": true, "websites": []}', { status: 200 });
    };
    const c = new Asyntai({ apiKey: KEY, fetch, maxRetries: 0, timeout: 50 });
    // 50 ms timeouts: a signal's timer fires while calls go on, and later calls must get fresh ones.
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 300 }, () => c.websites.list()));
      await sleep(10);
    }
    await Promise.all(Array.from({ length: 2500 }, () => new Asyntai({ apiKey: KEY, fetch, maxRetries: 0 }).websites.list()));
    const shared = new Asyntai({ apiKey: KEY, fetch, maxRetries: 0 });
    await Promise.all(Array.from({ length: 2500 }, () => shared.websites.list()));
    assert.equal(abortedAtCall, 0);
    const most = Math.max(...uses.values());
    assert.ok(most <= 1000, `one signal went to ${most} fetches`);
    assert.equal([...uses.values()].reduce((a, b) => a + b, 0), 3000 + 5000);
  });

  test("Node's own fetch, 1,500 calls at once and 2,000 in a row on one client: no MaxListenersExceededWarning", async ({ fake, client }) => {
    const warnings = [];
    const onWarning = (w) => warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    try {
      const c = client();
      for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: 500 }, () => c.websites.list()));
      for (let i = 0; i < 2000; i++) await c.websites.list();
      await sleep(50); // warnings are emitted on the next tick
      assert.equal(fake.requests.length, 3500);
      assert.deepEqual(warnings, []);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("a process whose calls are done exits at once (no timer left holding it); one whose fetch hangs waits for the timeout", async () => {
    const { execFile } = await import("node:child_process");
    const runNode = (code) =>
      new Promise((resolve) => {
        const t0 = performance.now();
        execFile(process.execPath, ["--input-type=module", "-e", code], { cwd: new URL("..", import.meta.url), timeout: 30_000 }, (err, stdout, stderr) =>
          resolve({ err, stdout: stdout.trim(), stderr, ms: performance.now() - t0 }),
        );
      });
    const done = await runNode(`
      import { Asyntai } from "asyntai-edge";
      const c = new Asyntai({ apiKey: "sk_x", maxRetries: 0, fetch: async () => new Response('{"success": true, "websites": []}') });
      for (let i = 0; i < 100; i++) await c.websites.list();
      await Promise.all(Array.from({ length: 100 }, () => c.websites.list()));
      console.log("done");`);
    assert.equal(done.stdout, "done", done.stderr);
    assert.ok(done.ms < 10_000, `the process took ${done.ms} ms to exit (the default timeout is 60 s)`);
    const hung = await runNode(`
      import { Asyntai } from "asyntai-edge";
      const c = new Asyntai({ apiKey: "sk_x", maxRetries: 0, timeout: 300, fetch: (url, init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason))) });
      await c.websites.list().catch((e) => console.log(e.name));`);
    assert.equal(hung.stdout, "APITimeoutError", hung.stderr);
  });
});

describe("per-call maxRetries", CONCURRENT, () => {
  test("overrides the client's upwards", async ({ fake, client }) => {
    fake.respond(faults.error(500, "boom"));
    await succeeds(() => client({ maxRetries: 0 }).account.get({ maxRetries: 1 }));
    assert.equal(fake.requests.length, 2);
  });

  test("overrides the client's downwards", async ({ fake, client }) => {
    fake.respond(() => faults.error(500, "boom"));
    const { err } = await fails(() => client({ maxRetries: 2 }).leads.list({ limit: 5 }, { maxRetries: 0 }));
    assertApiError(err, { cls: InternalServerError, status: 500 });
    await sleep(700);
    assert.equal(fake.requests.length, 1);
  });
});

// ---------------------------------------------------------------------------------------------------
describe("connection failures", CONCURRENT, () => {
  test("dropped before the headers on GET -> APIConnectionError with a cause", async ({ fake, client }) => {
    fake.respond(faults.dropBeforeHeaders());
    const { err } = await fails(() => client({ maxRetries: 0 }).account.get());
    assertConnectionError(err);
    assert.ok(!(err instanceof APITimeoutError));
    assert.ok(err.cause != null, "carries cause");
    assert.equal(fake.requests.length, 1);
  });

  test("dropped before the headers on GET, then 200 -> retried, success", async ({ fake, client }) => {
    fake.respond(faults.dropBeforeHeaders());
    await succeeds(() => client({ maxRetries: 1 }).knowledge.list({ limit: 3 }));
    assert.equal(fake.requests.length, 2);
    assert.deepStrictEqual(fake.requests[1].query, { limit: "3" });
  });

  test("dropped on POST /chat/ -> APIConnectionError, 1 request even with maxRetries 2", async ({ fake, client }) => {
    fake.respond(() => faults.dropBeforeHeaders());
    const { err } = await fails(() => client({ maxRetries: 2 }).chat.send({ message: "Hi" }));
    assertConnectionError(err);
    await sleep(700);
    assert.equal(fake.requests.length, 1, "a chat message must not be sent twice after a dropped connection");
  });

  test("dropped mid-body after the headers -> APIConnectionError", async ({ fake, client }) => {
    fake.respond(faults.dropMidBody());
    const { err } = await fails(() => client({ maxRetries: 0 }).account.get());
    assertConnectionError(err);
    assert.ok(!(err instanceof APITimeoutError));
    assert.equal(fake.requests.length, 1);
  });

  test("dropped mid-body on POST /chat/ -> 1 request even with maxRetries 2", async ({ fake, client }) => {
    fake.respond(() => faults.dropMidBody());
    const { err } = await fails(() => client({ maxRetries: 2 }).chat.send({ message: "Hi" }));
    assertConnectionError(err);
    await sleep(700);
    assert.equal(fake.requests.length, 1);
  });

  test("connection refused (a closed port) -> APIConnectionError with a cause", async ({ fake, client }) => {
    const srv = http.createServer();
    await new Promise((r) => srv.listen(0, "127.0.0.1", r));
    const { port } = srv.address();
    await new Promise((r) => srv.close(r));
    const c = new Asyntai({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/api/v1/`, maxRetries: 0 });
    const { err, ms } = await fails(() => c.account.get());
    assertConnectionError(err);
    assert.ok(!(err instanceof APITimeoutError));
    assert.ok(err.cause != null, "carries cause");
    assert.ok(ms < 3000, `took ${ms} ms`);
    const c2 = new Asyntai({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/api/v1/`, maxRetries: 0 });
    const r2 = await fails(() => c2.chat.send({ message: "Hi" }));
    assertConnectionError(r2.err);
  });
});

// ---------------------------------------------------------------------------------------------------
describe("the caller's AbortSignal", CONCURRENT, () => {
  function assertAbort(err) {
    assert.ok(err instanceof APIUserAbortError, `expected APIUserAbortError, got ${err?.name}: ${err?.message}`);
    assert.ok(err instanceof AsyntaiError);
    assert.ok(err instanceof Error);
    assert.ok(!(err instanceof APITimeoutError), "a user abort is not a timeout");
    assert.equal(err.name, "APIUserAbortError");
  }

  test("abort during a slow answer -> APIUserAbortError at once, never retried", async ({ fake, client }) => {
    fake.respond(() => faults.slow(3000));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).account.get({ signal: ac.signal }));
    assertAbort(err);
    assert.ok(ms < 700, `took ${ms} ms`);
    await sleep(800);
    assert.equal(fake.requests.length, 1);
  });

  test("abort of a POST /chat/ -> APIUserAbortError", async ({ fake, client }) => {
    fake.respond(faults.slow(3000));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).chat.send({ message: "Hi" }, { signal: ac.signal }));
    assertAbort(err);
    assert.ok(ms < 700, `took ${ms} ms`);
  });

  test("abort while the body stalls -> APIUserAbortError", async ({ fake, client }) => {
    fake.respond(faults.stall());
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).account.get({ signal: ac.signal }));
    assertAbort(err);
    assert.ok(ms < 800, `took ${ms} ms`);
    await sleep(300);
    assert.equal(fake.requests.length, 1);
  });

  test("an already-aborted signal -> APIUserAbortError, no request sent", async ({ fake, client }) => {
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).account.get({ signal: AbortSignal.abort() }));
    assertAbort(err);
    assert.ok(ms < 300, `took ${ms} ms`);
    await sleep(100);
    assert.equal(fake.requests.length, 0);
  });

  test("abort during a backoff wait stops at once", async ({ fake, client }) => {
    fake.respond(() => faults.error(503, "busy", { "Retry-After": "5" }));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const { err, ms } = await fails(() => client({ maxRetries: 2 }).account.get({ signal: ac.signal }));
    assertAbort(err);
    assert.ok(ms < 1000, `took ${ms} ms (the backoff was 5 s)`);
    await sleep(300);
    assert.equal(fake.requests.length, 1);
  });

  test("an AbortSignal that never fires changes nothing", async ({ fake, client }) => {
    const ac = new AbortController();
    await succeeds(() => client().account.get({ signal: ac.signal }));
    assert.equal(fake.requests.length, 1);
  });
});

// ---------------------------------------------------------------------------------------------------
describe("the server echoes the key back", CONCURRENT, () => {
  test("401 with the key in the API's message", async ({ fake, client }) => {
    fake.respond(faults.error(401, `Invalid API key: ${KEY}`));
    const { err } = await fails(() => client().account.get());
    assertApiError(err, { cls: AuthenticationError, status: 401 });
  });

  test("success: false on a 200 with the key in the message", async ({ fake, client }) => {
    fake.respond(faults.failure200(`bad key ${KEY}`));
    const { err } = await fails(() => client().chat.send({ message: "Hi" }));
    assertApiError(err, { cls: APIError, status: 200 });
  });

  test("an HTML 502 page quoting the Authorization header", async ({ fake, client }) => {
    fake.respond(faults.html(502, `<html><body><pre>Authorization: Bearer ${KEY}</pre></body></html>`));
    const { err } = await fails(() => client().account.get());
    assertApiError(err, { cls: InternalServerError, status: 502, error: null });
  });

  test("a response header echoing the Authorization header", async ({ fake, client }) => {
    fake.respond(faults.error(400, "bad", { "X-Echo-Authorization": `Bearer ${KEY}` }));
    const { err } = await fails(() => client().account.get());
    assertApiError(err, { cls: BadRequestError, status: 400, error: "bad" });
  });

  test("a 2xx non-JSON body quoting the key", async ({ fake, client }) => {
    fake.respond({ status: 200, raw: `oops ${KEY}`, headers: { "content-type": "text/plain" } });
    const { err } = await fails(() => client().account.get());
    assertConnectionError(err);
  });

  test("an apiKey with a line break (fetch's own error would quote it) -> an AsyntaiError, nothing sent", async ({ fake, client }) => {
    let err;
    try {
      await new Asyntai({ apiKey: `${KEY}\r\nX-Injected: 1`, baseURL: fake.url, maxRetries: 0 }).account.get();
    } catch (e) {
      err = e;
      collected.push(e);
    }
    assert.ok(err instanceof AsyntaiError, `expected an AsyntaiError, got ${err?.name}: ${err?.message}`);
    await sleep(50);
    assert.ok(fake.requests.every((r) => r.headers["x-injected"] === undefined), "header injected");
    assert.equal(fake.requests.length, 0);
  });

  test("a ValidationError and a missing-key error too", async ({ fake, client }) => {
    await fails(() => client().chat.send({ message: "" }));
    await fails(() => client().knowledge.addText({ title: "T", content: "short" }));
    await fails(() => client().webhooks.create({ url: "http://example.com/h", events: ["message.received"] }));
    const saved = process.env.ASYNTAI_API_KEY;
    delete process.env.ASYNTAI_API_KEY;
    try {
      await fails(async () => new Asyntai({ baseURL: fake.url }));
    } finally {
      if (saved !== undefined) process.env.ASYNTAI_API_KEY = saved;
    }
    assert.ok(collected.at(-1) instanceof AsyntaiError);
  });
});

// ---------------------------------------------------------------------------------------------------
describe("defaults, other 2xx, and a custom fetch that fails", CONCURRENT, () => {
  test("maxRetries defaults to 2: 500 every time on GET -> 3 requests", async ({ fake }) => {
    fake.respond(() => faults.error(500, "boom"));
    const c = new Asyntai({ apiKey: KEY, baseURL: fake.url });
    const { err } = await fails(() => c.account.get());
    assertApiError(err, { cls: InternalServerError, status: 500 });
    assert.equal(fake.requests.length, 3);
  });

  test("a 201 with the success body is a success", async ({ fake, client }) => {
    fake.respond({ status: 201, json: { success: true, id: "abc-123-def", title: "T", chunks_created: 1 } });
    const { value } = await succeeds(() => client().knowledge.addText({ title: "T", content: "0123456789" }));
    assert.deepStrictEqual(value, { success: true, id: "abc-123-def", title: "T", chunks_created: 1 });
  });

  test("a 204 (no body) -> APIConnectionError", async ({ fake, client }) => {
    fake.respond({ status: 204, raw: "" });
    const { err } = await fails(() => client().webhooks.delete("wh-1"));
    assertConnectionError(err);
    assert.equal(fake.requests.length, 1);
  });

  test("a custom fetch that rejects -> APIConnectionError with that cause; GET retried, POST not", async () => {
    let calls = 0;
    const boom = new TypeError("network down");
    const failing = async () => {
      calls++;
      throw boom;
    };
    const c = new Asyntai({ apiKey: KEY, baseURL: "http://127.0.0.1:9/api/v1/", fetch: failing, maxRetries: 1 });
    const { err } = await fails(() => c.account.get());
    assertConnectionError(err);
    assert.ok(!(err instanceof APITimeoutError));
    assert.equal(err.cause, boom);
    assert.equal(calls, 2, "GET: a network error is retried");
    calls = 0;
    const r2 = await fails(() => c.chat.send({ message: "Hi" }));
    assertConnectionError(r2.err);
    await sleep(700);
    assert.equal(calls, 1, "POST: a network error is not retried");
  });

  test("a custom fetch whose error quotes the Authorization header (sweep)", async () => {
    const leaky = async (_input, init) => {
      const h = new Headers(init?.headers);
      throw new Error(`request failed; headers were authorization=${h.get("authorization")}`);
    };
    const c = new Asyntai({ apiKey: KEY, baseURL: "http://127.0.0.1:9/api/v1/", fetch: leaky, maxRetries: 0 });
    const { err } = await fails(() => c.account.get());
    assertConnectionError(err);
  });
});

// ---------------------------------------------------------------------------------------------------
/** Every string reachable from `root`: own properties (enumerable or not), getters up the prototype
 * chain, causes, Headers, Maps, Sets, byte arrays. */
function reachableText(root) {
  const out = [];
  const seen = new Set();
  const stop = new Set([Object.prototype, Error.prototype, Function.prototype, Array.prototype]);
  const visit = (v, depth) => {
    if (v === null || v === undefined) return;
    const t = typeof v;
    if (t === "string") return void out.push(v);
    if (t === "symbol") return void out.push(String(v.description));
    if (t !== "object" && t !== "function") return void out.push(String(v));
    if (seen.has(v) || depth > 12) return;
    seen.add(v);
    if (t === "function") return;
    if (v instanceof ArrayBuffer) return void out.push(Buffer.from(v).toString("latin1"));
    if (ArrayBuffer.isView(v)) return void out.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("latin1"));
    if (typeof Headers !== "undefined" && v instanceof Headers) for (const [k, x] of v) out.push(k, x);
    if (v instanceof Map) for (const [k, x] of v) visit(k, depth + 1), visit(x, depth + 1);
    if (v instanceof Set) for (const x of v) visit(x, depth + 1);
    for (const k of Reflect.ownKeys(v)) {
      if (typeof k === "string") out.push(k);
      let x;
      try {
        x = v[k];
      } catch {
        continue;
      }
      visit(x, depth + 1);
    }
    // accessors defined by classes (e.g. a getter reading from wasm memory)
    for (let p = Object.getPrototypeOf(v); p && !stop.has(p); p = Object.getPrototypeOf(p)) {
      for (const k of Reflect.ownKeys(p)) {
        const d = Object.getOwnPropertyDescriptor(p, k);
        if (d && typeof d.get === "function") {
          let x;
          try {
            x = v[k];
          } catch {
            continue;
          }
          visit(x, depth + 1);
        }
      }
    }
  };
  visit(root, 0);
  return out.join("\n");
}

function jsonOf(err) {
  const replacer = (_k, v) => {
    if (typeof Headers !== "undefined" && v instanceof Headers) return Object.fromEntries(v);
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Set) return [...v];
    if (v instanceof Error) {
      const o = {};
      for (const n of Object.getOwnPropertyNames(v)) o[n] = v[n];
      return o;
    }
    return v;
  };
  try {
    return JSON.stringify(err, replacer) ?? "";
  } catch (e) {
    return `unserializable: ${e.message}`;
  }
}

it("sweep: the API key appears in no error produced above", () => {
  assert.ok(collected.length >= 60, `the sweep saw only ${collected.length} errors`);
  const kinds = new Set(collected.map((e) => e?.name));
  for (const k of [
    "ValidationError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "RateLimitError",
    "InternalServerError",
    "ServiceUnavailableError",
    "APIConnectionError",
    "APITimeoutError",
    "APIUserAbortError",
  ]) {
    assert.ok(kinds.has(k), `the sweep has no ${k}`);
  }
  const leaks = [];
  for (const err of collected) {
    const views = {
      message: String(err?.message),
      "String(err)": String(err),
      stack: String(err?.stack),
      "JSON.stringify": jsonOf(err),
      "util.inspect": util.inspect(err, { depth: 10 }),
      "util.inspect showHidden": util.inspect(err, { depth: 10, showHidden: true }),
      "reachable properties": reachableText(err),
    };
    for (const [view, text] of Object.entries(views)) {
      if (text.includes(KEY)) leaks.push(`${err?.name} (${String(err?.message).slice(0, 80)}): in ${view}`);
    }
  }
  assert.deepStrictEqual(leaks, []);
});
