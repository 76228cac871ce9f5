// The fake API for load runs, in a process of its own so that its bookkeeping never shows in the
// memory figures of the process under test. Started with child_process.fork: it sends
// {url, origin} once listening, answers {count} to "count", and stops on "stop" or when its parent goes.
//
// Answers: the documented success bodies (fake-api.mjs), except
//   DELETE .../knowledge/gone/        -> 404 {"success": false, "error": "Knowledge entry not found"}
//   POST /chat/ with message "fail"   -> 200 {"success": false, "error": "..."}
//   POST /chat/ with message "busy"   -> 503 with Retry-After: 0 the first time, then the success body
//   GET /leads/?limit=13              -> 502 HTML with Retry-After: 0 once per request id (x-load-id
//                                        header), then success

import { startFakeApi, faults } from "../js/fake-api.mjs";

const fake = await startFakeApi();
let count = 0;
const busySeen = new Set();
fake.respond((rec) => {
  count++;
  if (rec.method === "DELETE" && rec.path.endsWith("/knowledge/gone/")) return faults.error(404, "Knowledge entry not found");
  if (rec.method === "POST" && rec.path.endsWith("/chat/") && rec.json?.message === "fail") {
    return faults.failure200("The AI could not answer");
  }
  const id = rec.headers["x-load-id"];
  if (rec.method === "POST" && rec.path.endsWith("/chat/") && rec.json?.message === "busy" && id && !busySeen.has(id)) {
    busySeen.add(id);
    return faults.error(503, "busy", { "Retry-After": "0" });
  }
  if (rec.method === "GET" && rec.path.endsWith("/leads/") && rec.query.limit === "13" && id && !busySeen.has(id)) {
    busySeen.add(id);
    return { ...faults.html(502), headers: { "content-type": "text/html", "retry-after": "0" } };
  }
  return undefined;
});
// Keep the server's own memory bounded over long runs.
const trim = setInterval(() => {
  fake.requests.length = 0;
  if (busySeen.size > 10_000) busySeen.clear();
}, 200);

process.on("message", async (m) => {
  if (m === "count") process.send({ count });
  if (m === "stop") {
    clearInterval(trim);
    await fake.close();
    process.disconnect();
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ url: fake.url, origin: fake.origin });
