// Load: 200 concurrent calls from one client, then a bounded sequential run (LOAD_CALLS, default
// 5,000; `make soak` runs 50,000) of mixed calls: successes on every endpoint, API errors, a retried
// 503, a retried 502, success:false, validation errors. Reports wasm linear memory and the JS heap
// after GC at the start and at the end, and asserts both flat; asserts no unhandled rejection, no
// listener left on the caller's AbortSignal, no timer of the package left running.
//
// The fake API runs in a child process (load-server.mjs), so the figures are the client's alone.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { loadPackage, memoryFigures, mb, trackTimers, trackSignal, sleep } from "./harness.mjs";
import { makeMix, wireRequests, settle } from "./mix.mjs";

const { pkg, memories } = await loadPackage();
const { Asyntai } = pkg;
const mixed = makeMix(pkg);

const CALLS = Number(process.env.LOAD_CALLS ?? 5_000);
const KEY = "sk_test_load_0123456789";

const unhandled = [];
process.on("unhandledRejection", (e) => unhandled.push(e));
const warnings = [];
process.on("warning", (w) => warnings.push(w));

let server;
let url;

async function startServer() {
  const child = fork(new URL("./load-server.mjs", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const info = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("error", reject);
    child.once("exit", (c) => reject(new Error(`load server exited (${c})`)));
  });
  return { child, url: info.url };
}

function serverCount() {
  return new Promise((resolve) => {
    server.child.once("message", (m) => resolve(m.count));
    server.child.send("count");
  });
}

describe("load", () => {
  before(async () => {
    server = await startServer();
    url = server.url;
  });
  after(async () => {
    server.child.send("stop");
    await new Promise((r) => server.child.once("exit", r));
  });

  it("200 concurrent calls from one client: each gets its own answer", async () => {
    const client = new Asyntai({ apiKey: KEY, baseURL: url });
    const ac = new AbortController();
    const sig = trackSignal(ac.signal);
    const before = await serverCount();
    const t0 = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0
          ? client.chat.send({ message: `m${i}`, session_id: `concurrent-${i}` }, { signal: ac.signal })
          : client.conversations.list({ session_id: `concurrent-${i}` }, { signal: ac.signal }),
      ),
    );
    const ms = performance.now() - t0;
    const requests = (await serverCount()) - before;
    console.log(`200 concurrent calls: ${requests} requests in ${Math.round(ms)} ms; at most ${sig.max()} listeners at once on the shared signal, ${sig.live()} left`);
    const failed = results.filter((r) => r.status === "rejected");
    assert.equal(failed.length, 0, `rejected: ${failed.slice(0, 3).map((r) => r.reason).join("; ")}`);
    results.forEach((r, i) => assert.equal(r.value.session_id, `concurrent-${i}`, `call ${i} got another call's answer`));
    assert.equal(requests, 200);
    assert.equal(sig.live(), 0, "listeners left on the caller's signal");
    assert.ok(ms < 15_000, `took ${ms} ms`);
  });

  it(`${CALLS} sequential mixed calls: memory flat, no leaked listener, timer or rejection`, { timeout: 30 * 60_000 }, async () => {
    const timers = trackTimers();
    const warningsBefore = warnings.length;
    try {
      const client = new Asyntai({ apiKey: KEY, baseURL: url });
      const ac = new AbortController();
      const sig = trackSignal(ac.signal);
      const problems = [];
      const run = async (from, to) => {
        for (let i = from; i < to; i++) {
          const [p, expect] = mixed(client, i, ac.signal);
          const problem = await settle(p, expect);
          if (problem && problems.length < 20) problems.push(`call ${i}: ${problem}`);
        }
      };
      const WARMUP = 1500;
      await run(0, WARMUP);
      const start = await memoryFigures(memories);
      const countStart = await serverCount();
      const t0 = performance.now();
      const samples = [];
      const step = Math.max(1, Math.floor(CALLS / 10));
      for (let done = 0; done < CALLS; done += step) {
        await run(WARMUP + done, WARMUP + Math.min(CALLS, done + step));
        if (done + step < CALLS) samples.push(await memoryFigures(memories));
      }
      const ms = performance.now() - t0;
      await sleep(50);
      const end = await memoryFigures(memories);
      samples.push(end);
      const requests = (await serverCount()) - countStart;
      let expectedRequests = 0;
      for (let i = WARMUP; i < WARMUP + CALLS; i++) expectedRequests += wireRequests(i);

      const heapGrowth = end.heapUsed - start.heapUsed;
      console.log(
        [
          `sequential load: ${CALLS} calls, ${requests} requests, ${Math.round(ms)} ms (${(ms / CALLS).toFixed(3)} ms/call)`,
          `  wasm linear memory: start ${mb(start.wasm)}, end ${mb(end.wasm)}`,
          `  JS heap after GC:   start ${mb(start.heapUsed)}, end ${mb(end.heapUsed)} (${heapGrowth >= 0 ? "+" : ""}${(heapGrowth / 1024).toFixed(0)} KiB)`,
          `  arrayBuffers:       start ${mb(start.arrayBuffers)}, end ${mb(end.arrayBuffers)}; rss start ${mb(start.rss)}, end ${mb(end.rss)}`,
          `  heap samples (MiB): ${samples.map((s) => (s.heapUsed / 1048576).toFixed(2)).join(" ")}`,
          `  timers armed by the package: ${timers.armed()}, left running: ${timers.live().length}; signal listeners added: ${sig.added()}, left: ${sig.live()}, most at once: ${sig.max()}`,
        ].join("\n"),
      );
      assert.deepEqual(problems, []);
      assert.equal(requests, expectedRequests, "requests on the wire");
      assert.equal(end.wasm, start.wasm, "wasm linear memory grew");
      // Flat: a leak of 100 bytes per call would add 0.5 MB over 5,000 calls and 5 MB over 50,000.
      const bound = Math.max(1.5 * 1048576, CALLS * 40);
      assert.ok(heapGrowth < bound, `JS heap grew by ${heapGrowth} bytes (bound ${bound})`);
      assert.ok(end.arrayBuffers - start.arrayBuffers < bound, `arrayBuffers grew by ${end.arrayBuffers - start.arrayBuffers}`);
      assert.equal(sig.live(), 0, "listeners left on the caller's AbortSignal");
      assert.ok(sig.max() <= 2, `at most 2 listeners at once per sequential call, saw ${sig.max()}`);
      assert.deepEqual(timers.live().map((t) => t.stack.split("\n").slice(2, 4).join(" | ")), [], "timers of the package left running");
      assert.ok(timers.armed() >= CALLS, "the tracker saw the package's timers");
      await sleep(10);
      assert.deepEqual(unhandled, [], "unhandled rejections");
      assert.deepEqual(warnings.slice(warningsBefore).map(String), [], "process warnings");
    } finally {
      timers.restore();
    }
  });

  it("aborts, timeouts and retries leave nothing behind either", async () => {
    const timers = trackTimers();
    try {
      const client = new Asyntai({ apiKey: KEY, baseURL: url, maxRetries: 1 });
      for (let i = 0; i < 200; i++) {
        const ac = new AbortController();
        const sig = trackSignal(ac.signal);
        // A pre-aborted signal, an abort in flight, an abort during a backoff, and a tiny timeout.
        const kind = i % 4;
        if (kind === 0) ac.abort();
        const p = kind === 3
          ? client.account.get({ signal: ac.signal, timeout: 1 })
          : client.chat.send({ message: "busy" }, { signal: ac.signal, headers: { "x-load-id": `abort-${i}` } });
        if (kind === 1) queueMicrotask(() => ac.abort());
        if (kind === 2) setTimeout(() => ac.abort(), 1);
        await p.catch(() => {});
        assert.equal(sig.live(), 0, `listeners left after case ${kind}`);
      }
      await sleep(20);
      assert.deepEqual(timers.live().map((t) => `${t.ms} ms`), [], "timers left running");
      assert.deepEqual(unhandled, []);
    } finally {
      timers.restore();
    }
  });
});
