// What the vendor's own clients use beyond the reference (asyntai-api.md, last section; sdk-spec.md
// "Pages", "Escape hatch"), checked on the wire at a real HTTP server on loopback: tickets.list, the
// since/before/email options, list promises that iterate over every page, and per-call query/body.
// The pages are written here by hand (newest first, as the contract says), never by the client.

import { describe, it, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { Asyntai, ValidationError, NotFoundError } from "asyntai-edge";
import { startFakeApi } from "./fake-api.mjs";

const KEY = "sk_test_pages_0123";
let fake;
before(async () => {
  fake = await startFakeApi();
});
after(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const client = (opts = {}) => new Asyntai({ apiKey: KEY, baseURL: fake.url, maxRetries: 0, ...opts });

/** `n` sessions, newest first, one a day back from 2026-03-01 (offset `from`). */
function sessions(from, n) {
  return Array.from({ length: n }, (_, i) => {
    const day = new Date(Date.UTC(2026, 2, 1 - from - i));
    return { session_id: `s${from + i}`, source: "api", message_count: 2, first_message: "hi", started_at: day.toISOString() };
  });
}

/** A server holding `items` (newest first) that honours `limit` and `before` on `started_at`. */
function pagedServer(key, items, field = "started_at") {
  fake.respond((rec) => {
    const limit = Number(rec.query.limit ?? 20);
    const before = rec.query.before ? Date.parse(rec.query.before) : Infinity;
    const page = items.filter((x) => Date.parse(x[field]) < before).slice(0, limit);
    return { status: 200, json: { success: true, [key]: page } };
  });
}

describe("tickets.list", () => {
  it("GET /tickets/ with limit, website_id (a string), since and before; the answer as sent", async () => {
    const tickets = [{ ticket_number: "TKT-00002", session_id: "s2", status: "open", priority: "normal", subject: "Refund", visitor_email: null, page_url: null, website_id: 3, channel: "api", assigned_to: null, created_at: "2026-02-02T10:00:00Z", first_assigned_at: null, first_response_at: null, resolved_at: null }];
    fake.respond({ status: 200, json: { success: true, tickets } });
    const r = await client().tickets.list({ limit: 2, website_id: 3, since: "2026-01-01", before: new Date("2026-02-03T00:00:00Z") });
    assert.deepEqual(r, { success: true, tickets });
    const rec = fake.requests[0];
    assert.equal(rec.method, "GET");
    assert.equal(rec.path, "/api/v1/tickets/");
    assert.deepEqual(rec.query, { limit: "2", website_id: "3", since: "2026-01-01", before: "2026-02-03T00:00:00.000Z" });
  });
});

describe("since, before and email", () => {
  it("sessions and leads send them as given (a Date as its ISO string)", async () => {
    await client().sessions.list({ since: new Date("2026-01-02T03:04:05Z"), before: "2026-02-01T00:00:00+02:00" });
    await client().leads.list({ email: "a+b@example.com", since: "2026-01-01" });
    assert.deepEqual(fake.requests[0].query, { since: "2026-01-02T03:04:05.000Z", before: "2026-02-01T00:00:00+02:00" });
    assert.deepEqual(fake.requests[1].query, { since: "2026-01-01", email: "a+b@example.com" });
    assert.match(fake.requests[1].rawQuery, /email=a%2Bb%40example\.com/);
  });

  for (const [label, call, field] of [
    ["since that is not a date", (c) => c.sessions.list({ since: "yesterday" }), "since"],
    ["before with an impossible day", (c) => c.leads.list({ before: "2026-02-30" }), "before"],
    ["an invalid Date", (c) => c.tickets.list({ since: new Date("nope") }), "since"],
    ["since as a number", (c) => c.sessions.list({ since: 1767225600000 }), "since"],
    ["an email with no @", (c) => c.leads.list({ email: "nobody" }), "email"],
    ["email on sessions (not one of its options)", (c) => c.sessions.list({ email: "a@b.co" }), "email"],
  ]) {
    it(`${label}: a ValidationError naming ${field}, nothing sent`, async () => {
      await assert.rejects(call(client()), (e) => e instanceof ValidationError && e.field === field);
      assert.equal(fake.requests.length, 0);
    });
  }
});

describe("list promises iterate over every page", () => {
  it("sessions: 7 items in pages of 2, newest first, each page asked with before = the oldest of the last", async () => {
    const all = sessions(0, 7);
    pagedServer("sessions", all);
    const seen = [];
    for await (const s of client().sessions.list({ limit: 2 })) seen.push(s.session_id);
    assert.deepEqual(seen, all.map((s) => s.session_id));
    const befores = fake.requests.map((r) => r.query.before ?? null);
    assert.deepEqual(befores, [null, all[1].started_at, all[3].started_at, all[5].started_at]);
    assert.equal(fake.requests.length, 4, "the short page (1 item) is the last: no fifth request");
  });

  it("the promise is the first page; iterating it does not ask for that page again", async () => {
    const all = sessions(0, 3);
    pagedServer("sessions", all);
    const pages = client().sessions.list({ limit: 2 });
    const first = await pages;
    assert.deepEqual(first.sessions.map((s) => s.session_id), ["s0", "s1"]);
    const seen = [];
    for await (const s of pages) seen.push(s.session_id);
    assert.deepEqual(seen, ["s0", "s1", "s2"]);
    assert.equal(fake.requests.length, 2);
  });

  it("a server that ignores before: the repeated page ends the walk, no item twice, no page asked twice", async () => {
    const page = sessions(0, 2);
    fake.respond(() => ({ status: 200, json: { success: true, sessions: page } }));
    const seen = [];
    for await (const s of client().sessions.list({ limit: 2 })) seen.push(s.session_id);
    assert.deepEqual(seen, ["s0", "s1"]);
    assert.equal(fake.requests.length, 2);
    assert.deepEqual(fake.requests.map((r) => r.query.before ?? null), [null, page[1].started_at]);
  });

  it("leads page by started_at and tickets by created_at; since and the caller's options go with every page", async () => {
    const leads = sessions(0, 3).map((s) => ({ session_id: s.session_id, email: null, phone: null, page_url: null, started_at: s.started_at }));
    pagedServer("leads", leads);
    const got = [];
    for await (const l of client().leads.list({ limit: 2, since: "2025-01-01" }, { headers: { "x-trace": "t1" } })) got.push(l.session_id);
    assert.deepEqual(got, ["s0", "s1", "s2"]);
    assert.ok(fake.requests.every((r) => r.query.since === "2025-01-01" && r.headers["x-trace"] === "t1"));
    fake.reset();
    const tickets = [5, 4, 3].map((d) => ({ ticket_number: `TKT-0000${d}`, created_at: `2026-01-0${d}T00:00:00Z` }));
    pagedServer("tickets", tickets, "created_at");
    const numbers = [];
    for await (const t of client().tickets.list({ limit: 2 })) numbers.push(t.ticket_number);
    assert.deepEqual(numbers, ["TKT-00005", "TKT-00004", "TKT-00003"]);
    assert.equal(fake.requests[1].query.before, "2026-01-04T00:00:00Z");
  });

  it("break stops the walk; an error on a later page rejects the loop", async () => {
    pagedServer("sessions", sessions(0, 6));
    for await (const s of client().sessions.list({ limit: 2 })) {
      assert.equal(s.session_id, "s0");
      break;
    }
    assert.equal(fake.requests.length, 1);
    fake.reset();
    fake.respond([{ status: 200, json: { success: true, sessions: sessions(0, 2) } }, { status: 404, json: { success: false, error: "gone" } }]);
    const seen = [];
    await assert.rejects(async () => {
      for await (const s of client().sessions.list({ limit: 2 })) seen.push(s.session_id);
    }, (e) => e instanceof NotFoundError && e.error === "gone");
    assert.deepEqual(seen, ["s0", "s1"]);
  });
});

describe("the escape hatch: per-call query and body", () => {
  it("extra query parameters and JSON fields are sent as given, beside the documented ones", async () => {
    await client().chat.send({ message: "Hi", website_id: 2 }, { query: { beta: true, v: 2, skip: undefined }, body: { metadata: { plan: "pro" }, tags: ["a"] } });
    const rec = fake.requests[0];
    assert.deepEqual(rec.query, { beta: "true", v: "2" });
    assert.deepEqual(rec.json, { message: "Hi", website_id: 2, metadata: { plan: "pro" }, tags: ["a"] });
    await client().sessions.list({ limit: 3 }, { query: { category: "sales" } });
    assert.deepEqual(fake.requests[1].query, { limit: "3", category: "sales" });
  });

  for (const [label, call, field] of [
    ["a documented query parameter", (c) => c.sessions.list({}, { query: { limit: 500 } }), "query.limit"],
    ["a documented body field", (c) => c.chat.send({ message: "Hi" }, { body: { message: "other" } }), "body.message"],
    ["a body on a GET", (c) => c.account.get({ body: { x: 1 } }), "body"],
    ["a query value that is an object", (c) => c.account.get({ query: { x: { y: 1 } } }), "query.x"],
    ["a typo in the params is still refused", (c) => c.chat.send({ message: "Hi", sessionId: "s" }, { body: { extra: 1 } }), "sessionId"],
  ]) {
    it(`${label}: a ValidationError naming ${field}, nothing sent`, async () => {
      await assert.rejects(call(client()), (e) => e instanceof ValidationError && e.field === field);
      assert.equal(fake.requests.length, 0);
    });
  }
});
