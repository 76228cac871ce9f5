// Shared tools of the reliability tests: the package loaded with its wasm memories in reach, a GC that
// works without --expose-gc, memory figures, a timer tracker, an AbortSignal listener counter, a
// counting fetch, a closed port, and an in-process fetch that answers from a script (no network).

import http from "node:http";
import v8 from "node:v8";
import vm from "node:vm";
import { watchImports } from "../js/watch-imports.mjs";

/**
 * Imports `specifier` (default "asyntai-edge") with WebAssembly.Instance watched, so the linear
 * memories of the wasm modules the package instantiates are reachable: the package does not export
 * them. Call before anything else imports the package in this process.
 *
 * With `throwsIntoWasm` (an array), every function the module imports is watched (../js/watch-imports.mjs):
 * whatever one of them throws is pushed there as { source, error }, then rethrown. The package must never
 * let an import throw into the wasm.
 */
export async function loadPackage(specifier = "asyntai-edge", { throwsIntoWasm } = {}) {
  const instances = [];
  const Original = WebAssembly.Instance;
  function Watched(module, imports) {
    if (throwsIntoWasm) imports = watchImports(imports, (source, error) => throwsIntoWasm.push({ source, error }));
    const instance = new Original(module, imports);
    instances.push(instance);
    return instance;
  }
  Watched.prototype = Original.prototype;
  WebAssembly.Instance = Watched;
  let pkg;
  try {
    pkg = await import(specifier);
  } finally {
    WebAssembly.Instance = Original;
  }
  const memories = instances.map((i) => i.exports.memory).filter((m) => m instanceof WebAssembly.Memory);
  return { pkg, memories, instances };
}

let gcFn = globalThis.gc;
/** A full GC, with or without --expose-gc. */
export function gc() {
  if (!gcFn) {
    v8.setFlagsFromString("--expose-gc");
    gcFn = vm.runInNewContext("gc");
  }
  gcFn();
  gcFn();
}

/** Memory after a full GC: wasm linear memory (bytes, all watched modules) and the JS heap. */
export async function memoryFigures(memories) {
  // Let finalizers, pending microtasks and sockets' callbacks run, collect, and keep the least of three
  // readings: what remains then is live, not garbage waiting for the next cycle.
  let best;
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 10));
    gc();
    await new Promise((r) => setImmediate(r));
    gc();
    const m = process.memoryUsage();
    if (!best || m.heapUsed < best.heapUsed) best = m;
  }
  return {
    wasm: memories.reduce((n, mem) => n + mem.buffer.byteLength, 0),
    heapUsed: best.heapUsed,
    arrayBuffers: best.arrayBuffers,
    external: best.external,
    rss: best.rss,
  };
}

export const mb = (n) => `${(n / 1048576).toFixed(2)} MiB`;

/**
 * Wraps the global setTimeout/clearTimeout and remembers every timer armed from the package's own
 * files (asyntai-edge/lib/..., the wasm modules' glue in asyntai-edge/wasm/...) until it fires or is cleared. `live()` lists those still pending.
 */
export function trackTimers() {
  const origSet = globalThis.setTimeout;
  const origClear = globalThis.clearTimeout;
  const live = new Map();
  let armed = 0;
  const fromPackage = /asyntai-edge[\\/](lib|entries|wasm)[\\/]/;
  globalThis.setTimeout = function setTimeout(fn, ms, ...args) {
    const stack = new Error().stack ?? "";
    const mine = fromPackage.test(stack);
    let t;
    const run = typeof fn === "function" ? (...a) => { live.delete(t); return fn(...a); } : fn;
    t = origSet(run, ms, ...args);
    if (mine) {
      armed++;
      live.set(t, { ms, stack });
    }
    return t;
  };
  globalThis.clearTimeout = function clearTimeout(t) {
    live.delete(t);
    return origClear(t);
  };
  return {
    live: () => [...live.values()],
    armed: () => armed,
    restore() {
      globalThis.setTimeout = origSet;
      globalThis.clearTimeout = origClear;
    },
  };
}

/**
 * Counts the listeners on `signal` (an AbortSignal): wraps its add/removeEventListener and follows
 * `once` listeners that fire. `live()` is the number still attached; `max()` the most at once.
 */
export function trackSignal(signal) {
  const attached = new Set();
  let max = 0;
  let added = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  const followers = new Map();
  signal.addEventListener = (type, listener, options) => {
    if (type === "abort" && !attached.has(listener)) {
      added++;
      attached.add(listener);
      max = Math.max(max, attached.size);
      const once = typeof options === "object" && options !== null && options.once;
      if (once) {
        // A once-listener that fires is gone: follow it with a listener of our own (removed with it).
        const follower = () => {
          attached.delete(listener);
          followers.delete(listener);
        };
        followers.set(listener, follower);
        add(type, follower, { once: true });
      }
    }
    return add(type, listener, options);
  };
  signal.removeEventListener = (type, listener, options) => {
    if (type === "abort") {
      attached.delete(listener);
      const follower = followers.get(listener);
      if (follower) {
        followers.delete(listener);
        remove(type, follower, { once: true });
      }
    }
    return remove(type, listener, options);
  };
  return { live: () => attached.size, max: () => max, added: () => added };
}

/** `fetch` that counts its calls (`.calls`), then delegates. */
export function countingFetch(inner = globalThis.fetch) {
  const f = (url, init) => {
    f.calls++;
    f.log.push({ url: String(url), method: init?.method ?? "GET", at: Date.now() });
    return inner(url, init);
  };
  f.calls = 0;
  f.log = [];
  f.reset = () => {
    f.calls = 0;
    f.log = [];
  };
  return f;
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort() {
  const server = http.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * An in-process `fetch` (no network) answering from `answer(url, init, n)`: a Response, a plan
 * `{status, body, headers}`, any other value (returned as is), or a thrown value (a network error).
 * It honours `init.signal`, as fetch does.
 */
export function scriptedFetch(answer) {
  const f = async (url, init = {}) => {
    f.calls++;
    const signal = init.signal;
    if (signal?.aborted) throw signal.reason ?? new DOMException("aborted", "AbortError");
    let a = answer(String(url), init, f.calls);
    if (signal && a && typeof a.then === "function") {
      // As fetch does: an abort rejects the pending call.
      a = await new Promise((resolve, reject) => {
        const onAbort = () => reject(signal.reason ?? new DOMException("aborted", "AbortError"));
        signal.addEventListener("abort", onAbort, { once: true });
        a.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
      });
    } else {
      a = await a;
    }
    if (a === null || typeof a !== "object" || a instanceof Response || !("status" in a && "body" in a)) return a;
    return new Response(a.body ?? "", { status: a.status ?? 200, headers: a.headers ?? {} });
  };
  f.calls = 0;
  return f;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Milliseconds `fn()` took to settle, and how: { ms, value } or { ms, error }. */
export async function timed(fn) {
  const t0 = performance.now();
  try {
    const value = await fn();
    return { ms: performance.now() - t0, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}
