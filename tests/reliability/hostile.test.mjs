// Hostile input: CR, LF and NUL in every value that becomes a header, a path or a query are refused with
// a ValidationError before any request; ids and query values are percent-encoded (checked on the raw
// request target a real server received); very long inputs get a clear error quickly, never a hang;
// and one sweep over every error path checks that the API key appears in no error (message, stack,
// any property at any depth, String(err), JSON, util.inspect) and in nothing written to the console.

import { describe, it, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import { Asyntai, AsyntaiError, ValidationError, APIError, APIConnectionError } from "asyntai-edge";
import { MockAsyntai } from "asyntai-edge/testing";
import { startFakeApi, faults } from "../js/fake-api.mjs";
import { countingFetch, scriptedFetch, closedPort, timed } from "./harness.mjs";

const KEY = "sk_test_hostile_0123456789";
let fake;
before(async () => {
  fake = await startFakeApi();
});
after(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const BAD = { CR: "\r", LF: "\n", NUL: "\0", CRLF: "\r\n" };
const placed = (ch) => [`${ch}x`, `a${ch}b`, `x${ch}`, `a${ch}X-Injected: 1`];

/** Every input that ends up in a URL path, a query or a header, as (label, call with value v). */
const SINKS = [
  ["chat.send session_id", (c, v) => c.chat.send({ message: "hi", session_id: v })],
  ["conversations.list session_id (query)", (c, v) => c.conversations.list({ session_id: v })],
  ["sessions.list source (query)", (c, v) => c.sessions.list({ source: v })],
  ["sessions.list website_id (query)", (c, v) => c.sessions.list({ website_id: `1${v}` })],
  ["leads.list website_id (query)", (c, v) => c.leads.list({ website_id: `1${v}` })],
  ["knowledge.list website_id (query)", (c, v) => c.knowledge.list({ website_id: `1${v}` })],
  ["knowledge.delete id (path)", (c, v) => c.knowledge.delete(v)],
  ["webhooks.delete id (path)", (c, v) => c.webhooks.delete(v)],
  ["uploadSpreadsheet filename (multipart part header)", (c, v) => c.knowledge.uploadSpreadsheet({ file: new Uint8Array([97]), filename: `${v}.csv` })],
  ["uploadSpreadsheet File name (multipart part header)", (c, v) => c.knowledge.uploadSpreadsheet({ file: new File(["a,b\n"], `${v}.csv`) })],
  ["knowledge.addUrl url", (c, v) => c.knowledge.addUrl({ url: `https://example.com/${v}` })],
  ["webhooks.create url", (c, v) => c.webhooks.create({ url: `https://example.com/${v}`, events: ["message.received"] })],
  ["webhooks.create events[0]", (c, v) => c.webhooks.create({ url: "https://example.com/h", events: [v] })],
  ["per-call header value", (c, v) => c.account.get({ headers: { "x-trace": v } })],
  ["per-call header name", (c, v) => c.account.get({ headers: { [`x-${v}`]: "1" } })],
  ["per-call headers as a Headers-like entries list", (c, v) => c.account.get({ headers: [["x-trace", v]] })],
];

describe("CR, LF and NUL are refused before any request", () => {
  for (const [label, call] of SINKS) {
    it(label, async () => {
      const fetch = countingFetch();
      const client = new Asyntai({ apiKey: KEY, baseURL: fake.url, fetch, maxRetries: 0 });
      let n = 0;
      for (const [name, ch] of Object.entries(BAD)) {
        for (const v of placed(ch)) {
          n++;
          const r = await timed(() => call(client, v));
          assert.ok(r.error instanceof ValidationError, `${name} in ${JSON.stringify(v)}: ${r.error ? `${r.error.constructor.name}: ${r.error.message}` : "accepted"}`);
          assert.ok(typeof r.error.field === "string" && r.error.field.length > 0, "names the field");
          assert.doesNotMatch(r.error.message, /[\r\n\0]/, "the message carries no line break or NUL of the input");
        }
      }
      assert.equal(fetch.calls, 0, "nothing reached fetch");
      assert.equal(fake.requests.length, 0);
      assert.equal(n, 16);
    });
  }

  it("defaultHeaders (name and value): refused at construction with a ValidationError", () => {
    for (const ch of Object.values(BAD)) {
      for (const headers of [{ "x-a": `b${ch}c` }, { [`x${ch}a`]: "b" }, new Map([["x-a", `${ch}`]])]) {
        assert.throws(
          () => new Asyntai({ apiKey: KEY, baseURL: fake.url, defaultHeaders: headers }),
          (e) => e instanceof ValidationError && /CR, LF or NUL/.test(e.message),
          `defaultHeaders ${JSON.stringify([...(headers instanceof Map ? headers : Object.entries(headers))])}: ValidationError expected (the issue: "refused with a ValidationError")`,
        );
      }
    }
  });

  it("apiKey (it becomes the Authorization header): refused at construction, without echoing it", () => {
    for (const ch of Object.values(BAD)) {
      const key = `sk_test_${ch}X-Injected: 1`;
      assert.throws(() => new Asyntai({ apiKey: key, baseURL: fake.url }), (e) => {
        assert.ok(e instanceof AsyntaiError);
        assert.ok(!e.message.includes("X-Injected"), "the message does not quote the key");
        return true;
      });
    }
  });

  it("header names and values fetch cannot carry (not a token, not Latin-1) are a ValidationError, not a network error", async () => {
    const fetch = countingFetch();
    const client = new Asyntai({ apiKey: KEY, baseURL: fake.url, fetch, maxRetries: 2 });
    const problems = [];
    for (const headers of [{ "x a": "1" }, { "x:a": "1" }, { "": "1" }, { "x-é": "1" }, { "x-a": "😀" }, { "x-a": "\u0100" }]) {
      const r = await timed(() => client.account.get({ headers }));
      if (!(r.error instanceof ValidationError)) {
        problems.push(`${JSON.stringify(headers)}: ${r.error ? r.error.constructor.name : "accepted"} after ${Math.round(r.ms)} ms`);
      }
    }
    assert.deepEqual(problems, [], `bad input reached fetch ${fetch.calls} times (and GETs were retried as network errors)`);
  });

  it("a headers option that is not a headers init is a ValidationError", async () => {
    const client = new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
    const problems = [];
    for (const headers of [[1], [null], [["only-a-name", "v", "extra"], 5], 42n]) {
      const r = await timed(() => client.account.get({ headers }));
      if (!(r.error instanceof ValidationError) && !(r.value && fake.requests.length)) {
        problems.push(`${util.inspect(headers)}: ${r.error ? `${r.error.constructor.name}: ${r.error.message}` : "accepted"}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});

describe("ids and query values are percent-encoded on the wire", () => {
  const IDS = ["../account", "..%2Faccount", "a/b", "a?b=c", "a#b", "%", "%2e%2e", "%2E.", "a b", "ü", "😀", "a;b", "a\\b", "..\\..", "a+b", "*", "~", "-._", "a\tb", "\u2028", "x".repeat(2048)];

  for (const [op, resource] of [["knowledge", "knowledge"], ["webhooks", "webhooks"]]) {
    it(`${op}.delete: every id is one segment under /${resource}/ that decodes back to it`, async () => {
      const client = new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
      for (const id of IDS) {
        const r = await timed(() => client[op].delete(id));
        if (id.includes("\t")) {
          assert.ok(r.error instanceof ValidationError, "a tab is a control character");
          continue;
        }
        assert.ok(!r.error, `${JSON.stringify(id)}: ${r.error}`);
        const rec = fake.requests.at(-1);
        const prefix = `/api/v1/${resource}/`;
        assert.ok(rec.path.startsWith(prefix) && rec.path.endsWith("/"), rec.path);
        const seg = rec.path.slice(prefix.length, -1);
        assert.match(seg, /^[A-Za-z0-9\-._~%]+$/, `raw segment ${seg}`);
        assert.equal(decodeURIComponent(seg), id);
        assert.notEqual(seg.toLowerCase().replaceAll("%2e", "."), "..");
        assert.equal(rec.rawQuery, null);
      }
      for (const id of [".", ".."]) {
        assert.ok((await timed(() => client[op].delete(id))).error instanceof ValidationError, id);
      }
    });
  }

  it("query values cannot add parameters, fragments or paths", async () => {
    const client = new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
    for (const v of ["a&limit=1", "x=y", "#frag", "a+b", "%", "%26", "ü 😀", "?", "/../../account/", "a;b", "\u2028"]) {
      await client.conversations.list({ session_id: v, limit: 7 });
      const rec = fake.requests.at(-1);
      assert.equal(rec.path, "/api/v1/conversations/");
      assert.deepEqual(rec.queryEntries, [["session_id", v], ["limit", "7"]], `raw query ${rec.rawQuery}`);
      assert.match(rec.rawQuery, /^[A-Za-z0-9\-._~%=&]+$/, rec.rawQuery);
    }
  });
});

describe("very long inputs: a clear error quickly, never a hang", () => {
  const HUGE = "x".repeat(10_000_000);

  it("10 MB ids, session ids, filenames and website ids: ValidationError naming the field, in < 1 s", async () => {
    const fetch = countingFetch();
    const client = new Asyntai({ apiKey: KEY, baseURL: fake.url, fetch, maxRetries: 0 });
    const cases = [
      ["id", () => client.knowledge.delete(HUGE)],
      ["id", () => client.webhooks.delete(HUGE)],
      ["session_id", () => client.conversations.list({ session_id: HUGE })],
      ["session_id", () => client.chat.send({ message: "hi", session_id: HUGE })],
      ["filename", () => client.knowledge.uploadSpreadsheet({ file: new Uint8Array([97]), filename: HUGE + ".csv" })],
      ["website_id", () => client.leads.list({ website_id: "1".repeat(1_000_000) })],
      ["source", () => client.sessions.list({ source: HUGE })],
    ];
    for (const [field, run] of cases) {
      const r = await timed(run);
      assert.ok(r.error instanceof ValidationError, `${field}: ${r.error}`);
      assert.equal(r.error.field, field);
      assert.ok(r.error.message.length < 300, `a short message (${r.error.message.length} chars)`);
      assert.ok(r.ms < 1_000, `${field}: ${Math.round(r.ms)} ms`);
    }
    assert.equal(fetch.calls, 0);
  });

  it("deeply nested options (100,000 levels): a ValidationError, not a stack overflow", async () => {
    const client = new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
    let deep = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const r = await timed(() => client.chat.send({ message: "hi", session_id: deep }));
    assert.ok(r.error instanceof ValidationError, `${r.error?.constructor?.name}: ${r.error?.message}`);
    assert.ok(r.ms < 2_000, `${r.ms} ms`);
  });

  it("a 10 MB message and 100,000 events are built and sent (the server decides), in < 5 s", async () => {
    const client = new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
    const r1 = await timed(() => client.chat.send({ message: HUGE }));
    assert.ok(!r1.error, String(r1.error));
    assert.equal(fake.requests.at(-1).json.message.length, HUGE.length);
    assert.ok(r1.ms < 5_000, `${r1.ms} ms`);
    const events = Array.from({ length: 100_000 }, (_, i) => `event.${i}`);
    const r2 = await timed(() => client.webhooks.create({ url: "https://example.com/h", events }));
    assert.ok(!r2.error, String(r2.error));
    assert.ok(r2.ms < 5_000, `${r2.ms} ms`);
  });

  it("a 1 MB header value: an error (the server refuses it), quickly", async () => {
    const client = new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
    const r = await timed(() => client.account.get({ headers: { "x-big": "y".repeat(1_000_000) } }));
    assert.ok(r.error instanceof AsyntaiError, String(r.error));
    assert.ok(r.ms < 3_000, `${r.ms} ms`);
  });

  it("a 50 MB answer body and a 1 MB Retry-After are handled, quickly", async () => {
    const big = JSON.stringify({ success: false, error: "e".repeat(50_000_000) });
    const client = new Asyntai({
      apiKey: KEY,
      fetch: scriptedFetch(() => ({ status: 500, body: big, headers: { "retry-after": "9".repeat(1_000_000) } })),
      maxRetries: 1,
    });
    const r = await timed(() => client.account.get());
    assert.ok(r.error instanceof APIError && r.error.status === 500, String(r.error));
    assert.ok(r.ms < 8_000, `${r.ms} ms`);
  });
});

// ------------------------------------------------------------------------------------------------
// The API key sweep.

/** Every string reachable from `value`: own properties (enumerable or not, symbols too), prototypes
 * excluded, to depth 10, cycles followed once. */
function strings(value, out = [], seen = new Set(), depth = 0) {
  if (typeof value === "string") {
    out.push(value);
    return out;
  }
  if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value) || depth > 10) return out;
  seen.add(value);
  if (value instanceof Map) for (const [k, v] of value) { strings(k, out, seen, depth + 1); strings(v, out, seen, depth + 1); }
  if (value instanceof Headers) for (const [k, v] of value) { out.push(k, v); }
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === "string") out.push(key);
    let v;
    try {
      const d = Object.getOwnPropertyDescriptor(value, key);
      v = d && "value" in d ? d.value : d?.get ? d.get.call(value) : undefined;
    } catch { continue; }
    strings(v, out, seen, depth + 1);
  }
  return out;
}

/** Every form the key could leak in. */
function leakForms(key) {
  return [key, JSON.stringify(key).slice(1, -1), key.replaceAll("/", "\\/"), encodeURIComponent(key), Buffer.from(key).toString("base64")];
}

function renderings(err) {
  const out = [];
  const tryPush = (f) => { try { out.push(f()); } catch { /* not renderable */ } };
  tryPush(() => String(err));
  tryPush(() => err.message);
  tryPush(() => err.stack);
  tryPush(() => JSON.stringify(err));
  tryPush(() => util.inspect(err, { depth: Infinity, showHidden: true }));
  tryPush(() => util.format("%o", err));
  out.push(...strings(err));
  return out.filter((s) => typeof s === "string");
}

describe("the API key appears in no error, log line or string, on any path", () => {
  // A plain key, and one with the characters base64 keys carry ("/" is escaped as "\/" by PHP's json_encode).
  const KEYS = [["a plain key", "sk_live_LEAKCHECK_a1b2c3d4e5f6"], ['a base64-style key (with "/" and "+")', "sk_live_LEAK/CHECK+b64=/tail"]];
  let captured;
  let restoreConsole;

  function captureConsole() {
    captured = [];
    const saved = {};
    for (const m of ["log", "info", "warn", "error", "debug", "trace"]) {
      saved[m] = console[m];
      console[m] = (...args) => captured.push(util.format(...args));
    }
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = (chunk, ...rest) => { captured.push(String(chunk)); return out(chunk, ...rest); };
    process.stderr.write = (chunk, ...rest) => { captured.push(String(chunk)); return err(chunk, ...rest); };
    const warnings = (w) => captured.push(String(w), w.stack ?? "");
    process.on("warning", warnings);
    restoreConsole = () => {
      Object.assign(console, saved);
      process.stdout.write = out;
      process.stderr.write = err;
      process.off("warning", warnings);
    };
  }

  /** Every error path, each a (label, key) -> Promise that rejects. */
  function paths(key, url, refusedURL) {
    const echoJSON = JSON.stringify({ success: false, error: `Invalid API key: ${key}` });
    const phpJSON = echoJSON.replaceAll("/", "\\/");
    const withKeyHeaders = { "www-authenticate": `Bearer realm="api", error="invalid_token", key="${key}"`, "x-echo-authorization": `Bearer ${key}` };
    const client = (opts = {}) => new Asyntai({ apiKey: key, baseURL: url, maxRetries: 0, ...opts });
    const scripted = (answer, opts = {}) => new Asyntai({ apiKey: key, fetch: scriptedFetch(answer), maxRetries: 0, ...opts });
    const list = [];
    const add = (label, run) => list.push([label, run]);
    // Construction.
    add("constructor: a key with a space", async () => new Asyntai({ apiKey: `${key} ` }));
    add("constructor: a key with a newline", async () => new Asyntai({ apiKey: `${key}\n` }));
    add("constructor: a non-ASCII key", async () => new Asyntai({ apiKey: `${key}é` }));
    add("constructor: bad baseURL", async () => new Asyntai({ apiKey: key, baseURL: "::" }));
    add("constructor: bad timeout", async () => new Asyntai({ apiKey: key, timeout: -1 }));
    add("constructor: bad defaultHeaders", async () => new Asyntai({ apiKey: key, defaultHeaders: { "x-a": "\n" } }));
    // Validation, for every operation.
    const c = client();
    add("validation: chat.send", () => c.chat.send({}));
    add("validation: conversations.list", () => c.conversations.list({ session_id: "a\nb" }));
    add("validation: sessions.list", () => c.sessions.list({ source: "nope" }));
    add("validation: leads.list", () => c.leads.list({ limit: 0 }));
    add("validation: knowledge.list", () => c.knowledge.list({ website_id: "x" }));
    add("validation: knowledge.addText", () => c.knowledge.addText({ title: "t", content: "short" }));
    add("validation: knowledge.addUrl", () => c.knowledge.addUrl({ url: "nope" }));
    add("validation: knowledge.uploadSpreadsheet", () => c.knowledge.uploadSpreadsheet({ file: new Uint8Array(0) }));
    add("validation: knowledge.delete", () => c.knowledge.delete(""));
    add("validation: webhooks.create", () => c.webhooks.create({ url: "http://x.example", events: [] }));
    add("validation: webhooks.delete", () => c.webhooks.delete(".."));
    add("validation: per-call options", () => c.account.get({ timeout: 0 }));
    add("validation: per-call header", () => c.account.get({ headers: { "x-a": "\r" } }));
    add("validation: cyclic options", () => { const o = { message: "hi" }; o.o = o; return c.chat.send(o); });
    add("validation: an unknown option named like the key", () => c.chat.send({ message: "hi", [key]: 1 }));
    add("validation: a value equal to the key", () => c.conversations.list({ session_id: `${key}\n` }));
    // Answers that quote the key: JSON body, PHP-escaped JSON, HTML, headers, success:false, bad 2xx.
    for (const status of [400, 401, 403, 404, 429, 500, 503, 418]) {
      add(`${status} echoing the key in its JSON body`, () => scripted(() => ({ status, body: echoJSON })).account.get());
      add(`${status} echoing the key in PHP-escaped JSON ("\\/")`, () => scripted(() => ({ status, body: phpJSON })).account.get());
    }
    add("401 echoing the key in headers", () => scripted(() => ({ status: 401, body: echoJSON, headers: withKeyHeaders })).account.get());
    add("502 HTML quoting the key", () => scripted(() => ({ status: 502, body: `<html>Bearer ${key}</html>` })).account.get());
    add("200 success:false echoing the key", () => scripted(() => ({ status: 200, body: echoJSON })).account.get());
    add("200 success:false echoing the key, PHP-escaped", () => scripted(() => ({ status: 200, body: phpJSON })).account.get());
    add("200 truncated JSON quoting the key", () => scripted(() => ({ status: 200, body: `{"success":true,"key":"${key}` })).account.get());
    add("200 HTML quoting the key", () => scripted(() => ({ status: 200, body: `<p>${key}</p>` })).account.get());
    add("429 with a Retry-After quoting the key", () => scripted(() => ({ status: 429, body: "{}", headers: { "retry-after": key } })).account.get());
    // Network failures whose own errors quote the request (the headers hold the key).
    add("fetch rejects: message quotes the Authorization header", () => scripted((u, init) => { throw new TypeError(`failed: ${init.headers.authorization}`); }).account.get());
    add("fetch rejects: the cause quotes it", () => scripted((u, init) => { throw new TypeError("failed", { cause: new Error(init.headers.authorization) }); }).account.get());
    add("fetch rejects: an error carrying the request (axios-style config)", () => scripted((u, init) => { throw Object.assign(new Error("Request failed"), { config: { url: u, headers: init.headers } }); }).account.get());
    add("fetch rejects: a plain object carrying the headers", () => scripted((u, init) => { throw { code: "ECONNRESET", headers: init.headers }; }).account.get());
    add("fetch rejects: an error carrying a Headers of the request", () => scripted((u, init) => { throw Object.assign(new Error("Request failed"), { headers: new Headers(init.headers) }); }).account.get());
    add("fetch rejects: an error carrying a Map of the request's headers", () => scripted((u, init) => { throw Object.assign(new Error("Request failed"), { sent: new Map(Object.entries(init.headers)) }); }).account.get());
    add("fetch rejects: a string quoting the key", () => scripted((u, init) => { throw `boom ${init.headers.authorization}`; }).account.get());
    add("connection refused", () => new Asyntai({ apiKey: key, baseURL: refusedURL, maxRetries: 0 }).account.get());
    add("timeout", () => scripted(() => new Promise(() => {}), { timeout: 20 }).account.get());
    add("abort with a reason quoting the key", () => { const ac = new AbortController(); ac.abort(new Error(key)); return c.account.get({ signal: ac.signal }); });
    add("abort in flight with a reason quoting the key", () => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error(`stop ${key}`)), 5);
      return scripted(() => new Promise(() => {})).account.get({ signal: ac.signal });
    });
    // The sandbox with another key, and a client sending the wrong key to it.
    add("sandbox: wrong key", () => new Asyntai({ apiKey: key, fetch: new MockAsyntai({ apiKey: "test_key" }).fetch, maxRetries: 0 }).account.get());
    add("sandbox: a request to a path quoting the key", () => new Asyntai({ apiKey: key, fetch: new MockAsyntai({ apiKey: key }).fetch, maxRetries: 0 }).knowledge.delete(key));
    // A real server echoing the key in body and headers.
    add("real server: 401 echoing the key in body and headers", async () => {
      fake.respond({ status: 401, raw: echoJSON, headers: withKeyHeaders });
      return client().account.get();
    });
    return list;
  }

  for (const [which, key] of KEYS) {
    it(`one sweep over every error path (${which})`, async () => {
      const refusedURL = `http://127.0.0.1:${await closedPort()}/api/v1/`;
      const leaks = [];
      let swept = 0;
      captureConsole();
      try {
        for (const [label, run] of paths(key, fake.url, refusedURL)) {
          let err;
          try {
            await run();
          } catch (e) {
            err = e;
          }
          if (err === undefined) {
            if (label.startsWith("sandbox: a request")) continue; // a 404 is expected; a value is fine too
            leaks.push(`${label}: no error`);
            continue;
          }
          swept++;
          if (!(err instanceof AsyntaiError)) leaks.push(`${label}: ${err?.constructor?.name} is not an AsyntaiError`);
          found: for (const s of renderings(err)) {
            for (const form of leakForms(key)) {
              if (s.includes(form)) {
                const at = s.indexOf(form);
                leaks.push(`${label}: ${err.constructor.name} holds the key, e.g. ${JSON.stringify(s.slice(Math.max(0, at - 40), at + form.length + 10))}`);
                break found;
              }
            }
          }
        }
      } finally {
        restoreConsole();
      }
      for (const line of captured) {
        const form = leakForms(key).find((f) => line.includes(f));
        if (form) leaks.push(`console: ${JSON.stringify(line.slice(0, 160))}`);
      }
      console.log(`key sweep (${which}): ${swept} error paths, ${captured.length} console/stdout/stderr writes captured, ${new Set(leaks).size} leaks`);
      assert.deepEqual([...new Set(leaks)], []);
    });
  }
});
