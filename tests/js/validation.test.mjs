// sdk-spec.md "Validation: bad input never reaches the network": every rule rejects with a
// ValidationError naming the field, and neither fetch nor the fake server ever sees a request.
// Each rule also has its accepted neighbour, so a validator that rejects everything fails too.

import { describe, it, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { Asyntai, AsyntaiError, ValidationError } from "asyntai-edge";
import { startFakeApi } from "./fake-api.mjs";

const KEY = "sk_test_SECRET123";
let fake;
let fetchCalls = 0;

before(async () => {
  fake = await startFakeApi();
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fetchCalls = 0;
});

const countingFetch = (input, init) => {
  fetchCalls++;
  return globalThis.fetch(input, init);
};
const client = (opts = {}) =>
  new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0, fetch: countingFetch, ...opts });

const tick = (ms) => new Promise((r) => setTimeout(r, ms));

/** `field` may be one name or a list of acceptable names; "events[0]" counts as naming "events". */
function fieldMatches(actual, expected) {
  const list = Array.isArray(expected) ? expected : [expected];
  return (
    typeof actual === "string" &&
    list.some((f) => actual === f || actual.startsWith(`${f}[`) || actual.startsWith(`${f}.`))
  );
}

async function expectInvalid(field, call) {
  let err;
  let result;
  try {
    result = await call(client()); // a synchronous throw is caught here too
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, `expected a ValidationError for ${field}, the call resolved: ${JSON.stringify(result)}`);
  assert.ok(err instanceof ValidationError, `expected a ValidationError for ${field}, got ${err?.name}: ${err?.message}`);
  assert.ok(err instanceof AsyntaiError, "ValidationError extends AsyntaiError");
  assert.ok(err instanceof Error, "ValidationError extends Error");
  assert.equal(err.name, "ValidationError");
  assert.ok(fieldMatches(err.field, field), `field: expected ${JSON.stringify(field)}, got ${JSON.stringify(err.field)}`);
  assert.ok(err.message.includes(err.field), `the message names the field: ${err.message}`);
  await tick(10);
  assert.equal(fetchCalls, 0, "fetch was called");
  assert.equal(fake.requests.length, 0, "a request reached the server");
  return err;
}

async function expectValid(call) {
  const res = await call(client());
  assert.equal(res.success, true);
  assert.equal(fake.requests.length, 1);
  fake.reset();
  return res;
}

const show = (v) => {
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (v instanceof ArrayBuffer) return `ArrayBuffer(${v.byteLength})`;
  if (typeof Blob !== "undefined" && v instanceof Blob) return `${v.constructor.name}(${v.size}${v.name ? `, ${v.name}` : ""})`;
  return JSON.stringify(v) ?? String(v);
};

const WRONG_STRINGS = [undefined, "", 123, null, true, ["x"], { a: 1 }];
const BAD_LIMITS = [0, 101, 1.5, "10", NaN, -1, Infinity, true];
const BAD_WEBSITE_IDS = ["abc", "", "12a", "-1", "1.5", "1e3", "0x1A", 1.5, -3, NaN, true, {}, []];

describe("chat.send", () => {
  for (const message of WRONG_STRINGS) {
    it(`message ${show(message)} is rejected`, async () => {
      await expectInvalid("message", (c) => c.chat.send(message === undefined ? {} : { message }));
    });
  }
  for (const session_id of [5, {}, ["s"], true]) {
    it(`session_id ${show(session_id)} is rejected`, async () => {
      await expectInvalid("session_id", (c) => c.chat.send({ message: "Hi", session_id }));
    });
  }
  for (const website_id of BAD_WEBSITE_IDS) {
    it(`website_id ${show(website_id)} is rejected`, async () => {
      await expectInvalid("website_id", (c) => c.chat.send({ message: "Hi", website_id }));
    });
  }
  it("accepted neighbours: website_id 1 and \"1\"", async () => {
    await expectValid((c) => c.chat.send({ message: "H", website_id: 1 }));
    await expectValid((c) => c.chat.send({ message: "H", website_id: "1" }));
  });
});

describe("conversations.list", () => {
  for (const session_id of WRONG_STRINGS) {
    it(`session_id ${show(session_id)} is rejected`, async () => {
      await expectInvalid("session_id", (c) => c.conversations.list(session_id === undefined ? {} : { session_id }));
    });
  }
  for (const limit of BAD_LIMITS) {
    it(`limit ${show(limit)} is rejected`, async () => {
      await expectInvalid("limit", (c) => c.conversations.list({ session_id: "s", limit }));
    });
  }
  it("accepted neighbours: limit 1 and 100", async () => {
    await expectValid((c) => c.conversations.list({ session_id: "s", limit: 1 }));
    await expectValid((c) => c.conversations.list({ session_id: "s", limit: 100 }));
  });
});

describe("sessions.list", () => {
  for (const limit of BAD_LIMITS) {
    it(`limit ${show(limit)} is rejected`, async () => {
      await expectInvalid("limit", (c) => c.sessions.list({ limit }));
    });
  }
  for (const source of ["email", "", "Widget", "api ", "web", 5, ["widget"]]) {
    it(`source ${show(source)} is rejected`, async () => {
      await expectInvalid("source", (c) => c.sessions.list({ source }));
    });
  }
  for (const website_id of BAD_WEBSITE_IDS) {
    it(`website_id ${show(website_id)} is rejected`, async () => {
      await expectInvalid("website_id", (c) => c.sessions.list({ website_id }));
    });
  }
  it("accepted neighbours: source zapier, limit 100, website_id 3", async () => {
    await expectValid((c) => c.sessions.list({ source: "zapier", limit: 100, website_id: 3 }));
  });
});

describe("leads.list", () => {
  for (const limit of BAD_LIMITS) {
    it(`limit ${show(limit)} is rejected`, async () => {
      await expectInvalid("limit", (c) => c.leads.list({ limit }));
    });
  }
  for (const website_id of ["abc", "", 1.5, true]) {
    it(`website_id ${show(website_id)} is rejected`, async () => {
      await expectInvalid("website_id", (c) => c.leads.list({ website_id }));
    });
  }
  it("accepted neighbour: limit 1", async () => {
    await expectValid((c) => c.leads.list({ limit: 1 }));
  });
});

describe("knowledge.list", () => {
  for (const limit of BAD_LIMITS) {
    it(`limit ${show(limit)} is rejected`, async () => {
      await expectInvalid("limit", (c) => c.knowledge.list({ limit }));
    });
  }
  for (const website_id of ["abc", "", 1.5, true]) {
    it(`website_id ${show(website_id)} is rejected`, async () => {
      await expectInvalid("website_id", (c) => c.knowledge.list({ website_id }));
    });
  }
  it("accepted neighbour: limit 50, website_id \"9\"", async () => {
    await expectValid((c) => c.knowledge.list({ limit: 50, website_id: "9" }));
  });
});

describe("knowledge.addText", () => {
  const CONTENT = "0123456789";
  for (const title of WRONG_STRINGS) {
    it(`title ${show(title)} is rejected`, async () => {
      await expectInvalid("title", (c) =>
        c.knowledge.addText(title === undefined ? { content: CONTENT } : { title, content: CONTENT }),
      );
    });
  }
  for (const content of WRONG_STRINGS) {
    it(`content ${show(content)} is rejected`, async () => {
      await expectInvalid("content", (c) =>
        c.knowledge.addText(content === undefined ? { title: "T" } : { title: "T", content }),
      );
    });
  }
  it("content of 9 characters is rejected, 10 accepted", async () => {
    await expectInvalid("content", (c) => c.knowledge.addText({ title: "T", content: "123456789" }));
    await expectValid((c) => c.knowledge.addText({ title: "T", content: "1234567890" }));
  });
  it("characters, not bytes: 9 x \"é\" (18 UTF-8 bytes) rejected, 10 accepted", async () => {
    await expectInvalid("content", (c) => c.knowledge.addText({ title: "T", content: "é".repeat(9) }));
    await expectValid((c) => c.knowledge.addText({ title: "T", content: "é".repeat(10) }));
  });
  for (const website_id of ["abc", "", 1.5]) {
    it(`website_id ${show(website_id)} is rejected`, async () => {
      await expectInvalid("website_id", (c) => c.knowledge.addText({ title: "T", content: CONTENT, website_id }));
    });
  }
});

describe("knowledge.addUrl", () => {
  for (const url of WRONG_STRINGS) {
    it(`url ${show(url)} is rejected`, async () => {
      await expectInvalid("url", (c) => c.knowledge.addUrl(url === undefined ? {} : { url }));
    });
  }
  for (const url of [
    "example.com/faq",
    "/faq",
    "//example.com/faq",
    "ftp://example.com/faq",
    "javascript:alert(1)",
    "mailto:you@example.com",
    "file:///etc/passwd",
    "https://",
    "not a url",
  ]) {
    it(`url ${show(url)} (not an absolute http(s) URL) is rejected`, async () => {
      await expectInvalid("url", (c) => c.knowledge.addUrl({ url }));
    });
  }
  it("website_id \"abc\" is rejected", async () => {
    await expectInvalid("website_id", (c) => c.knowledge.addUrl({ url: "https://example.com/", website_id: "abc" }));
  });
  it("accepted neighbours: https and http absolute URLs", async () => {
    await expectValid((c) => c.knowledge.addUrl({ url: "https://example.com/faq" }));
    await expectValid((c) => c.knowledge.addUrl({ url: "http://example.com" }));
  });
});

describe("webhooks.create", () => {
  const EV = ["message.received"];
  for (const url of WRONG_STRINGS) {
    it(`url ${show(url)} is rejected`, async () => {
      await expectInvalid("url", (c) => c.webhooks.create(url === undefined ? { events: EV } : { url, events: EV }));
    });
  }
  for (const url of [
    "http://example.com/hook",
    "http://localhost.example.com/hook",
    "http://127.0.0.1.nip.io/hook",
    "ftp://example.com/hook",
    "example.com/hook",
    "wss://example.com/hook",
  ]) {
    it(`url ${show(url)} (not HTTPS, not loopback) is rejected`, async () => {
      await expectInvalid("url", (c) => c.webhooks.create({ url, events: EV }));
    });
  }
  for (const events of [undefined, [], [""], ["message.received", ""], "message.received", [1], null, [null], {}]) {
    it(`events ${show(events)} is rejected`, async () => {
      await expectInvalid("events", (c) =>
        c.webhooks.create(events === undefined ? { url: "https://example.com/h" } : { url: "https://example.com/h", events }),
      );
    });
  }
  it("website_id \"abc\" is rejected", async () => {
    await expectInvalid("website_id", (c) =>
      c.webhooks.create({ url: "https://example.com/h", events: EV, website_id: "abc" }),
    );
  });
  for (const url of ["https://example.com/hook", "http://localhost:8787/x", "http://127.0.0.1/x", "http://[::1]:8787/x"]) {
    it(`accepted: ${url}`, async () => {
      await expectValid((c) => c.webhooks.create({ url, events: EV }));
    });
  }
});

describe("knowledge.uploadSpreadsheet", () => {
  const CSV = new TextEncoder().encode("name,price\nWidget,9.99\n");
  const FILE_FIELDS = ["file", "filename"];
  for (const [label, file] of [
    ["missing", undefined],
    ["a string", "name,price\nWidget,9.99\n"],
    ["a number", 5],
    ["null", null],
    ["a plain object", { name: "a.csv" }],
  ]) {
    it(`file ${label} is rejected`, async () => {
      await expectInvalid("file", (c) =>
        c.knowledge.uploadSpreadsheet(file === undefined ? { filename: "a.csv" } : { file, filename: "a.csv" }),
      );
    });
  }
  it("a File named .txt is rejected", async () => {
    await expectInvalid(FILE_FIELDS, (c) => c.knowledge.uploadSpreadsheet({ file: new File([CSV], "data.txt") }));
  });
  for (const filename of ["data.txt", "data.csv.exe", "csv", "data.xls", "data"]) {
    it(`bytes with filename ${show(filename)} are rejected`, async () => {
      await expectInvalid(FILE_FIELDS, (c) => c.knowledge.uploadSpreadsheet({ file: CSV, filename }));
    });
  }
  for (const [label, make] of [
    ["Uint8Array", () => new Uint8Array(0)],
    ["ArrayBuffer", () => new ArrayBuffer(0)],
    ["Blob", () => new Blob([])],
    ["File", () => new File([], "empty.csv")],
  ]) {
    it(`an empty ${label} is rejected`, async () => {
      await expectInvalid("file", (c) => c.knowledge.uploadSpreadsheet({ file: make(), filename: "empty.csv" }));
    });
  }
  it("website_id \"abc\" is rejected", async () => {
    await expectInvalid("website_id", (c) =>
      c.knowledge.uploadSpreadsheet({ file: CSV, filename: "a.csv", website_id: "abc" }),
    );
  });
  it("accepted neighbours: .csv and .xlsx", async () => {
    await expectValid((c) => c.knowledge.uploadSpreadsheet({ file: CSV, filename: "a.csv" }));
    await expectValid((c) => c.knowledge.uploadSpreadsheet({ file: new File([CSV], "b.xlsx") }));
  });
});

describe("ids", () => {
  for (const ns of ["knowledge", "webhooks"]) {
    for (const id of ["", undefined, null]) {
      it(`${ns}.delete(${show(id)}) is rejected`, async () => {
        await expectInvalid("id", (c) => c[ns].delete(id));
      });
    }
  }
});

// The spec's list has no rule for control characters; what it does promise is that bad input never
// reaches the network and that no value can smuggle a header. So: a value bound for a header must not
// be sent (an AsyntaiError, no request), and a body/query value must either be rejected as a
// ValidationError or arrive byte for byte (never truncated at NUL, never split at CR/LF).
describe("control characters", () => {
  for (const value of ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u0000b"]) {
    it(`a defaultHeaders value ${show(value)} is not sent`, async () => {
      let err;
      try {
        await client({ defaultHeaders: { "X-Trace": value } }).account.get();
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof AsyntaiError, `expected an AsyntaiError, got ${err?.name}: ${err?.message}`);
      await tick(10);
      assert.equal(fake.requests.length, 0);
      assert.equal(fetchCalls, 0, "fetch was called with a bad header value");
    });
    it(`a per-call header value ${show(value)} is not sent`, async () => {
      let err;
      try {
        await client().chat.send({ message: "Hi" }, { headers: { "X-Trace": value } });
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof AsyntaiError, `expected an AsyntaiError, got ${err?.name}: ${err?.message}`);
      await tick(10);
      assert.equal(fake.requests.length, 0);
      assert.equal(fetchCalls, 0, "fetch was called with a bad header value");
    });
  }

  for (const session_id of ["a\r\nb", "a\u0000b", "line1\nline2"]) {
    it(`chat session_id ${show(session_id)}: rejected, or sent intact`, async () => {
      let err;
      try {
        await client().chat.send({ message: "Hi", session_id });
      } catch (e) {
        err = e;
      }
      if (err !== undefined) {
        assert.ok(err instanceof ValidationError, `got ${err?.name}: ${err?.message}`);
        assert.equal(err.field, "session_id");
        assert.equal(fake.requests.length, 0);
        return;
      }
      assert.equal(fake.requests.length, 1);
      assert.deepStrictEqual(JSON.parse(fake.requests[0].body), { message: "Hi", session_id });
    });
    it(`conversations session_id ${show(session_id)}: rejected, or sent intact`, async () => {
      let err;
      try {
        await client().conversations.list({ session_id });
      } catch (e) {
        err = e;
      }
      if (err !== undefined) {
        assert.ok(err instanceof ValidationError, `got ${err?.name}: ${err?.message}`);
        assert.equal(err.field, "session_id");
        assert.equal(fake.requests.length, 0);
        return;
      }
      assert.equal(fake.requests.length, 1);
      assert.deepStrictEqual(fake.requests[0].query, { session_id });
    });
  }
});

describe("after a bad option, nothing more of the caller's objects is read", () => {
  // A proxy that records every trap: given after the option at fault, it is never touched.
  const watched = () => {
    const seen = [];
    const proxy = new Proxy({}, Object.fromEntries(["get", "has", "ownKeys", "getOwnPropertyDescriptor"].map((t) => [t, (...a) => (seen.push(t), Reflect[t](...a))])));
    return { proxy, seen };
  };
  it("a call's options: a bad timeout, then headers, query and body", async () => {
    for (const key of ["headers", "query", "body"]) {
      const { proxy, seen } = watched();
      const err = await client().chat.send({ message: "x" }, { timeout: -1, [key]: proxy }).catch((e) => e);
      assert.ok(err instanceof ValidationError && err.field === "timeout", `${key}: ${err}`);
      assert.deepEqual(seen, [], `${key} was read after the bad timeout`);
    }
    assert.equal(fetchCalls, 0);
  });
  it("the client's options: a bad timeout, then defaultHeaders", () => {
    const { proxy, seen } = watched();
    assert.throws(() => client({ timeout: 0, defaultHeaders: proxy }), (e) => e instanceof AsyntaiError && /timeout/.test(e.message));
    assert.deepEqual(seen, []);
  });
  it("and each is read when the options before it are good", async () => {
    const { proxy, seen } = watched();
    await client().chat.send({ message: "x" }, { timeout: 5000, headers: proxy });
    assert.ok(seen.length > 0);
  });
});

describe("proxies whose traps throw, anywhere a caller's object is read", () => {
  const trap = () => {
    throw new Error("trap");
  };
  const hostile = {
    ownKeys: new Proxy({}, { ownKeys: trap }),
    get: new Proxy({ message: "x" }, { get: trap }),
    getOwnPropertyDescriptor: new Proxy({ message: "x" }, { getOwnPropertyDescriptor: trap }),
    "an array's get": new Proxy([1, 2], { get: trap }),
    has: new Proxy({}, { has: trap }),
    "every trap (revoked)": (() => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    })(),
  };
  const places = {
    "new Asyntai(options)": (h) => new Asyntai(h),
    defaultHeaders: (h) => client({ defaultHeaders: h }),
    "chat.send(params)": (h) => client().chat.send(h),
    "chat.send(_, options)": (h) => client().chat.send({ message: "x" }, h),
    "a nested value": (h) => client().chat.send({ message: "x", extra: h }),
    "options.headers": (h) => client().chat.send({ message: "x" }, { headers: h }),
    "a headers pair": (h) => client().chat.send({ message: "x" }, { headers: [h] }),
    "options.query": (h) => client().chat.send({ message: "x" }, { query: h }),
    "options.body": (h) => client().chat.send({ message: "x" }, { body: h }),
    "leads.list(params)": (h) => client().leads.list(h),
    "knowledge.addText tags": (h) => client().knowledge.addText({ title: "t", content: "c".repeat(20), website_id: 1, tags: h }),
  };

  it("an AsyntaiError (never the trap's own error) and nothing sent", async () => {
    for (const [trapName, h] of Object.entries(hostile)) {
      for (const [place, call] of Object.entries(places)) {
        let outcome;
        try {
          const r = call(h);
          outcome = r && typeof r.then === "function" ? await r.then(() => "resolved", (e) => e) : "constructed";
        } catch (e) {
          outcome = e;
        }
        const trapped = outcome instanceof Error && outcome.message === "trap";
        assert.ok(!trapped, `${place} with a proxy whose ${trapName} throws: the trap's error escaped`);
        if (outcome instanceof Error) assert.ok(outcome instanceof AsyntaiError, `${place}, ${trapName}: ${outcome}`);
      }
    }
    assert.equal(fake.requests.filter((r) => r.path === "/api/v1/chat/" && r.body?.extra !== undefined).length, 0);
  });

  it("20,000 of them, then the module still works (no exception unwound through the wasm)", async () => {
    const c = client();
    for (let i = 0; i < 20_000; i++) {
      await assert.rejects(c.chat.send(hostile.ownKeys), ValidationError);
    }
    assert.equal(fetchCalls, 0);
    const answer = await c.chat.send({ message: "Hi" });
    assert.equal(answer.success, true);
  });
});
