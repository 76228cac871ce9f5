// The Worker written in Rust (examples/rust-worker), built as a user builds it (cargo, wasm-bindgen),
// served by workerd; it passes the checks of every Rust example app (tests/js/rust-app.mjs), its client
// calling out over fetch.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRustApp } from '../js/rust-app.mjs';
import { ROOT, TOOLS_BIN, outDir, startProcess, stopProcess } from '../runtimes/helpers.mjs';

const KEY = 'sk_test_rust_worker';
const SECRET = 'whsec_rust_worker_test';
const BUILT = join(ROOT, 'target', 'rust-worker', 'bindgen');

describeRustApp('a Worker written in Rust, in workerd', {
  key: KEY,
  secret: SECRET,
  start: async (fake) => {
    const dir = outDir('rust-worker');
    for (const f of ['asyntai_rust_worker_bg.js', 'asyntai_rust_worker_bg.wasm']) copyFileSync(join(BUILT, f), join(dir, f));
    copyFileSync(join(ROOT, 'examples', 'rust-worker', 'worker.mjs'), join(dir, 'worker.mjs'));
    writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "app", worker = .app),
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "app")],
);
const app :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "asyntai_rust_worker_bg.js", esModule = embed "asyntai_rust_worker_bg.js"),
    (name = "asyntai_rust_worker_bg.wasm", wasm = embed "asyntai_rust_worker_bg.wasm"),
  ],
  bindings = [
    (name = "ASYNTAI_API_KEY", text = "${KEY}"),
    (name = "ASYNTAI_BASE_URL", text = "${fake.url}"),
    (name = "ASYNTAI_WEBHOOK_SECRET", text = "${SECRET}"),
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
);
`);
    const workerd = await startProcess(join(TOOLS_BIN, 'workerd'), ['serve', join(dir, 'config.capnp'), '--control-fd=3'], {
      controlFd: true,
      ready: (line) => {
        const msg = JSON.parse(line);
        return msg.event === 'listen' && msg.socket === 'http' && msg.port;
      },
    });
    return { base: `http://127.0.0.1:${workerd.value}`, stop: () => stopProcess(workerd.child) };
  },
});
