// Nothing a caller hands over throws into the wasm. What a custom fetch resolves to, a spreadsheet
// file, a webhook body or Request, the sandbox's options: each is read through calls that catch, so a
// value that throws when read (a replaced getter, a detached ArrayBuffer, a promise whose
// `constructor` getter throws) becomes a typed error or is simply handled. An exception that unwound
// through the wasm instead would leave the module's stack pointer behind, and after enough of them
// the module faults for every caller in the isolate. Every import of the three wasm modules is
// watched here (harness.mjs): none may throw.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { loadPackage } from "./harness.mjs";

const throwsIntoWasm = [];
let Asyntai, Webhook, SmallWebhook, MockAsyntai, AsyntaiError, ValidationError, APIConnectionError, WebhookVerificationError;
before(async () => {
  ({ Asyntai, Webhook, AsyntaiError, ValidationError, APIConnectionError, WebhookVerificationError } = (await loadPackage("asyntai-edge", { throwsIntoWasm })).pkg);
  SmallWebhook = (await loadPackage("asyntai-edge/webhooks", { throwsIntoWasm })).pkg.Webhook;
  MockAsyntai = (await loadPackage("asyntai-edge/testing", { throwsIntoWasm })).pkg.MockAsyntai;
});
after(() => {
  assert.deepEqual(throwsIntoWasm.map((t) => `${t.source} threw ${t.error}`), [], "no import threw into the wasm");
});

const KEY = "sk_test_escapes_0123456789";
const BODY = JSON.stringify({ success: true, websites: [] });
const ok = () => new Response(BODY, { status: 200, headers: { "content-type": "application/json" } });
const boom = (what) => () => {
  throw new Error(`boom: ${what}`);
};
const withGetter = (value, key, get) => Object.defineProperty(value, key, { get, configurable: true });
const detached = () => {
  const b = new ArrayBuffer(8);
  structuredClone(b, { transfer: [b] });
  return b;
};
const dataViewBufferThrows = () => withGetter(new DataView(new ArrayBuffer(8)), "buffer", boom("buffer"));
const dataViewOutOfRange = () => Object.defineProperty(new DataView(new ArrayBuffer(8)), "byteOffset", { value: 1e9 });
const trappedBuffer = () => new Proxy(new ArrayBuffer(8), { get: boom("get trap") });

/** Promises a caller's code may hand back: each is awaited as `await` would, none throws into the wasm. */
const oddPromises = {
  "a promise whose own then throws": (v) => Object.assign(Promise.resolve(v), { then: boom("own then") }),
  "a promise whose then getter throws": (v) => withGetter(Promise.resolve(v), "then", boom("then getter")),
  "a promise whose constructor getter throws": (v) => withGetter(Promise.resolve(v), "constructor", boom("constructor getter")),
};

/** How `fn()` settled: { value } or { error }, a synchronous throw included. */
async function settle(fn) {
  try {
    return { value: await fn() };
  } catch (error) {
    return { error };
  }
}

const isBoom = (e) => e instanceof Error && e.message.startsWith("boom");

describe("what a custom fetch resolves to", () => {
  for (const [name, make] of Object.entries(oddPromises)) {
    it(`fetch returns ${name}: the answer, or an APIConnectionError`, async () => {
      const client = new Asyntai({ apiKey: KEY, fetch: async () => make(ok()), maxRetries: 0 });
      const unwrapped = new Asyntai({ apiKey: KEY, fetch: () => make(ok()), maxRetries: 0 });
      for (const c of [client, unwrapped]) {
        const r = await settle(() => c.websites.list());
        if (r.error) assert.ok(r.error instanceof APIConnectionError, `${r.error}`);
        else assert.deepEqual(r.value, JSON.parse(BODY));
      }
    });
    it(`text() returns ${name}: the answer, or an APIConnectionError`, async () => {
      const fetch = async () => ({ status: 200, headers: new Headers(), text: () => make(BODY) });
      const r = await settle(() => new Asyntai({ apiKey: KEY, fetch, maxRetries: 0 }).websites.list());
      if (r.error) assert.ok(r.error instanceof APIConnectionError, `${r.error}`);
      else assert.deepEqual(r.value, JSON.parse(BODY));
    });
  }
});

describe("a spreadsheet file that throws when read: a ValidationError for `file`, nothing sent", () => {
  const files = {
    "a Blob whose size getter throws": () => withGetter(new Blob(["a,b\n"]), "size", boom("size")),
    "a Blob whose type getter throws": () => withGetter(new Blob(["a,b\n"]), "type", boom("type")),
    "a Blob whose type is not a string": () => withGetter(new Blob(["a,b\n"]), "type", () => 42),
    "a detached ArrayBuffer": detached,
    "an ArrayBuffer proxy whose get trap throws": trappedBuffer,
    "a DataView whose buffer getter throws": dataViewBufferThrows,
    "a Uint8Array whose byteOffset points past its buffer": () => Object.defineProperty(new Uint8Array(8), "byteOffset", { value: 1e9 }),
  };
  for (const [name, make] of Object.entries(files)) {
    it(name, async () => {
      let calls = 0;
      const client = new Asyntai({ apiKey: KEY, fetch: async () => (calls++, ok()), maxRetries: 0 });
      const r = await settle(() => client.knowledge.uploadSpreadsheet({ file: make(), filename: "a.csv" }));
      assert.ok(r.error instanceof ValidationError, `${r.error ?? "resolved"}`);
      assert.equal(r.error.field, "file");
      assert.equal(calls, 0);
    });
  }

  it("20,000 of them, then the module still works", async () => {
    const client = new Asyntai({ apiKey: KEY, fetch: async () => ok(), maxRetries: 0 });
    for (let i = 0; i < 20_000; i++) {
      await assert.rejects(client.knowledge.uploadSpreadsheet({ file: detached(), filename: "a.csv" }), ValidationError);
    }
    assert.deepEqual(await client.websites.list(), JSON.parse(BODY));
  });
});

describe("webhook bodies and Requests that throw when read", () => {
  const SECRET = "whsec_escapes";
  const RAW = '{"event":"message.received","data":{}}';
  const bodies = {
    "a detached ArrayBuffer": detached,
    "an ArrayBuffer proxy whose get trap throws": trappedBuffer,
    "a DataView whose buffer getter throws": dataViewBufferThrows,
    "a DataView whose byteOffset points past its buffer": dataViewOutOfRange,
  };
  for (const [label, W] of [["asyntai-edge", () => Webhook], ["asyntai-edge/webhooks", () => SmallWebhook]]) {
    for (const [name, make] of Object.entries(bodies)) {
      it(`${label}: ${name} is not a valid body (isValid false, verify and sign throw a TypeError)`, () => {
        const wh = new (W())(SECRET);
        const sig = W().sign(SECRET, RAW);
        assert.equal(wh.isValid(make(), sig), false);
        assert.throws(() => wh.verify(make(), sig), (e) => !isBoom(e) && (e instanceof TypeError || e instanceof WebhookVerificationError));
        assert.throws(() => W().sign(SECRET, make()), (e) => !isBoom(e) && e instanceof TypeError);
      });
    }
    it(`${label}: verifyRequest on a Request-like whose body reads oddly rejects, or verifies`, async () => {
      const wh = new (W())(SECRET);
      const sig = W().sign(SECRET, RAW);
      const bytes = new TextEncoder().encode(RAW).buffer;
      const request = (arrayBuffer) => ({ headers: new Headers({ "x-webhook-signature": sig }), bodyUsed: false, arrayBuffer, text: async () => RAW });
      // What reading the bytes threw is the rejection (a fetch Request's body read would reject too).
      for (const make of [detached, trappedBuffer]) {
        const r = await settle(() => wh.verifyRequest(request(async () => make())));
        assert.ok(r.error instanceof Error, `${r.error ?? "resolved"}`);
      }
      for (const [name, odd] of Object.entries(oddPromises)) {
        const r = await settle(() => wh.verifyRequest(request(() => odd(bytes))));
        if (r.error) assert.ok(r.error instanceof Error, `${name}: ${r.error}`);
        else assert.equal(r.value.event, "message.received", name);
      }
    });
  }
});

describe("the sandbox's options and requests", () => {
  it("a revoked proxy as `knowledge`: a ValidationError", () => {
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    assert.throws(() => new MockAsyntai({ knowledge: proxy }), (e) => e instanceof AsyntaiError && e.field === "knowledge");
  });

  it("mock.fetch with a body or a Request-like that throws when read: a rejection, never a throw into the wasm", async () => {
    const mock = new MockAsyntai();
    const url = "https://asyntai.com/api/v1/chat/";
    const headers = { authorization: `Bearer ${mock.apiKey}` };
    for (const make of [detached, dataViewOutOfRange, trappedBuffer]) {
      const r = await settle(() => mock.fetch(url, { method: "POST", headers, body: make() }));
      if (r.error) assert.ok(r.error instanceof Error, `${r.error}`);
      else assert.ok(r.value instanceof Response);
      const req = { url, method: "POST", headers: new Headers(headers), arrayBuffer: async () => make() };
      const q = await settle(() => mock.fetch(req));
      assert.ok(q.error instanceof Error, `${q.error ?? "resolved"}`);
    }
  });
});

describe("a freed object (free(), or a `using` block's end)", () => {
  const client = () => new Asyntai({ apiKey: KEY, fetch: async () => ok(), maxRetries: 0 });
  const freed = (e) => e instanceof TypeError && /was freed/.test(e.message);

  it("its methods and getters throw a TypeError, and freeing it again does nothing", async () => {
    const c = client();
    const websites = c.websites;
    c.free();
    assert.throws(() => c.websites, freed);
    assert.throws(() => c.baseURL, freed);
    c.free();
    if (typeof Symbol.dispose === "symbol") c[Symbol.dispose]();
    // A resource object taken before keeps its own handle on the client.
    assert.deepEqual(await websites.list(), JSON.parse(BODY));
    websites.free();
    assert.throws(() => websites.list(), freed);
    for (const W of [Webhook, SmallWebhook]) {
      const wh = new W("whsec_freed");
      wh.free();
      assert.throws(() => wh.isValid("{}", "x"), freed);
      assert.throws(() => wh.verify("{}", "x"), freed);
      wh.free();
    }
  });

  it("50,000 calls on freed objects and 50,000 double frees, then the modules still work", async () => {
    const c = client();
    c.free();
    const wh = new SmallWebhook("whsec_freed");
    wh.free();
    for (let i = 0; i < 50_000; i++) {
      assert.throws(() => c.websites, freed);
      assert.throws(() => wh.isValid("{}", "x"), freed);
      c.free();
      wh.free();
    }
    assert.deepEqual(await client().websites.list(), JSON.parse(BODY));
    const sig = SmallWebhook.sign("whsec_freed", "{}");
    assert.equal(new SmallWebhook("whsec_freed").isValid("{}", sig), true);
  });
});

describe("an object freed while one of its calls runs", () => {
  it("your fetch frees the resource object it was called from: the call completes, the object is freed after", async () => {
    let websites;
    let freeThrew;
    const fetch = async () => {
      try {
        websites.free();
      } catch (e) {
        freeThrew = e;
      }
      return ok();
    };
    websites = new Asyntai({ apiKey: KEY, fetch, maxRetries: 0 }).websites;
    assert.deepEqual(await websites.list(), JSON.parse(BODY));
    assert.equal(freeThrew, undefined);
    assert.throws(() => websites.list(), (e) => e instanceof TypeError && /was freed/.test(e.message));
  });
});
