// The sandbox end to end, through the public package as a user has it: `MockAsyntai` from
// `asyntai-edge/testing` behind the real client (`new Asyntai({ fetch: mock.fetch })`). Expected values
// come from asyntai-api.md / sdk-spec.md and node:crypto, never from the sandbox itself.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  Asyntai,
  ValidationError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  APIUserAbortError,
  Webhook,
} from "asyntai-edge";
import { MockAsyntai } from "asyntai-edge/testing";

const hmac = (secret, body) => createHmac("sha256", secret).update(body).digest("hex");

function setup(options = {}) {
  const mock = new MockAsyntai(options);
  const client = new Asyntai({ apiKey: options.apiKey ?? "test_key", fetch: mock.fetch, maxRetries: 0 });
  return { mock, client };
}

/** A webhook receiver that records what it gets; answers `status` (or throws when `status` is "throw"). */
function receiver(status = 200) {
  const received = [];
  const fetch = async (url, init) => {
    const headers = new Headers(init.headers);
    received.push({
      url: String(url),
      method: init.method,
      contentType: headers.get("content-type"),
      signature: headers.get("x-webhook-signature"),
      body: init.body,
    });
    if (status === "throw") throw new TypeError("fetch failed: connection refused");
    return new Response("ok", { status });
  };
  return { fetch, received };
}

async function rejectsWith(promise, Class, check = () => {}) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Class, `expected ${Class.name}, got ${err && err.name}: ${err && err.message}`);
    check(err);
    return true;
  });
}

describe("MockAsyntai options", () => {
  it("defaults: key test_key, starter plan, one primary website", async () => {
    const { client } = setup();
    assert.deepStrictEqual(await client.account.get(), {
      success: true,
      account: { email: "sandbox@example.com", plan: "starter", messages_used: 0, messages_limit: 2500 },
    });
    const { websites } = await client.websites.list();
    assert.equal(websites.length, 1);
    assert.equal(websites[0].id, 1);
    assert.equal(websites[0].is_primary, true);
  });

  it("plans set the account's limits", async () => {
    for (const [plan, limit] of [["starter", 2500], ["standard", 15000], ["pro", 50000]]) {
      const { client } = setup({ plan });
      const { account } = await client.account.get();
      assert.equal(account.plan, plan);
      assert.equal(account.messages_limit, limit);
    }
  });

  it("rejects invalid options with a ValidationError naming the option", () => {
    const cases = [
      [{ plan: "gold" }, "plan"],
      [{ plan: "Starter" }, "plan"],
      [{ apiKey: "" }, "apiKey"],
      [{ fetch: "https://example.com" }, "fetch"],
      [{ websites: {} }, "websites"],
      [{ websites: [] }, "websites"],
      [{ websites: [{ id: "1" }] }, "websites[0].id"],
      [{ websites: [{ id: 1, is_primary: true }, { id: 2, is_primary: true }] }, "websites[1].is_primary"],
      [{ limits: 5 }, "limits"],
      [{ limits: { messagesPerMonth: -1 } }, "limits.messagesPerMonth"],
      [{ limits: { messages: 1 } }, "limits.messages"],
    ];
    for (const [options, field] of cases) {
      assert.throws(() => new MockAsyntai(options), (err) => {
        assert.ok(err instanceof ValidationError, `${JSON.stringify(options)}: ${err}`);
        assert.equal(err.field, field, JSON.stringify(options));
        assert.equal(err.name, "ValidationError");
        return true;
      });
    }
  });

  it("websites: several, with a primary one", async () => {
    const { client } = setup({
      websites: [
        { id: 1, name: "Main", domain: "main.example" },
        { id: 2, name: "Docs", domain: "docs.example", is_primary: true },
      ],
    });
    assert.deepStrictEqual(await client.websites.list(), {
      success: true,
      websites: [
        { id: 1, name: "Main", domain: "main.example", is_primary: false },
        { id: 2, name: "Docs", domain: "docs.example", is_primary: true },
      ],
    });
    await client.knowledge.addText({ title: "Docs", content: "The docs site explains installation steps." });
    await client.knowledge.addText({ title: "Main", content: "The main site sells installation kits.", website_id: 1 });
    // Without website_id: the primary website (2); website_id as a string of digits is sent as the integer chat wants.
    assert.equal((await client.chat.send({ message: "installation steps" })).response, "The docs site explains installation steps.");
    assert.equal((await client.chat.send({ message: "installation kits", website_id: "1" })).response, "The main site sells installation kits.");
    const { sessions } = await client.sessions.list({ website_id: 1 });
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].website_domain, "main.example");
    await rejectsWith(client.chat.send({ message: "hi", website_id: 9 }), NotFoundError);
  });
});

describe("mock.fetch", () => {
  it("is an own property, works detached, and takes a Request, a string or a URL", async () => {
    const mock = new MockAsyntai();
    assert.ok(Object.hasOwn(mock, "fetch"));
    const { fetch } = mock;
    const headers = { authorization: "Bearer test_key" };
    const inputs = [
      () => fetch("https://asyntai.com/api/v1/account/", { headers }),
      () => fetch(new URL("https://asyntai.com/api/v1/account/"), { headers }),
      () => fetch(new Request("http://127.0.0.1:8787/account/", { headers })),
      () => fetch("/api/v1/account/", { headers: { "X-API-Key": "test_key" } }),
      () => fetch.call(undefined, "https://asyntai.com/api/v1/account/", { headers }),
    ];
    for (const make of inputs) {
      const res = await make();
      assert.ok(res instanceof Response);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/json");
      assert.equal((await res.json()).account.email, "sandbox@example.com");
    }
  });

  it("reads bodies given as strings or bytes, and methods in any case; refuses what fetch refuses", async () => {
    const mock = new MockAsyntai();
    const headers = { authorization: "Bearer test_key", "content-type": "application/json" };
    const json = JSON.stringify({ title: "Bytes", content: "Sent as a Uint8Array body." });
    for (const body of [json, new TextEncoder().encode(json), new TextEncoder().encode(json).buffer]) {
      const res = await mock.fetch("https://asyntai.com/api/v1/knowledge/text/", { method: "post", headers, body });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal((await res.json()).title, "Bytes");
    }
    await assert.rejects(mock.fetch("https://asyntai.com/api/v1/account/", { method: "GET", body: "x", headers }), TypeError);
    await assert.rejects(mock.fetch("https://asyntai.com/api/v1/account/", { headers: { authorization: "Bearer a\nb" } }), TypeError);
    await assert.rejects(mock.fetch("not a url"), TypeError);
  });

  it("answers errors in the documented {success: false, error} form", async () => {
    const mock = new MockAsyntai();
    const cases = [
      ["https://asyntai.com/api/v1/account/", {}, 401],
      ["https://asyntai.com/api/v1/nope/", { headers: { authorization: "Bearer test_key" } }, 404],
      ["https://asyntai.com/api/v1/chat/", { headers: { authorization: "Bearer test_key" } }, 405],
      ["https://asyntai.com/api/v1/chat/", { method: "POST", body: "{", headers: { authorization: "Bearer test_key" } }, 400],
    ];
    for (const [url, init, status] of cases) {
      const res = await mock.fetch(url, init);
      assert.equal(res.status, status, url);
      const body = await res.json();
      assert.deepStrictEqual(Object.keys(body).sort(), ["error", "success"]);
      assert.equal(body.success, false);
      assert.equal(typeof body.error, "string");
    }
  });

  it("rejects like fetch when the signal is aborted", async () => {
    const { mock, client } = setup();
    const ctrl = new AbortController();
    ctrl.abort();
    await assert.rejects(mock.fetch("https://asyntai.com/api/v1/account/", { signal: ctrl.signal }), { name: "AbortError" });
    await rejectsWith(client.account.get({ signal: ctrl.signal }), APIUserAbortError);
  });
});

describe("auth and plan", () => {
  it("401 for a wrong key: AuthenticationError, the key never echoed", async () => {
    const mock = new MockAsyntai({ apiKey: "test_key" });
    const client = new Asyntai({ apiKey: "sk_live_WRONG_KEY_42", fetch: mock.fetch, maxRetries: 0 });
    await rejectsWith(client.account.get(), AuthenticationError, (err) => {
      assert.equal(err.status, 401);
      assert.equal(typeof err.error, "string");
      assert.ok(!JSON.stringify({ ...err, m: err.message, s: String(err) }).includes("WRONG_KEY"));
    });
    // X-API-Key works as well as Bearer, and a wrong X-API-Key is refused.
    const ok = await mock.fetch("https://asyntai.com/api/v1/account/", { headers: { "x-api-key": "test_key" } });
    assert.equal(ok.status, 200);
    const bad = await mock.fetch("https://asyntai.com/api/v1/account/", { headers: { "x-api-key": "sk_live_WRONG_KEY_42" } });
    assert.equal(bad.status, 401);
    assert.ok(!(await bad.text()).includes("WRONG_KEY"));
  });

  it("403 on the free plan: PermissionDeniedError", async () => {
    const { client } = setup({ plan: "free" });
    await rejectsWith(client.account.get(), PermissionDeniedError, (err) => assert.equal(err.status, 403));
    await rejectsWith(client.chat.send({ message: "hello" }), PermissionDeniedError);
  });

  it("400 from the sandbox itself for what the client does not check", async () => {
    const { client } = setup();
    await rejectsWith(
      client.webhooks.create({ url: "https://example.com/h", events: ["not.an.event"] }),
      BadRequestError,
      (err) => assert.match(err.error, /events\[0\]/),
    );
  });
});

describe("quotas", () => {
  it("429 once the monthly message quota is reached: RateLimitError, not retried", async () => {
    const mock = new MockAsyntai({ limits: { messagesPerMonth: 2 } });
    let calls = 0;
    const counting = (input, init) => { calls++; return mock.fetch(input, init); };
    const client = new Asyntai({ apiKey: "test_key", fetch: counting, maxRetries: 2 });
    await client.chat.send({ message: "one" });
    await client.chat.send({ message: "two" });
    calls = 0;
    await rejectsWith(client.chat.send({ message: "three" }), RateLimitError, (err) => {
      assert.equal(err.status, 429);
      assert.equal(err.retryAfter, null);
      assert.match(err.error, /monthly message limit/);
    });
    assert.equal(calls, 1, "a 429 without Retry-After is never retried");
    const { account } = await client.account.get();
    assert.equal(account.messages_used, 2);
    assert.equal(account.messages_limit, 2);
  });

  it("429 past the daily upload cap", async () => {
    const { client } = setup({ limits: { uploadCharsPerDay: 40 } });
    await client.knowledge.addText({ title: "A", content: "x".repeat(30) });
    await rejectsWith(client.knowledge.addText({ title: "B", content: "y".repeat(11) }), RateLimitError, (err) =>
      assert.match(err.error, /daily upload limit/));
    await client.knowledge.addText({ title: "C", content: "z".repeat(10) });
  });

  it("the spreadsheet row cap cuts extra rows", async () => {
    const { client } = setup({ limits: { spreadsheetRows: 2 } });
    const csv = "sku,name\n1,Alpha\n2,Beta\n3,Gamma\n";
    const res = await client.knowledge.uploadSpreadsheet({ file: new Blob([csv], { type: "text/csv" }), filename: "skus.csv" });
    assert.equal(res.rows_processed, 2);
    assert.equal(res.chunks_created, 2);
  });
});

describe("every endpoint, with state", () => {
  it("knowledge: text, URL, CSV spreadsheet, list, delete; chat answers from it", async () => {
    const { client } = setup();
    const text = await client.knowledge.addText({
      title: "Return Policy",
      content: "We offer a 30-day return policy on all items. Refunds are processed within 5-7 business days.",
    });
    assert.deepStrictEqual(Object.keys(text).sort(), ["chunks_created", "id", "success", "title"]);
    assert.equal(text.title, "Return Policy");
    assert.equal(text.chunks_created, 1);

    const url = await client.knowledge.addUrl({ url: "https://example.com/faq" });
    assert.deepStrictEqual(url, { success: true, id: url.id, title: "FAQ - example.com", url: "https://example.com/faq", chunks_created: 1 });

    const csv = 'name,price,notes\r\nWidget,9.99,"Blue, small"\r\nGadget,24.50,"The ""deluxe"" one"\r\n';
    const sheet = await client.knowledge.uploadSpreadsheet({ file: new File([csv], "products.csv", { type: "text/csv" }) });
    assert.deepStrictEqual(sheet, { success: true, id: sheet.id, title: "products.csv", rows_processed: 2, chunks_created: 2 });

    const { entries } = await client.knowledge.list();
    assert.deepStrictEqual(entries.map((e) => [e.id, e.type, e.title]), [
      [sheet.id, "spreadsheet", "products.csv"],
      [url.id, "url", "FAQ - example.com"],
      [text.id, "text", "Return Policy"],
    ]);
    for (const e of entries) assert.match(e.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal((await client.knowledge.list({ limit: 1 })).entries.length, 1);

    // Grounded answers: the best-matching chunk's text; the row as "header: value" lines.
    assert.equal(
      (await client.chat.send({ message: "How long do refunds take?" })).response,
      "We offer a 30-day return policy on all items. Refunds are processed within 5-7 business days.",
    );
    assert.equal((await client.chat.send({ message: "deluxe gadget price" })).response, "name: Gadget\nprice: 24.50\nnotes: The \"deluxe\" one");
    const fallback = (await client.chat.send({ message: "Do you sell submarines?" })).response;
    assert.ok(!/refund|Widget|Gadget/.test(fallback), fallback);

    assert.deepStrictEqual(await client.knowledge.delete(text.id), { success: true, message: "Knowledge base entry deleted" });
    await rejectsWith(client.knowledge.delete(text.id), NotFoundError);
    assert.equal((await client.chat.send({ message: "How long do refunds take?" })).response, fallback);
  });

  it("an .xlsx gets a clear 400", async () => {
    const { client } = setup();
    const zip = new Uint8Array([0x50, 0x4b, 3, 4, 20, 0, 0, 0]);
    await rejectsWith(client.knowledge.uploadSpreadsheet({ file: zip, filename: "book.xlsx" }), BadRequestError, (err) =>
      assert.match(err.error, /\.csv only/));
  });

  it("sessions, conversation history and leads", async () => {
    const { client } = setup();
    const first = await client.chat.send({ message: "Hello, I have a question" });
    // The reference's fields and `ai_disclosure`, which the vendor's clients read (asyntai-api.md, last section).
    assert.deepStrictEqual(Object.keys(first).sort(), ["ai_disclosure", "response", "session_id", "success"]);
    const sid = first.session_id;
    assert.match(sid, /^sess_[0-9a-f]{16}$/);
    const again = await client.chat.send({ message: "You can reach me at jo@example.org", session_id: sid });
    assert.equal(again.session_id, sid);
    await client.chat.send({ message: "Other visitor", session_id: "user_123" });

    const history = await client.conversations.list({ session_id: sid });
    assert.equal(history.session_id, sid);
    assert.deepStrictEqual(history.messages.map((m) => [m.role, m.content]), [
      ["user", "Hello, I have a question"],
      ["assistant", first.response],
      ["user", "You can reach me at jo@example.org"],
      ["assistant", again.response],
    ]);
    for (const m of history.messages) assert.match(m.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal((await client.conversations.list({ session_id: sid, limit: 1 })).messages[0].content, again.response);
    await rejectsWith(client.conversations.list({ session_id: "nobody" }), NotFoundError);

    const { sessions } = await client.sessions.list({ source: "api" });
    assert.equal(sessions.length, 2);
    const mine = sessions.find((s) => s.session_id === sid);
    assert.equal(mine.source, "api");
    assert.equal(mine.message_count, 4);
    assert.equal(mine.first_message, "Hello, I have a question");
    assert.equal(mine.website_domain, "example.com");
    assert.deepStrictEqual((await client.sessions.list({ source: "widget" })).sessions, []);

    const { leads } = await client.leads.list();
    assert.deepStrictEqual(leads, [{ session_id: sid, email: "jo@example.org", phone: null, page_url: null, started_at: mine.first_message_at }]);
  });

  it("webhooks: create (secret shown once), list, delete", async () => {
    const { client } = setup();
    const created = await client.webhooks.create({ url: "https://example.com/webhook", events: ["message.received"] });
    assert.match(created.webhook.secret, /^whsec_[0-9a-f]{32}$/);
    const { webhooks } = await client.webhooks.list();
    assert.deepStrictEqual(webhooks, [{
      id: created.webhook.id, url: "https://example.com/webhook", events: ["message.received"],
      is_active: true, created_at: created.webhook.created_at,
    }]);
    assert.deepStrictEqual(await client.webhooks.delete(created.webhook.id), { success: true, message: "Webhook deleted" });
    await rejectsWith(client.webhooks.delete(created.webhook.id), NotFoundError);
  });
});

describe("webhook deliveries", () => {
  it("are signed, delivered through `fetch` before the answer, and recorded", async () => {
    const hook = receiver(200);
    const { mock, client } = setup({ fetch: hook.fetch });
    const { webhook } = await client.webhooks.create({
      url: "http://localhost:8787/webhooks/asyntai",
      events: ["conversation.started", "message.received", "lead.captured", "escalation.requested"],
    });
    const answer = await client.chat.send({ message: "Call me on +44 20 7946 0958", session_id: "v1" });
    // Already delivered when the call returned.
    assert.deepStrictEqual(hook.received.map((r) => JSON.parse(r.body).event), ["conversation.started", "message.received", "lead.captured"]);
    for (const r of hook.received) {
      assert.equal(r.url, "http://localhost:8787/webhooks/asyntai");
      assert.equal(r.method, "POST");
      assert.equal(r.contentType, "application/json");
      assert.equal(r.signature, hmac(webhook.secret, r.body));
      assert.doesNotThrow(() => new Webhook(webhook.secret).verify(r.body, r.signature));
    }
    const received = JSON.parse(hook.received[1].body);
    assert.equal(received.payload.session_id, "v1");
    assert.equal(received.payload.message, "Call me on +44 20 7946 0958");
    assert.equal(received.payload.response, answer.response);
    const lead = JSON.parse(hook.received[2].body);
    assert.deepStrictEqual(lead, {
      event: "lead.captured",
      payload: { email: null, phone: "+442079460958", page_url: null, country: null, website_domain: "example.com", session_id: "v1", started_at: lead.payload.started_at },
    });
    assert.deepStrictEqual(mock.deliveries.map((d) => [d.event, d.status]), [
      ["conversation.started", 200], ["message.received", 200], ["lead.captured", 200],
    ]);
    for (const d of mock.deliveries) assert.equal(d.signature, hmac(webhook.secret, d.body));

    // Asking for a human: escalation.requested.
    const human = await client.chat.send({ message: "Can I speak to someone, a real person?", session_id: "v1" });
    assert.ok(human.response.length > 0);
    assert.deepStrictEqual(mock.deliveries.slice(3).map((d) => d.event), ["message.received", "escalation.requested"]);
  });

  it("a failed delivery is recorded with its status and never breaks the API call", async () => {
    for (const [status, recorded] of [[500, 500], ["throw", 0]]) {
      const hook = receiver(status);
      const { mock, client } = setup({ fetch: hook.fetch });
      await client.webhooks.create({ url: "https://hooks.example/x", events: ["message.received"] });
      const res = await client.chat.send({ message: "hello" });
      assert.equal(res.success, true);
      assert.deepStrictEqual(mock.deliveries.map((d) => [d.event, d.status]), [["message.received", recorded]]);
    }
  });

  it("without a `fetch` option deliveries are recorded, not sent", async () => {
    const { mock, client } = setup();
    const { webhook } = await client.webhooks.create({ url: "https://hooks.example/x", events: ["message.received"] });
    await client.chat.send({ message: "hello" });
    assert.equal(mock.deliveries.length, 1);
    assert.equal(mock.deliveries[0].status, null);
    assert.equal(mock.deliveries[0].signature, hmac(webhook.secret, mock.deliveries[0].body));
  });

  it("only subscribed, existing webhooks get events", async () => {
    const hook = receiver(204);
    const { mock, client } = setup({ fetch: hook.fetch });
    const a = await client.webhooks.create({ url: "https://a.example/h", events: ["lead.captured"] });
    await client.chat.send({ message: "no contact details here" });
    assert.equal(mock.deliveries.length, 0);
    await client.webhooks.delete(a.webhook.id);
    await client.chat.send({ message: "mail me: a@b.io" });
    assert.equal(mock.deliveries.length, 0);
  });
});

// What the vendor's own clients send and read (asyntai-api.md, last section), through mock.fetch as any
// HTTP client sends it: website_id as a number or a string, since/before newest first, the email filter,
// /tickets/ and ticket.created, the seed options.
describe("the API the vendor's own clients use", () => {
  const auth = { authorization: "Bearer test_key", "content-type": "application/json" };
  async function call(mock, method, path, body) {
    const res = await mock.fetch(`https://asyntai.com/api/v1/${path}`, {
      method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return [res.status, await res.json()];
  }

  it("website_id is an integer or a string of digits on every endpoint", async () => {
    const mock = new MockAsyntai({ websites: [{ id: 1, is_primary: true }, { id: 2 }] });
    for (const website_id of [2, "2"]) {
      assert.equal((await call(mock, "POST", "knowledge/text/", { title: "T", content: "Text of website two.", website_id }))[0], 200);
      assert.equal((await call(mock, "POST", "knowledge/url/", { url: "https://two.example/faq", website_id }))[0], 200);
      assert.equal((await call(mock, "POST", "chat/", { message: "hello", website_id }))[0], 200);
      assert.equal((await call(mock, "POST", "webhooks/", { url: "https://h.example/", events: ["ticket.created"], website_id }))[0], 200);
    }
    const [, { entries }] = await call(mock, "GET", "knowledge/?website_id=2");
    assert.equal(entries.length, 4);
    for (const e of entries) assert.equal(typeof e.chunks_count, "number");
    assert.equal((await call(mock, "GET", "sessions/?website_id=2"))[1].sessions.length, 2);
    const [status, body] = await call(mock, "POST", "knowledge/text/", { title: "T", content: "0123456789", website_id: 2.5 });
    assert.equal(status, 400);
    assert.deepStrictEqual(Object.keys(body).sort(), ["error", "success"]);
  });

  it("sessions and leads page newest first with before; since is inclusive; email matches exactly", async () => {
    const mock = new MockAsyntai();
    const made = [];
    for (let i = 0; i < 9; i++) made.push((await call(mock, "POST", "chat/", { message: `I am v${i}@example.org` }))[1].session_id);
    for (const [path, key] of [["sessions/", "sessions"], ["leads/", "leads"]]) {
      const seen = [];
      let before;
      for (;;) {
        const [, page] = await call(mock, "GET", `${path}?limit=2${before ? `&before=${encodeURIComponent(before)}` : ""}`);
        seen.push(...page[key].map((x) => x.session_id));
        if (page[key].length < 2) break;
        before = page[key].at(-1).started_at;
      }
      assert.deepStrictEqual(seen, made.toReversed(), `${path}: each once, newest first`);
    }
    const [, { sessions }] = await call(mock, "GET", "sessions/");
    const third = sessions[2].started_at;
    assert.match(third, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepStrictEqual((await call(mock, "GET", `sessions/?since=${third}`))[1].sessions.map((s) => s.session_id), made.toReversed().slice(0, 3));
    const [, { leads }] = await call(mock, "GET", "leads/?email=v4@example.org");
    assert.deepStrictEqual(leads.map((l) => l.session_id), [made[4]]);
    assert.equal((await call(mock, "GET", "leads/?since=not-a-date"))[0], 400);
  });

  it("asking for a human opens a ticket, listed by GET /tickets/ and delivered as ticket.created", async () => {
    const hook = receiver(200);
    const mock = new MockAsyntai({ fetch: hook.fetch, webhooks: [{ url: "https://hooks.example/t", events: ["ticket.created"], secret: "whsec_preset" }] });
    const [, answer] = await call(mock, "POST", "chat/", { message: "I want to talk to a human. I'm kai@example.com" });
    const [, { tickets }] = await call(mock, "GET", "tickets/");
    assert.equal(tickets.length, 1);
    const [ticket] = tickets;
    assert.deepStrictEqual(Object.keys(ticket).sort(), [
      "assigned_to", "channel", "created_at", "first_assigned_at", "first_response_at", "page_url", "priority",
      "resolved_at", "session_id", "status", "subject", "ticket_number", "visitor_email", "website_id",
    ]);
    assert.match(ticket.ticket_number, /^TKT-\d{5}$/);
    assert.equal(ticket.session_id, answer.session_id);
    assert.equal(ticket.website_id, 1);
    assert.equal(ticket.visitor_email, "kai@example.com");
    assert.deepStrictEqual(hook.received.map((r) => JSON.parse(r.body)), [{ event: "ticket.created", payload: ticket }]);
    assert.equal(hook.received[0].signature, hmac("whsec_preset", hook.received[0].body));
    assert.deepStrictEqual(mock.deliveries.map((d) => [d.event, d.status]), [["ticket.created", 200]]);
  });

  it("knowledge and webhooks as options: answered from, signed with the given secret; bad ones named", async () => {
    const hook = receiver(200);
    const mock = new MockAsyntai({
      fetch: hook.fetch,
      knowledge: [
        { title: "Hours", content: "We open at 8am on weekdays." },
        { url: "https://example.com/delivery", content: "Delivery is free above 50 euros." },
      ],
      webhooks: [{ url: "http://localhost:3000/hook", events: ["message.received"], secret: "whsec_mine" }],
    });
    const client = new Asyntai({ apiKey: "test_key", fetch: mock.fetch, maxRetries: 0 });
    assert.equal((await client.chat.send({ message: "when do you open?" })).response, "We open at 8am on weekdays.");
    assert.equal((await client.chat.send({ message: "is delivery free?" })).response, "Delivery is free above 50 euros.");
    assert.equal(hook.received.length, 2);
    for (const r of hook.received) assert.equal(r.signature, hmac("whsec_mine", r.body));
    const cases = [
      [{ knowledge: {} }, "knowledge"],
      [{ knowledge: [{ title: "T", content: "short" }] }, "knowledge[0].content"],
      [{ knowledge: [{ url: "not a url" }] }, "knowledge[0].url"],
      [{ webhooks: [{ url: "http://example.com/h", events: ["lead.captured"] }] }, "webhooks[0].url"],
      [{ webhooks: [{ url: "https://example.com/h", events: ["nope"] }] }, "webhooks[0].events[0]"],
      [{ webhooks: [{ url: "https://example.com/h", events: ["lead.captured"], website_id: 9 }] }, "webhooks[0].website_id"],
    ];
    for (const [options, field] of cases) {
      assert.throws(() => new MockAsyntai(options), (err) => {
        assert.ok(err instanceof ValidationError, `${JSON.stringify(options)}: ${err}`);
        assert.equal(err.field, field, `${JSON.stringify(options)}: ${err.message}`);
        return true;
      });
    }
  });
});
