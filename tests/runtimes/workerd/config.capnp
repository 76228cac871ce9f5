# workerd config of the runtime test (workerd.test.mjs builds ../../out/runtimes/workerd/ first).
# The socket's port is 0: the test passes --control-fd and reads the port workerd reports.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "app", worker = .app),
    # Outbound fetch reaches loopback only: the test's fake API.
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:0", http = (), service = "app"),
  ],
);

const app :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "../../out/runtimes/workerd/worker.js"),
    # The package's WebAssembly modules, imported by the bundle as ./core.wasm, ./webhooks.wasm, ./testing.wasm.
    (name = "core.wasm", wasm = embed "../../out/runtimes/workerd/core.wasm"),
    (name = "webhooks.wasm", wasm = embed "../../out/runtimes/workerd/webhooks.wasm"),
    (name = "testing.wasm", wasm = embed "../../out/runtimes/workerd/testing.wasm"),
  ],
  # No nodejs_compat: the package needs nothing from Node.
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
);
