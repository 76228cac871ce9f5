# The Rust API on WASI 0.2 (wasm32-wasip2: Spin, wasmtime serve, wasmCloud), run in Node by jco's
# transpiler and WASI shim (pinned in tools/; tests/wasi/component.mjs):
#   make test-wasi        the Rust API's tests (tests/wasi.rs) built as a command component, against the fake API
#   make test-wasi-http   examples/wasi-http (an HTTP component in Rust) and examples/spin-component (a Spin
#                         app in Rust), each served and checked over HTTP

.PHONY: test-wasi test-wasi-http wasi-http

.stamps/rust-target-wasip2:
	@mkdir -p .stamps
	rustup target add wasm32-wasip2
	@touch $@

test-wasi: .stamps/rust-target-wasip2 tools/node_modules/.installed
	@coproc FAKE { exec node tests/wasm/serve-fake-api.mjs; }; read -r url <&$${FAKE[0]}; \
	  trap "kill $$FAKE_PID 2>/dev/null" EXIT; echo "fake API at $$url"; \
	  ASYNTAI_FAKE_API=$$url CARGO_TARGET_WASM32_WASIP2_RUNNER="node $(CURDIR)/tests/wasi/run.mjs" \
	    cargo test --target wasm32-wasip2 --target-dir target/wasi-test --no-default-features --features client,webhooks --test wasi

WASI_HTTP_WASM := target/wasi-http/wasm32-wasip2/release/asyntai_wasi_http.wasm

$(WASI_HTTP_WASM): $(RUST_SRC) examples/wasi-http/Cargo.toml examples/wasi-http/Cargo.lock $(wildcard examples/wasi-http/src/*.rs) | .stamps/rust-target-wasip2
	cd examples/wasi-http && cargo build --release --target wasm32-wasip2 --target-dir ../../target/wasi-http

SPIN_COMPONENT_WASM := target/spin-component/wasm32-wasip2/release/asyntai_spin_component.wasm

$(SPIN_COMPONENT_WASM): $(RUST_SRC) examples/spin-component/Cargo.toml examples/spin-component/Cargo.lock $(wildcard examples/spin-component/src/*.rs) | .stamps/rust-target-wasip2
	cd examples/spin-component && cargo build --release --target wasm32-wasip2 --target-dir ../../target/spin-component

wasi-http: $(WASI_HTTP_WASM) $(SPIN_COMPONENT_WASM)

test-wasi-http: wasi-http tools/node_modules/.installed
	node --test --test-reporter=spec tests/wasi/http-components.test.mjs
