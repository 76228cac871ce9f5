// The fault matrix: every fault of the network and of the server against a GET, a POST, a DELETE and
// the multipart upload. For each cell: the error class (or the value), the number of requests that
// reached the wire, and an upper bound (sometimes a lower bound) on the elapsed time.
//
// Expected behaviour is sdk-spec.md's "Errors" and "Retries": GET and DELETE retry network errors,
// timeouts, 408/500/502/503/504; POST retries only 503 and 429-with-Retry-After; Retry-After (seconds
// or HTTP date) is honoured up to 60 s and a longer one raises at once; a user abort is never retried.
// Every row uses its own fake server and runs beside the others; the cells of a row run in order.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  Asyntai,
  APIError,
  InternalServerError,
  ServiceUnavailableError,
  RateLimitError,
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
} from "asyntai-edge";
import { startFakeApi, faults } from "../js/fake-api.mjs";
import { closedPort, countingFetch, timed } from "./harness.mjs";

const KEY = "sk_test_faults_0123456789";
const TIMEOUT = 300; // ms per attempt, in rows that time out

/** The four calls, and whether each is idempotent (retried on network errors and 5xx). */
const CALLS = {
  GET: { idempotent: true, run: (c, o) => c.account.get(o) },
  POST: { idempotent: false, run: (c, o) => c.chat.send({ message: "hello" }, o) },
  DELETE: { idempotent: true, run: (c, o) => c.knowledge.delete("abc-123-def", o) },
  UPLOAD: {
    idempotent: false,
    run: (c, o) => c.knowledge.uploadSpreadsheet({ file: new Blob(["name,price\nTea,3\n"]), filename: "p.csv" }, o),
  },
};

const httpDate = (msFromNow) => new Date(Date.now() + msFromNow).toUTCString();

/**
 * Rows. `plan()` makes the fault for every request (fresh each time); `refused` points the client at
 * a closed port instead. `expect(kind)` gives {cls, exact, requests, maxMs, minMs, check(err)}.
 * `abortAfter` aborts the caller's signal that many ms into the call.
 */
const ROWS = [
  {
    name: "connection refused",
    refused: true,
    expect: (k) => ({ cls: APIConnectionError, notCls: APITimeoutError, requests: k.idempotent ? 2 : 1, maxMs: k.idempotent ? 1500 : 600 }),
  },
  {
    name: "connection dropped before headers",
    plan: () => faults.dropBeforeHeaders(),
    expect: (k) => ({ cls: APIConnectionError, notCls: APITimeoutError, requests: k.idempotent ? 2 : 1, maxMs: k.idempotent ? 1500 : 600 }),
  },
  {
    name: "connection dropped after headers (mid-body)",
    plan: () => faults.dropMidBody(),
    expect: (k) => ({ cls: APIConnectionError, notCls: APITimeoutError, requests: k.idempotent ? 2 : 1, maxMs: k.idempotent ? 1600 : 700 }),
  },
  {
    name: "body stalls after the headers (timeout covers the body)",
    plan: () => faults.stall(),
    opts: { timeout: TIMEOUT },
    expect: (k) => ({
      cls: APITimeoutError,
      requests: k.idempotent ? 2 : 1,
      minMs: k.idempotent ? 2 * TIMEOUT + 375 - 30 : TIMEOUT - 30,
      maxMs: k.idempotent ? 2 * TIMEOUT + 500 + 900 : TIMEOUT + 700,
    }),
  },
  {
    name: "headers slower than the timeout",
    plan: () => faults.slow(5_000),
    opts: { timeout: TIMEOUT },
    expect: (k) => ({
      cls: APITimeoutError,
      requests: k.idempotent ? 2 : 1,
      minMs: k.idempotent ? 2 * TIMEOUT + 375 - 30 : TIMEOUT - 30,
      maxMs: k.idempotent ? 2 * TIMEOUT + 500 + 900 : TIMEOUT + 700,
    }),
  },
  {
    name: "HTML 502 from a proxy",
    plan: () => faults.html(502),
    expect: (k) => ({
      cls: InternalServerError,
      requests: k.idempotent ? 2 : 1,
      maxMs: k.idempotent ? 1500 : 500,
      check: (e) => {
        assert.equal(e.status, 502);
        assert.equal(e.error, null);
        assert.match(String(e.body), /<html>/);
        assert.doesNotMatch(e.message, /<html>/, "the message describes the body, it does not quote it");
      },
    }),
  },
  {
    name: "HTML 503 from a proxy",
    plan: () => faults.html(503, "<html><body>Service Unavailable</body></html>"),
    expect: () => ({ cls: ServiceUnavailableError, requests: 2, maxMs: 1500, check: (e) => assert.equal(e.status, 503) }),
  },
  {
    name: "HTML 200 (a captive portal)",
    plan: () => faults.html(200, "<!doctype html><title>Login</title>"),
    expect: (k) => ({ cls: APIConnectionError, notCls: APITimeoutError, requests: k.idempotent ? 2 : 1, maxMs: k.idempotent ? 1500 : 500 }),
  },
  {
    name: "truncated JSON on a 200",
    plan: () => faults.truncated(200),
    expect: (k) => ({ cls: APIConnectionError, notCls: APITimeoutError, requests: k.idempotent ? 2 : 1, maxMs: k.idempotent ? 1500 : 500 }),
  },
  {
    name: "empty body on a 200",
    plan: () => faults.empty(200),
    expect: (k) => ({ cls: APIConnectionError, notCls: APITimeoutError, requests: k.idempotent ? 2 : 1, maxMs: k.idempotent ? 1500 : 500 }),
  },
  {
    name: "truncated JSON on a 500",
    plan: () => faults.truncated(500),
    expect: (k) => ({ cls: InternalServerError, requests: k.idempotent ? 2 : 1, maxMs: k.idempotent ? 1500 : 500, check: (e) => assert.equal(e.error, null) }),
  },
  {
    name: "success: false on a 200",
    plan: () => faults.failure200("Something went wrong"),
    expect: () => ({
      cls: APIError,
      exact: true,
      requests: 1,
      maxMs: 400,
      check: (e) => {
        assert.equal(e.status, 200);
        assert.equal(e.error, "Something went wrong");
        assert.match(e.message, /Something went wrong/);
      },
    }),
  },
  {
    name: "429 with Retry-After: 1 (seconds)",
    plan: () => faults.error(429, "Too many requests", { "Retry-After": "1" }),
    expect: () => ({ cls: RateLimitError, requests: 2, minMs: 950, maxMs: 2200, check: (e) => assert.equal(e.retryAfter, 1) }),
  },
  {
    name: "503 with Retry-After: 1 (seconds)",
    plan: () => faults.error(503, "AI service temporarily unavailable", { "Retry-After": "1" }),
    expect: () => ({ cls: ServiceUnavailableError, requests: 2, minMs: 950, maxMs: 2200, check: (e) => assert.equal(e.retryAfter, 1) }),
  },
  {
    name: "429 with Retry-After as an HTTP date (~2 s ahead)",
    plan: () => faults.error(429, "Too many requests", { "Retry-After": httpDate(2_000) }),
    expect: () => ({
      cls: RateLimitError,
      requests: 2,
      minMs: 900,
      maxMs: 3300,
      check: (e) => assert.ok(e.retryAfter > 0 && e.retryAfter <= 2.05, `retryAfter ${e.retryAfter}`),
    }),
  },
  {
    name: "503 with Retry-After as an HTTP date (~2 s ahead)",
    plan: () => faults.error(503, "AI service temporarily unavailable", { "Retry-After": httpDate(2_000) }),
    expect: () => ({
      cls: ServiceUnavailableError,
      requests: 2,
      minMs: 900,
      maxMs: 3300,
      check: (e) => assert.ok(e.retryAfter > 0 && e.retryAfter <= 2.05, `retryAfter ${e.retryAfter}`),
    }),
  },
  {
    name: "429 with Retry-After beyond the 60 s cap (seconds): raised at once",
    plan: () => faults.error(429, "Too many requests", { "Retry-After": "120" }),
    expect: () => ({ cls: RateLimitError, requests: 1, maxMs: 400, check: (e) => assert.equal(e.retryAfter, 120) }),
  },
  {
    name: "503 with Retry-After beyond the cap (HTTP date, 5 min ahead): raised at once",
    plan: () => faults.error(503, "down for maintenance", { "Retry-After": httpDate(300_000) }),
    expect: () => ({
      cls: ServiceUnavailableError,
      requests: 1,
      maxMs: 400,
      check: (e) => assert.ok(e.retryAfter > 290 && e.retryAfter <= 300, `retryAfter ${e.retryAfter}`),
    }),
  },
  {
    name: "429 without Retry-After (the monthly quota): never retried",
    plan: () => faults.error(429, "Message limit reached"),
    expect: () => ({ cls: RateLimitError, requests: 1, maxMs: 400, check: (e) => assert.equal(e.retryAfter, null) }),
  },
  {
    name: "503 with an unreadable Retry-After: exponential backoff instead",
    plan: () => faults.error(503, "busy", { "Retry-After": "soon" }),
    expect: () => ({ cls: ServiceUnavailableError, requests: 2, minMs: 375 - 30, maxMs: 1500, check: (e) => assert.equal(e.retryAfter, null) }),
  },
  {
    name: "500 three times with maxRetries 2: backoff doubles (0.5 s, 1 s, jitter <= 25%)",
    plan: () => faults.error(500, "Internal error"),
    opts: { maxRetries: 2 },
    expect: (k) => ({
      cls: InternalServerError,
      requests: k.idempotent ? 3 : 1,
      minMs: k.idempotent ? 0.75 * 1500 - 30 : 0,
      maxMs: k.idempotent ? 1500 + 900 : 400,
    }),
  },
  {
    name: "abort during a Retry-After wait (30 s): stops at once",
    plan: () => faults.error(503, "busy", { "Retry-After": "30" }),
    abortAfter: 150,
    expect: () => ({ cls: APIUserAbortError, requests: 1, minMs: 140, maxMs: 150 + 250 }),
  },
  {
    name: "abort during an exponential backoff wait: stops at once",
    plan: () => faults.error(503, "busy"),
    abortAfter: 100,
    expect: () => ({ cls: APIUserAbortError, requests: 1, minMs: 90, maxMs: 100 + 200 }),
  },
  {
    name: "abort during the backoff after a dropped connection: stops at once",
    plan: () => faults.dropBeforeHeaders(),
    // A dropped POST surfaces in Node after 10-150 ms here (undici), so the abort comes at 300 ms: after
    // the drop, inside the first backoff wait (0.5 s, jitter <= 25%).
    abortAfter: 300,
    expect: (k) => (k.idempotent
      ? { cls: APIUserAbortError, requests: 1, minMs: 290, maxMs: 300 + 200 }
      : { cls: APIConnectionError, requests: 1, maxMs: 300 }),
  },
  {
    name: "abort while the body stalls: an abort, not a timeout, and not retried",
    plan: () => faults.stall(),
    opts: { timeout: 10_000 },
    abortAfter: 150,
    expect: () => ({ cls: APIUserAbortError, requests: 1, minMs: 140, maxMs: 150 + 250 }),
  },
  {
    name: "503 then success: the retry returns the value",
    plan: (n) => (n === 1 ? faults.error(503, "busy", { "Retry-After": "0" }) : undefined),
    expect: () => ({ ok: true, requests: 2, maxMs: 600 }),
  },
];

const figures = [];

describe("fault matrix", { concurrency: true }, () => {
  after(() => {
    // The figures of the matrix, for the report: requests and elapsed ms per cell.
    const lines = figures
      .sort((a, b) => ROWS.findIndex((r) => r.name === a.row) - ROWS.findIndex((r) => r.name === b.row))
      .map((f) => `${f.row.padEnd(76)} ${f.call.padEnd(6)} ${String(f.requests).padStart(2)} req ${String(Math.round(f.ms)).padStart(5)} ms  ${f.outcome}`);
    console.log(`fault matrix: ${figures.length} cells\n${lines.join("\n")}`);
  });

  for (const row of ROWS) {
    describe(row.name, { concurrency: 1 }, () => {
      let fake;
      let baseURL;
      let seen = 0;
      before(async () => {
        fake = await startFakeApi();
        baseURL = row.refused ? `http://127.0.0.1:${await closedPort()}/api/v1/` : fake.url;
        fake.respond((rec) => {
          seen++;
          const p = row.plan?.(seen);
          return p === undefined ? undefined : p;
        });
      });
      after(async () => {
        await fake.close();
      });

      for (const [callName, call] of Object.entries(CALLS)) {
        it(`${callName}`, async () => {
          const exp = row.expect(call);
          seen = 0;
          fake.requests.length = 0;
          const fetch = countingFetch();
          const client = new Asyntai({ apiKey: KEY, baseURL, maxRetries: 1, fetch, ...(row.opts ?? {}) });
          const ac = new AbortController();
          const timer = row.abortAfter ? setTimeout(() => ac.abort(), row.abortAfter) : null;
          const r = await timed(() => call.run(client, { signal: ac.signal }));
          clearTimeout(timer);
          const requests = row.refused ? fetch.calls : fake.requests.length;
          figures.push({ row: row.name, call: callName, requests, ms: r.ms, outcome: r.error ? r.error.constructor.name : "ok" });

          if (exp.ok) {
            assert.ok(!r.error, `expected a value, got ${r.error}`);
            assert.equal(r.value.success, true);
          } else {
            assert.ok(r.error, `expected ${exp.cls.name}, got a value`);
            assert.ok(r.error instanceof exp.cls, `expected ${exp.cls.name}, got ${r.error?.constructor?.name}: ${r.error?.message}`);
            if (exp.exact) assert.equal(r.error.constructor, exp.cls, `exactly ${exp.cls.name}`);
            if (exp.notCls) assert.ok(!(r.error instanceof exp.notCls), `not ${exp.notCls.name}`);
            assert.equal(r.error.name, r.error.constructor.name);
            assert.ok(r.error.message.length > 0, "a message");
            exp.check?.(r.error);
          }
          assert.equal(requests, exp.requests, `requests on the wire (fetch called ${fetch.calls} times)`);
          assert.equal(fetch.calls, exp.requests, "fetch calls");
          assert.ok(r.ms <= exp.maxMs, `took ${Math.round(r.ms)} ms, bound ${exp.maxMs} ms`);
          if (exp.minMs) assert.ok(r.ms >= exp.minMs, `took ${Math.round(r.ms)} ms, expected at least ${exp.minMs} ms`);
        });
      }
    });
  }
});
