// A fake Asyntai API on loopback for the client's JS tests.
//
// `startFakeApi()` starts a node:http server on 127.0.0.1, port 0. It records every request it receives
// and answers each one from, in order: the queue of scripted plans (`respond(plan)`), the handler
// (`respond(fn)`), or the documented success body of the endpoint (asyntai-api.md, "Endpoints").
//
// A plan is a plain object:
//   { status = 200, json, raw, headers, delay, drop, stall }
//   json    a value sent as JSON (content-type application/json unless `headers` says otherwise)
//   raw     a string sent as is (wins over json)
//   headers extra response headers, e.g. { "Retry-After": "1" }
//   delay   ms to wait before sending the headers (a slow answer)
//   drop    "before-headers": destroy the socket without answering;
//           "mid-body": send the headers and half of the body, then destroy the socket
//   stall   send the headers and half of the body, then nothing until the client gives up or close()
// `faults` below builds the usual ones.
//
// Each recorded request is:
//   { method, url (raw request target), path (raw pathname, as sent: no decoding, no dot-segment
//     resolution), rawQuery (string after "?", or null), query (object), queryEntries ([name, value][]),
//     headers (lower-case names), bodyBytes (Buffer), body (UTF-8 string), json (parsed or undefined),
//     contentType, at (Date.now() on arrival), response ({status, body} as answered, or null) }

import http from "node:http";

const HOST = "127.0.0.1";

/** Builders for scripted answers. */
export const faults = {
  /** Any status with a JSON body. */
  status(status, json, headers = {}) {
    return { status, json, headers };
  },
  /** The documented error form: `{"success": false, "error": message}`. */
  error(status, message, headers = {}) {
    return { status, json: { success: false, error: message }, headers };
  },
  /** A proxy's HTML error page. */
  html(status = 502, text = HTML_502) {
    return { status, raw: text, headers: { "content-type": "text/html; charset=utf-8" } };
  },
  /** A complete HTTP answer with an empty body. */
  empty(status = 200) {
    return { status, raw: "", headers: { "content-type": "application/json" } };
  },
  /** A complete HTTP answer whose JSON is cut short. */
  truncated(status = 200) {
    return {
      status,
      raw: '{"success": true, "account": {"email": "you@exa',
      headers: { "content-type": "application/json" },
    };
  },
  /** A 200 that carries `success: false`. */
  failure200(message) {
    return { status: 200, json: { success: false, error: message } };
  },
  /** Wait `ms` before the headers, then answer `plan` (default: the endpoint's success body). */
  slow(ms, plan = {}) {
    return { ...plan, delay: ms };
  },
  /** Headers, half a body, then silence. */
  stall() {
    return { status: 200, stall: true };
  },
  /** Socket destroyed before any byte of the answer. */
  dropBeforeHeaders() {
    return { drop: "before-headers" };
  },
  /** Headers and half of the body, then the socket is destroyed. */
  dropMidBody() {
    return { drop: "mid-body" };
  },
};

export const HTML_502 =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
  "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/**
 * The documented success body for a request, or a 404 in the documented error form.
 * Inputs are echoed where the API echoes them, so a test can tell answers apart.
 */
export function defaultAnswer(rec) {
  const p = rec.path;
  const m = rec.method;
  const ok = (json) => ({ status: 200, json: { success: true, ...json } });
  const prefix = "/api/v1/";
  if (!p.startsWith(prefix)) return faults.error(404, "Not found");
  const rest = p.slice(prefix.length);
  const body = rec.json && typeof rec.json === "object" ? rec.json : {};
  if (m === "POST" && rest === "chat/") {
    return ok({
      response: "Our business hours are Monday-Friday, 9 AM to 5 PM EST.",
      session_id: typeof body.session_id === "string" ? body.session_id : "session_fake_1",
    });
  }
  if (m === "GET" && rest === "websites/") {
    return ok({
      websites: [
        { id: 1, name: "My Website", domain: "example.com", is_primary: true },
        { id: 2, name: "Shop", domain: "shop.example.com", is_primary: false },
      ],
    });
  }
  if (m === "GET" && rest === "conversations/") {
    return ok({
      session_id: rec.query.session_id ?? "",
      messages: [
        { role: "user", content: "What are your business hours?", timestamp: "2024-01-15T10:30:00Z" },
        {
          role: "assistant",
          content: "Our business hours are Monday-Friday, 9 AM to 5 PM EST.",
          timestamp: "2024-01-15T10:30:01Z",
        },
      ],
    });
  }
  if (m === "GET" && rest === "sessions/") {
    return ok({
      sessions: [
        {
          session_id: "session_abc123def",
          source: rec.query.source ?? "widget",
          message_count: 5,
          first_message: "What are your business hours?",
          first_message_at: "2024-01-15T10:30:00Z",
          last_message_at: "2024-01-15T10:35:00Z",
          website_domain: "example.com",
        },
      ],
    });
  }
  if (m === "GET" && rest === "leads/") {
    return ok({
      leads: [
        {
          session_id: "session_abc123def",
          email: "visitor@example.com",
          phone: "+1234567890",
          page_url: "https://example.com/pricing",
          started_at: "2024-01-15T10:30:00Z",
        },
        { session_id: "session_x", email: null, phone: null, page_url: null, started_at: "2024-01-16T08:00:00Z" },
      ],
    });
  }
  if (m === "GET" && rest === "account/") {
    return ok({ account: { email: "you@example.com", plan: "starter", messages_used: 150, messages_limit: 2500 } });
  }
  if (m === "GET" && rest === "knowledge/") {
    return ok({
      entries: [
        {
          id: "abc-123-def",
          type: "text",
          title: "Business Hours",
          description: "Manual text content (150 words)",
          created_at: "2024-01-15T10:30:00Z",
        },
        {
          id: "ghi-456-jkl",
          type: "url",
          title: "About Us - Example",
          description: "Content from https://example.com/about",
          created_at: "2024-01-14T09:00:00Z",
        },
      ],
    });
  }
  if (m === "POST" && rest === "knowledge/text/") {
    return ok({ id: "abc-123-def", title: body.title ?? "", chunks_created: 1 });
  }
  if (m === "POST" && rest === "knowledge/url/") {
    return ok({ id: "abc-123-def", title: "FAQ - Example", url: body.url ?? "", chunks_created: 5 });
  }
  if (m === "POST" && rest === "knowledge/spreadsheet/") {
    return ok({ id: "abc-123-def", title: "products.csv", rows_processed: 15, chunks_created: 15 });
  }
  if (m === "DELETE" && /^knowledge\/[^/]+\/$/.test(rest)) {
    return ok({ message: "Knowledge base entry deleted" });
  }
  if (m === "GET" && rest === "webhooks/") {
    return ok({
      webhooks: [
        {
          id: "abc-123-def",
          url: "https://example.com/webhook",
          events: ["message.received", "escalation.requested"],
          is_active: true,
          created_at: "2024-01-15T10:30:00Z",
        },
      ],
    });
  }
  if (m === "POST" && rest === "webhooks/") {
    return ok({
      webhook: {
        id: "wh-123-def",
        url: body.url ?? "",
        events: Array.isArray(body.events) ? body.events : [],
        secret: "whsec_abc123fake",
        created_at: "2024-01-15T10:30:00Z",
      },
    });
  }
  if (m === "DELETE" && /^webhooks\/[^/]+\/$/.test(rest)) {
    return ok({ message: "Webhook deleted" });
  }
  return faults.error(404, "Not found");
}

export async function startFakeApi() {
  const requests = [];
  const queue = [];
  let handler = null;
  const sockets = new Set();
  const timers = new Set();
  let closed = false;

  const sleep = (ms) =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("error", () => {});
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => {
        req.socket.destroy();
      });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("clientError", (_err, s) => s.destroy());

  async function handle(req, res, bodyBytes) {
    const rec = record(req, bodyBytes);
    requests.push(rec);
    let plan = queue.length ? queue.shift() : undefined;
    if (plan === undefined && handler) plan = await handler(rec);
    if (plan === undefined || plan === null) plan = {};
    if (plan.status === undefined && plan.json === undefined && plan.raw === undefined && !plan.stall) {
      plan = { ...defaultAnswer(rec), ...plan, headers: { ...(plan.headers || {}) } };
    }
    let gone = false;
    res.on("close", () => {
      gone = true;
    });
    if (plan.delay) await sleep(plan.delay);
    if (gone || closed) return;
    if (plan.drop === "before-headers") {
      req.socket.destroy();
      return;
    }
    const status = plan.status ?? 200;
    let text;
    if (plan.raw !== undefined) text = plan.raw;
    else if (plan.json !== undefined) text = JSON.stringify(plan.json);
    else if (plan.stall) text = '{"success": true, "account": {"email": "you@example.com", "plan": "starter"}}';
    else text = "";
    const bytes = Buffer.from(text, "utf8");
    const headers = { "content-type": "application/json", ...lowerKeys(plan.headers || {}) };
    headers["content-length"] = String(bytes.length);
    rec.response = { status, body: text, headers };
    if (plan.drop === "mid-body" || plan.stall) {
      res.writeHead(status, headers);
      res.write(bytes.subarray(0, Math.max(1, bytes.length >> 1)));
      if (plan.drop === "mid-body") {
        await sleep(30);
        req.socket.destroy();
      }
      // stall: leave it open; the client's timeout/abort or close() ends it.
      return;
    }
    res.writeHead(status, headers);
    res.end(bytes);
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address();

  return {
    url: `http://${HOST}:${port}/api/v1/`,
    origin: `http://${HOST}:${port}`,
    port,
    requests,
    /**
     * respond(plan)      queue one scripted answer (used by the next request)
     * respond([p1, p2])  queue several, in order
     * respond(fn)        fn(record) -> plan | undefined (undefined: the default answer), used when the
     *                    queue is empty
     */
    respond(what) {
      if (typeof what === "function") handler = what;
      else if (Array.isArray(what)) queue.push(...what);
      else queue.push(what);
    },
    /** Forget requests, queue and handler (the `requests` array is emptied in place). */
    reset() {
      requests.length = 0;
      queue.length = 0;
      handler = null;
    },
    /** Stop: every socket destroyed, every timer cleared. */
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function lowerKeys(h) {
  const out = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function record(req, bodyBytes) {
  const url = req.url ?? "";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? null : url.slice(q + 1);
  const sp = new URLSearchParams(rawQuery ?? "");
  const queryEntries = [...sp];
  const query = Object.fromEntries(queryEntries);
  const body = bodyBytes.toString("utf8");
  const contentType = req.headers["content-type"];
  let json;
  if (body.length && /^application\/json\b/i.test(contentType ?? "")) {
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
  }
  return {
    method: req.method,
    url,
    path,
    rawQuery,
    query,
    queryEntries,
    headers: { ...req.headers },
    bodyBytes,
    body,
    json,
    contentType,
    at: Date.now(),
    response: null,
  };
}

/**
 * Parse a multipart/form-data request body (RFC 7578) independently of the client:
 * -> [{ name, filename (or undefined), contentType (or undefined), data: Buffer }]
 */
export function parseMultipart(rec) {
  const ct = rec.contentType ?? "";
  const m = /^multipart\/form-data\s*;.*?boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(ct);
  if (!m) throw new Error(`not multipart/form-data: ${ct}`);
  const boundary = m[1] ?? m[2];
  const buf = rec.bodyBytes;
  const delim = Buffer.from(`--${boundary}`);
  const parts = [];
  let pos = buf.indexOf(delim);
  if (pos === -1) throw new Error("no boundary in body");
  for (;;) {
    pos += delim.length;
    if (buf.subarray(pos, pos + 2).toString() === "--") break; // closing delimiter
    if (buf.subarray(pos, pos + 2).toString() !== "\r\n") throw new Error("bad delimiter line");
    pos += 2;
    const headEnd = buf.indexOf("\r\n\r\n", pos);
    if (headEnd === -1) throw new Error("part without header end");
    const head = buf.subarray(pos, headEnd).toString("utf8");
    const next = buf.indexOf(Buffer.concat([Buffer.from("\r\n"), delim]), headEnd + 4);
    if (next === -1) throw new Error("part without closing delimiter");
    const data = buf.subarray(headEnd + 4, next);
    const headers = {};
    for (const line of head.split("\r\n")) {
      const i = line.indexOf(":");
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const cd = headers["content-disposition"] ?? "";
    const name = /;\s*name="([^"]*)"/i.exec(cd)?.[1];
    const filename = /;\s*filename="([^"]*)"/i.exec(cd)?.[1];
    parts.push({ name, filename, contentType: headers["content-type"], data: Buffer.from(data) });
    pos = next + 2;
  }
  return parts;
}
