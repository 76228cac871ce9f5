// Load in workerd: WORKERD_CALLS sequential mixed calls (default 2,000; `make soak` runs 50,000) from
// one client in one long-lived workerd isolate, in batches of 500 calls per incoming request, against
// the fake API in a child process. Reports wasm linear memory (read in the worker after a GC) and the
// workerd process's resident memory at the start and the end, and asserts them flat; no timer and no
// listener on the caller's AbortSignal may be left after a batch.
//
// The worker is bundled as wrangler bundles one (esbuild, conditions workerd/worker/browser,
// `--loader:.wasm=copy`); the capnp config is written next to the bundle, outside the source tree.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { fork, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { wireRequests } from "./mix.mjs";
import { mb } from "./harness.mjs";
import { WORKERS_BUILD } from "../runtimes/helpers.mjs";

const CALLS = Number(process.env.WORKERD_CALLS ?? 2_000);
const BATCH = 500;
const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(HERE, "..", "..");
const TOOLS = join(ROOT, "tools", "node_modules");
const WORKERD = join(TOOLS, ".bin", "workerd");

let server;
let workerd;
let dir;
let base;

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb * 1024;
}

async function startServer() {
  const child = fork(new URL("./load-server.mjs", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const info = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (c) => reject(new Error(`load server exited (${c})`)));
  });
  return { child, url: info.url };
}

const serverCount = () =>
  new Promise((resolve) => {
    server.child.once("message", (m) => resolve(m.count));
    server.child.send("count");
  });

async function bundle() {
  const require = createRequire(join(TOOLS, "package.json"));
  const esbuild = require("esbuild");
  dir = mkdtempSync(join(tmpdir(), "asyntai-workerd-load-"));
  const result = await esbuild.build({
    entryPoints: [join(HERE, "workerd", "worker.mjs")],
    outdir: dir,
    ...WORKERS_BUILD,
    loader: { ".wasm": "copy" },
    nodePaths: [join(ROOT, "tests", "node_modules")],
    logLevel: "error",
  });
  assert.deepEqual(result.errors, []);
  const wasm = readdirSync(dir).filter((f) => f.endsWith(".wasm"));
  assert.ok(wasm.length >= 1, "the bundle imports the package's wasm module");
  const modules = [
    `(name = "worker.js", esModule = embed "worker.js")`,
    ...wasm.map((f) => `(name = "${f}", wasm = embed "${f}")`),
  ];
  writeFileSync(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
  v8Flags = ["--expose-gc"],
);
const worker :Workerd.Worker = (
  modules = [ ${modules.join(", ")} ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
);
`,
  );
}

function startWorkerd() {
  return new Promise((resolve, reject) => {
    const child = spawn(WORKERD, ["serve", join(dir, "config.capnp"), "--control-fd=3"], { stdio: ["ignore", "pipe", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (d) => (log += d));
    child.stderr.on("data", (d) => (log += d));
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`workerd not ready\n${log}`)); }, 30_000);
    createInterface({ input: child.stdio[3] }).on("line", (line) => {
      try {
        const m = JSON.parse(line);
        if (m.event === "listen" && m.socket === "http") {
          clearTimeout(timer);
          resolve({ child, port: m.port, log: () => log });
        }
      } catch { /* not JSON */ }
    });
    child.once("exit", (c) => { clearTimeout(timer); reject(new Error(`workerd exited (${c})\n${log}`)); });
  });
}

describe("load in workerd", () => {
  before(async () => {
    server = await startServer();
    await bundle();
    workerd = await startWorkerd();
    base = `http://127.0.0.1:${workerd.port}`;
  });
  after(async () => {
    if (workerd) {
      workerd.child.kill("SIGTERM");
      await new Promise((r) => (workerd.child.exitCode !== null ? r() : workerd.child.once("exit", r)));
    }
    if (server) {
      server.child.send("stop");
      await new Promise((r) => server.child.once("exit", r));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`${CALLS} sequential mixed calls in one isolate: memory flat, nothing left behind`, { timeout: 60 * 60_000 }, async () => {
    const api = encodeURIComponent(server.url);
    const run = async (from, n) => {
      const res = await fetch(`${base}/run?api=${api}&from=${from}&n=${n}`);
      assert.equal(res.status, 200, `${await res.clone().text()}\n${workerd.log()}`);
      return res.json();
    };
    const memory = async () => (await (await fetch(`${base}/memory`)).json());
    // Warm up: a first batch grows what steady state needs.
    const WARMUP = 600;
    await run(0, WARMUP);
    const m0 = await memory();
    assert.ok(m0.gc, "gc() is exposed in the worker (v8Flags --expose-gc)");
    const start = { wasm: m0.wasm, rss: rssOf(workerd.child.pid) };
    const count0 = await serverCount();
    const t0 = performance.now();
    const problems = [];
    const rss = [];
    let last;
    for (let done = 0; done < CALLS; done += BATCH) {
      const n = Math.min(BATCH, CALLS - done);
      last = await run(WARMUP + done, n);
      problems.push(...last.problems);
      assert.equal(last.timersLive, 0, `timers left running after calls ${done}..${done + n}`);
      assert.equal(last.listenersLive, 0, "listeners left on the caller's AbortSignal");
      if ((done / BATCH) % 10 === 0) rss.push(rssOf(workerd.child.pid));
    }
    const ms = performance.now() - t0;
    const m1 = await memory();
    const end = { wasm: m1.wasm, rss: rssOf(workerd.child.pid) };
    rss.push(end.rss);
    const requests = (await serverCount()) - count0;
    let expected = 0;
    for (let i = WARMUP; i < WARMUP + CALLS; i++) expected += wireRequests(i);
    console.log(
      [
        `workerd load: ${CALLS} calls, ${requests} requests, ${Math.round(ms)} ms (${(ms / CALLS).toFixed(3)} ms/call), ${last.timersArmed} timers armed`,
        `  wasm linear memory: start ${mb(start.wasm)}, end ${mb(end.wasm)}`,
        `  workerd RSS (after gc in the isolate): start ${mb(start.rss)}, end ${mb(end.rss)}; samples ${rss.map((r) => (r / 1048576).toFixed(1)).join(" ")}`,
      ].join("\n"),
    );
    assert.deepEqual(problems.slice(0, 10), []);
    assert.equal(requests, expected, "requests on the wire");
    assert.equal(end.wasm, start.wasm, "wasm linear memory grew");
    // Resident memory: allocator noise, code caches, the TCP pool. A leak of 200 bytes a call would
    // add 10 MB over 50,000 calls.
    const bound = Math.max(16 * 1048576, CALLS * 200);
    assert.ok(end.rss - start.rss < bound, `workerd RSS grew by ${mb(end.rss - start.rss)} (bound ${mb(bound)})`);
  });
});
