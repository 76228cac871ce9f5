// The fake Asyntai API (tests/js/fake-api.mjs) for the Rust API's wasm-bindgen tests (make test-wasm):
// prints its base URL on the first line of stdout, then serves until killed. A request may script its
// own answer with headers, so the Rust tests need no other channel to the server:
//   x-fake-status: 503        answer this status with the documented error body
//   x-fake-retry-after: 0     with this Retry-After header
//   x-fake-delay: 300         wait this many ms before the headers
//   x-fake-html: 1            answer with a proxy's HTML page
//   x-fake-html-bytes: 50000000  ... of this many bytes
// GET /api/v1/__requests__ answers the count of requests seen so far (to check nothing was sent).
import { startFakeApi, faults } from "../js/fake-api.mjs";

const fake = await startFakeApi();
fake.respond((rec) => {
  const h = rec.headers;
  if (rec.path === "/api/v1/__requests__") return { status: 200, json: { success: true, count: fake.requests.length - 1 } };
  let plan;
  if (h["x-fake-html"]) plan = faults.html(Number(h["x-fake-status"] ?? 502), h["x-fake-html-bytes"] ? "<".padEnd(Number(h["x-fake-html-bytes"]), "x") : undefined);
  else if (h["x-fake-status"]) plan = faults.error(Number(h["x-fake-status"]), `scripted ${h["x-fake-status"]}`);
  if (h["x-fake-retry-after"] !== undefined) plan = { ...(plan ?? {}), headers: { ...(plan?.headers ?? {}), "Retry-After": h["x-fake-retry-after"] } };
  if (h["x-fake-delay"]) plan = { ...(plan ?? {}), delay: Number(h["x-fake-delay"]) };
  return plan;
});
console.log(fake.url);
process.on("SIGTERM", () => fake.close().then(() => process.exit(0)));
