# examples/rust-worker: a Worker written in Rust on the crate's Rust API, built with cargo and
# wasm-bindgen as a user builds it, served by workerd (tests/rust-worker/).
#   make test-rust-worker   build it and run its HTTP tests in workerd

.PHONY: rust-worker test-rust-worker

RUST_WORKER_WASM := target/rust-worker/wasm32-unknown-unknown/release/asyntai_rust_worker.wasm

$(RUST_WORKER_WASM): $(RUST_SRC) examples/rust-worker/Cargo.toml examples/rust-worker/Cargo.lock $(wildcard examples/rust-worker/src/*.rs) | toolchain
	cd examples/rust-worker && cargo build --release --target $(WASM_TARGET) --target-dir ../../target/rust-worker

target/rust-worker/bindgen/asyntai_rust_worker_bg.wasm: $(RUST_WORKER_WASM)
	rm -rf target/rust-worker/bindgen
	wasm-bindgen --target bundler --out-dir target/rust-worker/bindgen $(RUST_WORKER_WASM)

rust-worker: target/rust-worker/bindgen/asyntai_rust_worker_bg.wasm

test-rust-worker: rust-worker | $(TOOLS)/workerd
	node --test --test-reporter=spec tests/rust-worker/*.test.mjs
