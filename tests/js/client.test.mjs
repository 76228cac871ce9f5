// The client against a real HTTP server on loopback: for every endpoint of sdk-spec.md "The client",
// the exact request on the wire (method, path with its trailing slash, query, headers, body) and the
// value returned. Expected values come from asyntai-api.md / sdk-spec.md, never from the client.

import { describe, it, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
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
  WebhookVerificationError,
  Webhook,
} from "asyntai-edge";
import { startFakeApi, parseMultipart } from "./fake-api.mjs";

const KEY = "sk_test_SECRET123";
let fake;

before(async () => {
  fake = await startFakeApi();
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

const client = (opts = {}) => new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0, ...opts });

/** The single request the call made. */
function only() {
  assert.equal(fake.requests.length, 1, `expected exactly one request, got ${fake.requests.length}`);
  return fake.requests[0];
}

/** The value returned must be the success body the server sent, parsed. */
function assertReturned(result, rec) {
  assert.ok(rec.response, "the server answered");
  assert.deepStrictEqual(result, JSON.parse(rec.response.body));
}

function assertAuth(rec, key = KEY) {
  assert.equal(rec.headers.authorization, `Bearer ${key}`);
}

function assertNoQuery(rec) {
  assert.deepStrictEqual(rec.queryEntries, [], `no query expected, got ?${rec.rawQuery}`);
}

function assertQuery(rec, expected) {
  assert.deepStrictEqual(rec.query, expected);
  // no name sent twice
  assert.equal(rec.queryEntries.length, Object.keys(expected).length, `query: ?${rec.rawQuery}`);
}

function assertJsonBody(rec, expected) {
  assert.match(rec.contentType ?? "", /^application\/json\s*(;|$)/i, "content-type of a JSON body");
  // exact JSON: types included (an integer is not a string), no extra keys, nothing absent sent
  assert.deepStrictEqual(JSON.parse(rec.body), expected);
}

function assertGet(rec, path) {
  assert.equal(rec.method, "GET");
  assert.equal(rec.path, path);
  assertAuth(rec);
  assert.equal(rec.body, "", "a GET sends no body");
}

describe("package exports", () => {
  it("exports Asyntai, Webhook and every error class as real Error subclasses", () => {
    assert.equal(typeof Asyntai, "function");
    assert.equal(typeof Webhook, "function");
    const all = {
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
      WebhookVerificationError,
    };
    for (const [name, C] of Object.entries(all)) {
      assert.equal(typeof C, "function", name);
      assert.ok(C.prototype instanceof Error, `${name} extends Error`);
      if (C !== AsyntaiError) assert.ok(C.prototype instanceof AsyntaiError, `${name} extends AsyntaiError`);
    }
    for (const C of [
      BadRequestError,
      AuthenticationError,
      PermissionDeniedError,
      NotFoundError,
      RateLimitError,
      InternalServerError,
      ServiceUnavailableError,
    ]) {
      assert.ok(C.prototype instanceof APIError, `${C.name} extends APIError`);
    }
    assert.ok(APITimeoutError.prototype instanceof APIConnectionError);
    assert.ok(ValidationError.prototype instanceof AsyntaiError);
  });
});

describe("chat.send -> POST /chat/", () => {
  it("sends message, session_id and website_id (number) as an integer", async () => {
    const res = await client().chat.send({ message: "What are your business hours?", session_id: "user_123", website_id: 42 });
    const rec = only();
    assert.equal(rec.method, "POST");
    assert.equal(rec.path, "/api/v1/chat/");
    assertNoQuery(rec);
    assertAuth(rec);
    assertJsonBody(rec, { message: "What are your business hours?", session_id: "user_123", website_id: 42 });
    assertReturned(res, rec);
    assert.equal(res.success, true);
    assert.equal(res.session_id, "user_123");
  });

  it("sends a digit-string website_id as an integer", async () => {
    await client().chat.send({ message: "Hi", website_id: "7" });
    assertJsonBody(only(), { message: "Hi", website_id: 7 });
  });

  it("does not send absent optional inputs (omitted or undefined)", async () => {
    const res = await client().chat.send({ message: "Hello there" });
    const rec = only();
    assertJsonBody(rec, { message: "Hello there" });
    assertReturned(res, rec);
    fake.reset();
    await client().chat.send({ message: "Hello", session_id: undefined, website_id: undefined });
    assertJsonBody(only(), { message: "Hello" });
  });

  it("keeps non-ASCII text intact", async () => {
    await client().chat.send({ message: "영업시간이 어떻게 되나요? — é 🙂", session_id: "세션-1" });
    assertJsonBody(only(), { message: "영업시간이 어떻게 되나요? — é 🙂", session_id: "세션-1" });
  });

  it("does not put per-call options in the body", async () => {
    await client().chat.send({ message: "Hi" }, { headers: { "X-Call": "1" }, timeout: 5000, maxRetries: 0 });
    const rec = only();
    assertJsonBody(rec, { message: "Hi" });
    assert.equal(rec.headers["x-call"], "1");
  });
});

describe("GET endpoints without inputs", () => {
  for (const [name, call, path] of [
    ["websites.list", (c) => c.websites.list(), "/api/v1/websites/"],
    ["account.get", (c) => c.account.get(), "/api/v1/account/"],
    ["webhooks.list", (c) => c.webhooks.list(), "/api/v1/webhooks/"],
  ]) {
    it(`${name} -> GET ${path.slice(7)}`, async () => {
      const res = await call(client());
      const rec = only();
      assertGet(rec, path);
      assertNoQuery(rec);
      assertReturned(res, rec);
    });
  }
});

describe("conversations.list -> GET /conversations/", () => {
  it("sends session_id and limit in the query", async () => {
    const res = await client().conversations.list({ session_id: "user 1/é&x=y", limit: 20 });
    const rec = only();
    assertGet(rec, "/api/v1/conversations/");
    assertQuery(rec, { session_id: "user 1/é&x=y", limit: "20" });
    assertReturned(res, rec);
    assert.equal(res.session_id, "user 1/é&x=y");
  });

  it("omits an absent limit", async () => {
    await client().conversations.list({ session_id: "user_123" });
    assertQuery(only(), { session_id: "user_123" });
  });

  it("accepts limit 1 and 100", async () => {
    await client().conversations.list({ session_id: "s", limit: 1 });
    await client().conversations.list({ session_id: "s", limit: 100 });
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requests[0].query.limit, "1");
    assert.equal(fake.requests[1].query.limit, "100");
  });
});

describe("sessions.list -> GET /sessions/", () => {
  it("sends limit, website_id (number -> string) and source", async () => {
    const res = await client().sessions.list({ limit: 10, website_id: 7, source: "whatsapp" });
    const rec = only();
    assertGet(rec, "/api/v1/sessions/");
    assertQuery(rec, { limit: "10", website_id: "7", source: "whatsapp" });
    assertReturned(res, rec);
  });

  it("sends no query when called without inputs", async () => {
    const res = await client().sessions.list();
    const rec = only();
    assertGet(rec, "/api/v1/sessions/");
    assertNoQuery(rec);
    assertReturned(res, rec);
    fake.reset();
    await client().sessions.list({});
    assertNoQuery(only());
  });

  it("accepts each of the eight sources", async () => {
    const sources = ["widget", "api", "whatsapp", "instagram", "messenger", "gorgias", "freshchat", "zapier"];
    for (const source of sources) await client().sessions.list({ source });
    assert.deepStrictEqual(
      fake.requests.map((r) => r.query),
      sources.map((source) => ({ source })),
    );
  });
});

describe("leads.list -> GET /leads/", () => {
  it("sends limit and a digit-string website_id", async () => {
    const res = await client().leads.list({ limit: 100, website_id: "12" });
    const rec = only();
    assertGet(rec, "/api/v1/leads/");
    assertQuery(rec, { limit: "100", website_id: "12" });
    assertReturned(res, rec);
    assert.equal(res.leads[1].email, null);
  });

  it("sends no query without inputs", async () => {
    await client().leads.list();
    const rec = only();
    assertGet(rec, "/api/v1/leads/");
    assertNoQuery(rec);
  });
});

describe("knowledge.list -> GET /knowledge/", () => {
  it("sends limit and website_id", async () => {
    const res = await client().knowledge.list({ limit: 1, website_id: 3 });
    const rec = only();
    assertGet(rec, "/api/v1/knowledge/");
    assertQuery(rec, { limit: "1", website_id: "3" });
    assertReturned(res, rec);
  });

  it("sends no query without inputs", async () => {
    await client().knowledge.list();
    const rec = only();
    assertGet(rec, "/api/v1/knowledge/");
    assertNoQuery(rec);
  });
});

describe("knowledge.addText -> POST /knowledge/text/", () => {
  it("sends title, content and website_id (number) as a string", async () => {
    const content = "We offer a 30-day return policy on all items.";
    const res = await client().knowledge.addText({ title: "Return Policy", content, website_id: 123 });
    const rec = only();
    assert.equal(rec.method, "POST");
    assert.equal(rec.path, "/api/v1/knowledge/text/");
    assertNoQuery(rec);
    assertAuth(rec);
    assertJsonBody(rec, { title: "Return Policy", content, website_id: "123" });
    assertReturned(res, rec);
  });

  it("sends a digit-string website_id as a string, and omits it when absent", async () => {
    await client().knowledge.addText({ title: "T", content: "0123456789", website_id: "55" });
    assertJsonBody(only(), { title: "T", content: "0123456789", website_id: "55" });
    fake.reset();
    await client().knowledge.addText({ title: "T", content: "0123456789" });
    assertJsonBody(only(), { title: "T", content: "0123456789" });
  });
});

describe("knowledge.addUrl -> POST /knowledge/url/", () => {
  it("sends url and website_id as a string", async () => {
    const res = await client().knowledge.addUrl({ url: "https://example.com/faq", website_id: 8 });
    const rec = only();
    assert.equal(rec.method, "POST");
    assert.equal(rec.path, "/api/v1/knowledge/url/");
    assertNoQuery(rec);
    assertAuth(rec);
    assertJsonBody(rec, { url: "https://example.com/faq", website_id: "8" });
    assertReturned(res, rec);
  });

  it("omits an absent website_id and accepts http:", async () => {
    await client().knowledge.addUrl({ url: "http://example.com/about?x=1" });
    assertJsonBody(only(), { url: "http://example.com/about?x=1" });
  });
});

describe("knowledge.uploadSpreadsheet -> POST /knowledge/spreadsheet/ (multipart)", () => {
  const CSV = Buffer.from("name,price\nWidget,9.99\nGadget,19.50\n", "utf8");
  // binary-looking bytes: NUL, 0xFF, CR LF and a fake boundary must survive untouched
  const BIN = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x0d, 0x0a]), Buffer.from("--x\r\n")]);

  function assertUpload(rec, { data, filename, website_id }) {
    assert.equal(rec.method, "POST");
    assert.equal(rec.path, "/api/v1/knowledge/spreadsheet/");
    assertNoQuery(rec);
    assertAuth(rec);
    assert.match(rec.contentType ?? "", /^multipart\/form-data\s*;.*boundary=/i);
    const parts = parseMultipart(rec);
    const names = parts.map((p) => p.name).sort();
    assert.deepStrictEqual(names, website_id === undefined ? ["file"] : ["file", "website_id"]);
    const file = parts.find((p) => p.name === "file");
    assert.ok(file.filename !== undefined, "the file part has a filename");
    if (filename !== undefined) assert.equal(file.filename, filename);
    assert.ok(Buffer.from(data).equals(file.data), "file bytes on the wire equal the input");
    if (website_id !== undefined) {
      assert.equal(parts.find((p) => p.name === "website_id").data.toString("utf8"), website_id);
    }
    return parts;
  }

  it("Blob with filename and website_id (number -> string field)", async () => {
    const res = await client().knowledge.uploadSpreadsheet({
      file: new Blob([CSV], { type: "text/csv" }),
      filename: "products.csv",
      website_id: 7,
    });
    const rec = only();
    assertUpload(rec, { data: CSV, filename: "products.csv", website_id: "7" });
    assertReturned(res, rec);
  });

  it("File takes its own name", async () => {
    await client().knowledge.uploadSpreadsheet({ file: new File([BIN], "catalog.xlsx") });
    assertUpload(only(), { data: BIN, filename: "catalog.xlsx" });
  });

  it("Uint8Array with filename and digit-string website_id", async () => {
    await client().knowledge.uploadSpreadsheet({ file: new Uint8Array(BIN), filename: "rows.xlsx", website_id: "12" });
    assertUpload(only(), { data: BIN, filename: "rows.xlsx", website_id: "12" });
  });

  it("Uint8Array view into a larger buffer sends only the viewed bytes", async () => {
    const big = new Uint8Array(64).fill(0x41);
    big.set(CSV.subarray(0, 20), 5);
    const view = new Uint8Array(big.buffer, 5, 20);
    await client().knowledge.uploadSpreadsheet({ file: view, filename: "view.csv" });
    assertUpload(only(), { data: CSV.subarray(0, 20), filename: "view.csv" });
  });

  it("ArrayBuffer with filename", async () => {
    const ab = new Uint8Array(CSV).buffer;
    await client().knowledge.uploadSpreadsheet({ file: ab, filename: "list.csv" });
    assertUpload(only(), { data: CSV, filename: "list.csv" });
  });

  it("an ArrayBuffer or a view from another realm (node:vm; Jest's environments are such realms)", async () => {
    const foreign = vm.runInNewContext(`new ArrayBuffer(${CSV.length})`);
    assert.equal(foreign instanceof ArrayBuffer, false);
    new Uint8Array(foreign).set(CSV);
    await client().knowledge.uploadSpreadsheet({ file: foreign, filename: "realm.csv" });
    assertUpload(only(), { data: CSV, filename: "realm.csv" });
    fake.reset();
    const view = vm.runInNewContext(`new Uint8Array(${CSV.length})`);
    view.set(CSV);
    await client().knowledge.uploadSpreadsheet({ file: view, filename: "realm.csv" });
    assertUpload(only(), { data: CSV, filename: "realm.csv" });
    fake.reset();
    // What only says it is one: refused, nothing sent.
    const posers = [{ [Symbol.toStringTag]: "ArrayBuffer", length: 3, 0: 65, 1: 66, 2: 67 }, new Proxy(new ArrayBuffer(8), {})];
    for (const file of posers) {
      await assert.rejects(client().knowledge.uploadSpreadsheet({ file, filename: "x.csv" }), (e) => e.name === "ValidationError" && e.field === "file");
    }
    assert.equal(fake.requests.length, 0);
  });

  it("bytes without any name are accepted (the extension rule applies only when a name is known)", async () => {
    await client().knowledge.uploadSpreadsheet({ file: new Uint8Array(CSV) });
    assertUpload(only(), { data: CSV });
    fake.reset();
    await client().knowledge.uploadSpreadsheet({ file: new Blob([CSV]) });
    assertUpload(only(), { data: CSV });
  });
});

describe("DELETE endpoints", () => {
  it("knowledge.delete -> DELETE /knowledge/{id}/", async () => {
    const res = await client().knowledge.delete("abc-123-def");
    const rec = only();
    assert.equal(rec.method, "DELETE");
    assert.equal(rec.path, "/api/v1/knowledge/abc-123-def/");
    assertNoQuery(rec);
    assertAuth(rec);
    assert.equal(rec.body, "");
    assertReturned(res, rec);
  });

  it("webhooks.delete -> DELETE /webhooks/{id}/", async () => {
    const res = await client().webhooks.delete("abc-123-def");
    const rec = only();
    assert.equal(rec.method, "DELETE");
    assert.equal(rec.path, "/api/v1/webhooks/abc-123-def/");
    assertNoQuery(rec);
    assertAuth(rec);
    assert.equal(rec.body, "");
    assertReturned(res, rec);
  });
});

describe("webhooks.create -> POST /webhooks/", () => {
  it("sends url, events and website_id as a string", async () => {
    const events = ["message.received", "escalation.requested", "lead.captured"];
    const res = await client().webhooks.create({ url: "https://example.com/webhook", events, website_id: 123 });
    const rec = only();
    assert.equal(rec.method, "POST");
    assert.equal(rec.path, "/api/v1/webhooks/");
    assertNoQuery(rec);
    assertAuth(rec);
    assertJsonBody(rec, { url: "https://example.com/webhook", events, website_id: "123" });
    assertReturned(res, rec);
    assert.match(res.webhook.secret, /^whsec_/);
  });

  it("omits an absent website_id; loopback http URLs are accepted", async () => {
    await client().webhooks.create({ url: "http://localhost:8787/x", events: ["message.received"] });
    assertJsonBody(only(), { url: "http://localhost:8787/x", events: ["message.received"] });
    fake.reset();
    await client().webhooks.create({ url: "http://127.0.0.1/x", events: ["conversation.started"], website_id: "4" });
    assertJsonBody(only(), { url: "http://127.0.0.1/x", events: ["conversation.started"], website_id: "4" });
  });
});

describe("ids are percent-encoded as one path segment", () => {
  const ids = ["a/b?c#d", "../x", "x/../../account", "영업 é", "%2e", "a b+c&d=e", "id;v=1"];
  for (const [ns, prefix] of [
    ["knowledge", "/api/v1/knowledge/"],
    ["webhooks", "/api/v1/webhooks/"],
  ]) {
    for (const id of ids) {
      it(`${ns}.delete(${JSON.stringify(id)}) stays one segment under ${prefix}`, async () => {
        const res = await client()[ns].delete(id);
        const rec = only();
        assert.equal(rec.method, "DELETE");
        assert.equal(rec.rawQuery, null, `no query: ${rec.url}`);
        assert.ok(rec.path.startsWith(prefix), rec.path);
        const rest = rec.path.slice(prefix.length);
        assert.match(rest, /^[^/?#]+\/$/, `one segment then "/": ${rec.path}`);
        assert.equal(decodeURIComponent(rest.slice(0, -1)), id);
        assertReturned(res, rec);
      });
    }
    for (const id of [".", ".."]) {
      it(`${ns}.delete(${JSON.stringify(id)}) cannot escape ${prefix}`, async () => {
        let err;
        let res;
        try {
          res = await client()[ns].delete(id);
        } catch (e) {
          err = e;
        }
        if (err instanceof ValidationError) {
          assert.equal(err.field, "id");
          assert.equal(fake.requests.length, 0);
          return;
        }
        // otherwise it must have gone out as one (non dot-) segment under the prefix
        const rec = only();
        assert.ok(rec.path.startsWith(prefix), `escaped to ${rec.path}`);
        const seg = rec.path.slice(prefix.length);
        assert.match(seg, /^[^/?#]+\/$/, rec.path);
        assert.ok(!/^(\.|%2e){1,2}\/$/i.test(seg), `dot segment sent: ${rec.path}`);
        assert.equal(err, undefined, `unexpected error: ${err}`);
        assertReturned(res, rec);
      });
    }
  }
});

describe("client options", () => {
  it("baseURL with or without a trailing slash", async () => {
    await client({ baseURL: fake.url }).account.get();
    await client({ baseURL: fake.url.replace(/\/$/, "") }).account.get();
    await client({ baseURL: fake.url.replace(/\/$/, "") }).chat.send({ message: "Hi" });
    assert.deepStrictEqual(
      fake.requests.map((r) => r.path),
      ["/api/v1/account/", "/api/v1/account/", "/api/v1/chat/"],
    );
  });

  it("client.baseURL: where requests go, with its trailing slash; the default one when none is given", () => {
    const bare = fake.url.replace(/\/$/, "");
    assert.strictEqual(client({ baseURL: bare }).baseURL, `${bare}/`);
    assert.strictEqual(client({ baseURL: fake.url }).baseURL, fake.url);
    assert.strictEqual(new Asyntai({ apiKey: KEY, fetch: async () => new Response("{}") }).baseURL, "https://asyntai.com/api/v1/");
  });

  it("no `fetch` option and no global fetch: a clear AsyntaiError at construction; the global one when it is back", () => {
    const saved = globalThis.fetch;
    delete globalThis.fetch;
    try {
      assert.throws(
        () => new Asyntai({ apiKey: KEY }),
        (err) => err instanceof AsyntaiError && /No `fetch` here: pass one with the `fetch` option/.test(err.message),
      );
    } finally {
      globalThis.fetch = saved;
    }
    assert.ok(new Asyntai({ apiKey: KEY }));
  });

  it("default baseURL is https://asyntai.com/api/v1/ (canned fetch, no network)", async () => {
    const urls = [];
    const canned = async (input, init) => {
      urls.push(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      return new Response(JSON.stringify({ success: true, account: { email: "a@b.c", plan: "pro", messages_used: 1, messages_limit: 2 } }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    };
    const c = new Asyntai({ apiKey: KEY, fetch: canned, maxRetries: 0 });
    const res = await c.account.get();
    assert.deepStrictEqual(urls, ["https://asyntai.com/api/v1/account/"]);
    // a constructed Response has an empty .url: the client must not depend on it
    assert.deepStrictEqual(res, { success: true, account: { email: "a@b.c", plan: "pro", messages_used: 1, messages_limit: 2 } });
  });

  it("defaultHeaders on every request, per-call headers on that call (per-call wins)", async () => {
    const c = client({ defaultHeaders: { "X-Default": "d1", "X-Both": "from-default" } });
    await c.account.get({ headers: { "X-Call": "c1", "X-Both": "from-call" } });
    await c.chat.send({ message: "Hi" });
    await c.sessions.list({ limit: 5 }, { headers: { "X-Call": "c2" } });
    const [a, b, s] = fake.requests;
    assert.equal(fake.requests.length, 3);
    assert.equal(a.headers["x-default"], "d1");
    assert.equal(a.headers["x-call"], "c1");
    assert.equal(a.headers["x-both"], "from-call");
    assertAuth(a);
    assert.equal(b.headers["x-default"], "d1");
    assert.equal(b.headers["x-both"], "from-default");
    assert.equal(b.headers["x-call"], undefined);
    assertAuth(b);
    assertJsonBody(b, { message: "Hi" });
    assert.equal(s.headers["x-call"], "c2");
    assert.equal(s.headers["x-default"], "d1");
    assertQuery(s, { limit: "5" });
  });

  it("a custom fetch is used, and called without a `this` binding", async () => {
    const original = globalThis.fetch;
    const calls = [];
    function myFetch(input, init) {
      // module code is strict: a plain call has this === undefined
      calls.push(this);
      return original(input, init);
    }
    let globalCalls = 0;
    globalThis.fetch = (...args) => {
      globalCalls++;
      return original(...args);
    };
    try {
      const c = client({ fetch: myFetch });
      const res = await c.account.get();
      await c.chat.send({ message: "Hi" });
      assert.equal(calls.length, 2);
      assert.equal(calls[0], undefined, "fetch called with a this binding");
      assert.equal(calls[1], undefined, "fetch called with a this binding");
      assert.equal(globalCalls, 0, "globalThis.fetch used instead of the custom fetch");
      assert.equal(fake.requests.length, 2);
      assertReturned(res, fake.requests[0]);
    } finally {
      globalThis.fetch = original;
    }
  });

  it("concurrent calls on one client each get their own answer", async () => {
    const c = client();
    const [a, w, s] = await Promise.all([
      c.account.get(),
      c.websites.list(),
      c.chat.send({ message: "Hi", session_id: "par-1" }),
    ]);
    assert.equal(fake.requests.length, 3);
    assert.equal(a.account.plan, "starter");
    assert.equal(w.websites.length, 2);
    assert.equal(s.session_id, "par-1");
  });
});

describe("apiKey", () => {
  const saved = process.env.ASYNTAI_API_KEY;
  const restore = () => {
    if (saved === undefined) delete process.env.ASYNTAI_API_KEY;
    else process.env.ASYNTAI_API_KEY = saved;
  };

  it("falls back to ASYNTAI_API_KEY from process.env", async () => {
    process.env.ASYNTAI_API_KEY = "sk_env_FROMENV42";
    try {
      await new Asyntai({ baseURL: fake.url, maxRetries: 0 }).account.get();
      assertAuth(only(), "sk_env_FROMENV42");
      fake.reset();
      // an explicit apiKey wins over the environment
      await new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 }).account.get();
      assertAuth(only(), KEY);
    } finally {
      restore();
    }
  });

  it("missing or empty -> AsyntaiError at construction, naming apiKey", () => {
    delete process.env.ASYNTAI_API_KEY;
    try {
      const cases = [
        () => new Asyntai({ baseURL: fake.url }),
        () => new Asyntai({ apiKey: "", baseURL: fake.url }),
        () => new Asyntai({ apiKey: undefined, baseURL: fake.url }),
        () => new Asyntai(),
        () => new Asyntai({}),
      ];
      for (const make of cases) {
        assert.throws(make, (err) => {
          assert.ok(err instanceof AsyntaiError, `not an AsyntaiError: ${err}`);
          assert.ok(err instanceof Error);
          assert.match(err.message, /apiKey/);
          return true;
        });
      }
      process.env.ASYNTAI_API_KEY = "";
      assert.throws(() => new Asyntai({ baseURL: fake.url }), (err) => err instanceof AsyntaiError && /apiKey/.test(err.message));
      assert.equal(fake.requests.length, 0);
    } finally {
      restore();
    }
  });
});

describe("browser guard (dangerouslyAllowBrowser)", () => {
  // A browser page has window, document and navigator; Node 20, workerd and Deno 2 lack at least one
  // of them (Deno 1.x has window and navigator, but no document: it is a server runtime).
  function withGlobals(names, fn) {
    const saved = names.map((n) => [n, Object.getOwnPropertyDescriptor(globalThis, n)]);
    for (const n of names) {
      Object.defineProperty(globalThis, n, { value: n === "window" ? globalThis : {}, configurable: true, writable: true });
    }
    try {
      return fn();
    } finally {
      for (const [n, d] of saved) {
        if (d) Object.defineProperty(globalThis, n, d);
        else delete globalThis[n];
      }
    }
  }

  it("in a browser page the constructor throws unless dangerouslyAllowBrowser is true", async () => {
    withGlobals(["window", "document", "navigator"], () => {
      assert.throws(
        () => new Asyntai({ apiKey: KEY, baseURL: fake.url }),
        (err) => err instanceof AsyntaiError && !err.message.includes(KEY),
      );
      assert.throws(
        () => new Asyntai({ apiKey: KEY, baseURL: fake.url, dangerouslyAllowBrowser: false }),
        (err) => err instanceof AsyntaiError,
      );
    });
    const c = withGlobals(["window", "document", "navigator"], () =>
      client({ dangerouslyAllowBrowser: true }),
    );
    const res = await c.account.get();
    assertReturned(res, only());
  });

  it("a runtime with window but no document (Deno 1.x) is not a browser page", async () => {
    const c = withGlobals(["window", "navigator"], () => client());
    await c.account.get();
    assertAuth(only());
  });
});
