# workerd config of the workerd bench: workerd.bench.mjs copies it beside the bundle it builds
# (worker.js and the package's core.wasm) and runs `workerd serve config.capnp --control-fd=3`.
# Port 0: workerd picks a free one and reports it on the control descriptor.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "bench", worker = .bench)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "bench")],
);

const bench :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "core.wasm", wasm = embed "core.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
