// The HTTP components written in Rust, built for wasm32-wasip2 as their users build them, served in Node
// by jco's WASI shim (serve.mjs): examples/wasi-http (plain wasi:http/incoming-handler, as `wasmtime
// serve` runs it; settings from the environment) and examples/spin-component (spin-sdk's
// `#[http_component]`, as `spin up` runs it; settings from Spin variables). Each passes the checks of
// every Rust example app (tests/js/rust-app.mjs), its client calling out over wasi:http.
import { join } from 'node:path';
import { describeRustApp } from '../js/rust-app.mjs';
import { ROOT, startProcess, stopProcess } from '../runtimes/helpers.mjs';

const key = 'sk_test_wasi_http';
const secret = 'whsec_wasi_http_test';
const COMPONENTS = [
  {
    name: 'an HTTP component written in Rust (wasi:http/incoming-handler), on WASI 0.2',
    wasm: join(ROOT, 'target', 'wasi-http', 'wasm32-wasip2', 'release', 'asyntai_wasi_http.wasm'),
    env: (base) => ({ ASYNTAI_API_KEY: key, ASYNTAI_BASE_URL: base, ASYNTAI_WEBHOOK_SECRET: secret }),
  },
  {
    name: 'a Spin component written in Rust (spin-sdk), on WASI 0.2',
    wasm: join(ROOT, 'target', 'spin-component', 'wasm32-wasip2', 'release', 'asyntai_spin_component.wasm'),
    env: (base) => ({ SPIN_VARIABLE_ASYNTAI_API_KEY: key, SPIN_VARIABLE_ASYNTAI_BASE_URL: base, SPIN_VARIABLE_ASYNTAI_WEBHOOK_SECRET: secret }),
  },
];

for (const component of COMPONENTS) {
  describeRustApp(component.name, {
    key,
    secret,
    start: async (fake) => {
      const server = await startProcess(process.execPath, [join(ROOT, 'tests', 'wasi', 'serve.mjs'), component.wasm], {
        env: component.env(fake.url),
        ready: (line) => line.startsWith('http://') && line.trim(),
      });
      return { base: server.value.replace(/\/$/, ''), stop: () => stopProcess(server.child) };
    },
  });
}
