// The workerd side of the load run: one long-lived isolate, one client, batches of sequential calls.
//   GET /run?api=<fake API url>&from=<i>&n=<count>  -> {problems, ms, wasm, timersLive, timersArmed, listenersLive}
//   GET /memory                                     -> {wasm} after a GC (when --expose-gc is on)
import { instances, timers } from "./watch.mjs";
import * as pkg from "asyntai-edge";
import { makeMix, settle } from "../mix.mjs";

const mixed = makeMix(pkg);
let client;
let base;
const controller = new AbortController();
// Listeners on the caller's signal, counted as the Node run counts them.
const attached = new Set();
const add = controller.signal.addEventListener.bind(controller.signal);
const remove = controller.signal.removeEventListener.bind(controller.signal);
controller.signal.addEventListener = (type, l, o) => { attached.add(l); return add(type, l, o); };
controller.signal.removeEventListener = (type, l, o) => { attached.delete(l); return remove(type, l, o); };

const wasmBytes = () => instances.reduce((n, i) => n + (i.exports.memory?.buffer.byteLength ?? 0), 0);

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (typeof globalThis.gc === "function") globalThis.gc();
    if (url.pathname === "/memory") return Response.json({ wasm: wasmBytes(), instances: instances.length, gc: typeof globalThis.gc === "function" });
    if (url.pathname !== "/run") return new Response("not found", { status: 404 });
    const api = url.searchParams.get("api");
    if (!client || base !== api) {
      base = api;
      client = new pkg.Asyntai({ apiKey: "sk_test_workerd_0123456789", baseURL: api });
    }
    const from = Number(url.searchParams.get("from"));
    const n = Number(url.searchParams.get("n"));
    const problems = [];
    const t0 = Date.now();
    for (let i = from; i < from + n; i++) {
      const [p, expect] = mixed(client, i, controller.signal);
      const problem = await settle(p, expect);
      if (problem && problems.length < 10) problems.push(`call ${i}: ${problem}`);
    }
    const ms = Date.now() - t0;
    if (typeof globalThis.gc === "function") globalThis.gc();
    return Response.json({ problems, ms, wasm: wasmBytes(), timersLive: timers.live.size, timersArmed: timers.armed, listenersLive: attached.size });
  },
};
