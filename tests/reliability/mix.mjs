// The call mix of the load runs, shared by Node (load.test.mjs) and workerd (workerd/worker.mjs):
// successes on every endpoint, a 404, success:false on a 200, a 503 and a 502 that succeed when
// retried, and a validation error. The answers are load-server.mjs's.

const csv = new TextEncoder().encode("name,price\nTea,3\nCake,4\n");

/** `mixed(client, i, signal)` -> [promise, check(value) or the expected error class], for call i. */
export function makeMix({ NotFoundError, APIError, ValidationError }) {
  return function mixed(client, i, signal) {
    const o = { signal, headers: { "x-load-id": String(i) } };
    switch (i % 12) {
      case 0: return [client.account.get(o), (r) => r.account.plan === "starter"];
      case 1: return [client.chat.send({ message: `hello ${i}`, session_id: `s${i}` }, o), (r) => r.session_id === `s${i}`];
      case 2: return [client.knowledge.delete("gone", o), NotFoundError];
      case 3: return [client.conversations.list({ session_id: `s${i}`, limit: 10 }, o), (r) => r.session_id === `s${i}`];
      case 4: return [client.knowledge.addText({ title: `t${i}`, content: "a text long enough" }, o), (r) => r.title === `t${i}`];
      case 5: return [client.webhooks.create({ url: "https://example.com/h", events: ["message.received"] }, o), (r) => r.webhook.secret.startsWith("whsec_")];
      case 6: return [client.sessions.list({ source: "api", limit: 5 }, o), (r) => r.sessions[0].source === "api"];
      case 7: return [client.leads.list({ limit: 13 }, o), (r) => Array.isArray(r.leads)]; // 502 once (Retry-After: 0), retried
      case 8: return [client.knowledge.uploadSpreadsheet({ file: csv, filename: "p.csv" }, o), (r) => r.rows_processed === 15];
      case 9: return [client.chat.send({ message: "fail" }, o), APIError]; // success:false on a 200
      case 10: return [client.chat.send({ message: "busy" }, o), (r) => r.success === true]; // 503 once, retried
      default: return [Promise.resolve().then(() => client.conversations.list({ session_id: "a\r\nb" }, o)), ValidationError];
    }
  };
}

/** Requests that reach the server for call i (the retried ones count twice). */
export const wireRequests = (i) => (i % 12 === 11 ? 0 : i % 12 === 7 || i % 12 === 10 ? 2 : 1);

/** null when the call settled as expected, else what went wrong. */
export async function settle(promise, expect) {
  try {
    const r = await promise;
    if (typeof expect !== "function" || expect.prototype instanceof Error) return `value where ${expect.name} was expected`;
    return expect(r) ? null : `unexpected value ${JSON.stringify(r).slice(0, 200)}`;
  } catch (e) {
    if (typeof expect === "function" && expect.prototype instanceof Error && e instanceof expect) return null;
    return `${e?.constructor?.name}: ${e?.message}`;
  }
}
