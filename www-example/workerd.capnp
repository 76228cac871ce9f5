# workerd config for the example: `workerd serve workerd.capnp` (after `node build.mjs`).
# Listens on 127.0.0.1:8787; another address: `--socket-addr http=127.0.0.1:9000`.
#
# Bindings come from the environment workerd runs in:
#   ASYNTAI_API_KEY         your key: talk to the real API (unset: the offline sandbox)
#   ASYNTAI_WEBHOOK_SECRET  the whsec_ secret of the webhook pointing at /webhooks/asyntai (live mode)
#   ASYNTAI_BASE_URL        another API base URL (default https://asyntai.com/api/v1/)
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "www-example", worker = .worker),
    # Outbound fetch: the public internet (the API) and loopback (a local fake API, for tests).
    (name = "internet", network = (allow = ["public", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8787", http = (), service = "www-example"),
  ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "dist/worker.js"),
    # The package's WebAssembly modules, imported by the bundle as "./core.wasm" and "./testing.wasm".
    (name = "core.wasm", wasm = embed "dist/core.wasm"),
    (name = "testing.wasm", wasm = embed "dist/testing.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
  bindings = [
    (name = "ASYNTAI_API_KEY", fromEnvironment = "ASYNTAI_API_KEY"),
    (name = "ASYNTAI_WEBHOOK_SECRET", fromEnvironment = "ASYNTAI_WEBHOOK_SECRET"),
    (name = "ASYNTAI_BASE_URL", fromEnvironment = "ASYNTAI_BASE_URL"),
  ],
);
