# asyntai-edge: every target installs what it misses, so a fresh machine needs nothing else.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PATH := $(HOME)/.cargo/bin:$(PATH)

WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
TOOLS := tools/node_modules/.bin
WASM_TARGET := wasm32-unknown-unknown
# --low-memory-unused: Rust puts its data at 1 MiB and its stack below it, so the first 1 KiB is never
# used (it lets wasm-opt fold constant offsets into loads and stores); --zero-filled-memory: the memory is
# the module's own, zeroed. Both, with --converge: main module -0.6 kB gzip, webhooks -0.07 kB.
WASM_FEATURES := --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue
WASM_OPT_FLAGS := --converge --low-memory-unused --zero-filled-memory --strip-debug --strip-producers --strip-target-features $(WASM_FEATURES)
# wasm SIMD (Node 16.4+, workerd, Deno, Chromium, Safari 16.4+): sha2's simd128 backend, ~2x faster and smaller.
# Panic locations name files: the registry's long prefix is dropped from them (shorter strings in the
# wasm; the last prefix that matches wins: crates.io's folder, else any registry's).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS := -C target-feature=+simd128 --remap-path-prefix=$(HOME)/.cargo/registry/src/= \
  --remap-path-prefix=$(HOME)/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/=
# wasm module -> the crate features it holds
FEATURES_core := wasm,client,webhooks
FEATURES_webhooks := wasm,webhooks
FEATURES_testing := wasm,mock
# wasm module -> rustc's opt-level (Cargo.toml's release profile says z): measured per module, gzip'd
# after wasm-opt -Oz, dependencies at z. The webhooks module is smallest at 2 (9,678 B against 10,188 B at z; s: 10,019),
# the main module at z (63,814 B; s: 67,198; 2: 75,191). Measured again once both were built without
# reference types (2026-12-06, the wasm alone): webhooks s 8,146 B, 2 8,353, z 8,467; but at s its 1 KiB
# check took 4.8 µs against 4.0-4.1 at 2 (interleaved in Node): kept at 2. Main z 48,347, s 51,890.
OPT_LEVEL_core := z
OPT_LEVEL_webhooks := 2
OPT_LEVEL_testing := z
# wasm module -> its dependencies' opt-levels, when not Cargo.toml's (3: what the native build and the
# other modules use). The main module's at z but sha2's (mk/deps-at-z.toml): -330 B gzip in the
# package against all at 3 (2026-12-06, built as a cdylib alone; before that, at 3 was the smaller).
DEPS_CONFIG_core := mk/deps-at-z.toml
DEPS_OPT_core := --config $(DEPS_CONFIG_core)
# wasm module -> wasm-opt's level, measured the same way: the main module is smaller at -Os than at
# -Oz in the Workers bundle (-0.37 kB gzip: -Oz's extra passes make code that compresses worse; the Node
# bundle, which inlines the wasm as base64, is +1.0 kB), the webhooks module at -Oz.
# -ocimfs N (--one-caller-inline-max-function-size): a function with one caller is inlined into it only
# when its size (Binaryen counts expression nodes) is at most N (default: whatever its size). Most of
# the module's functions have one caller (each export's reader, the call's steps), and inlined they
# were copied into code that compresses worse: main module 57,423 -> 55,401 B gzip at 15 (20: 55,503;
# 25: 55,564; -Oz at 20: 55,786), webhooks 9,387 -> 9,324 B at 30. The call is no slower for it
# (interleaved A/B in Node, the same source without it: -1.4 µs a call, median of 6 runs).
WASM_OPT_LEVEL_core := -Os -ocimfs 15
WASM_OPT_LEVEL_webhooks := -Oz -ocimfs 30
WASM_OPT_LEVEL_testing := -Oz
# Then scripts/order-functions.mjs orders each module's functions for gzip (similar code side by side)
# and has wasm-opt move them, writing the module as the optimizing run did: main module 52,258 ->
# 51,606 B gzip, webhooks 9,324 -> 9,168 B. The writer's levels follow from the module's wasm-opt level
# (-Os = --optimize-level 2 --shrink-level 1, -Oz = 2 and 2); another level stops the build here.
wasm_opt_write = $(if $(filter -Oz,$(WASM_OPT_LEVEL_$(1))),--optimize-level 2 --shrink-level 2,$(if \
  $(filter -Os,$(WASM_OPT_LEVEL_$(1))),--optimize-level 2 --shrink-level 1,$(error WASM_OPT_LEVEL_$(1): give its writer levels in wasm_opt_write)))
# wasm module -> std rebuilt with it, panics aborting at once (no panic message, location or
# formatting code: a panic in wasm traps either way, and this crate does not panic on any path input
# reaches). Stable rustc, unstable flags: RUSTC_BOOTSTRAP=1 for these builds only, std's source from
# rustup's rust-src. Measured gzip'd: main module 62,390 -> 59,456 B, webhooks 10,064 -> 9,387 B (std at
# opt-level z instead of 3: 61,142 B); std's `optimize_for_size` (its smaller algorithms: counting chars,
# sorting, formatting) main -> 58,410 B, webhooks unchanged. Each costs a std build (about 2 minutes on 2
# cores): the testing module, whose size is nobody's bundle, keeps the prebuilt std.
# These modules are also built without wasm reference types, which std must be rebuilt for (the
# prebuilt one has them): wasm-bindgen then keeps JavaScript values in its glue's array rather than in
# a wasm table, and the module drops the externref shims of every export and import. Main module
# 49,128 -> 47,782 B gzip in the Workers bundle (its JS +262 B), webhooks 9,048 -> 8,258 B (JS +143 B); a JavaScript
# value copied or dropped by the wasm is then a call into the glue, so the call path copies none it can
# lend (bench/: the call no slower in Node or workerd).
BUILD_STD_core := yes
BUILD_STD_webhooks := yes
BUILD_STD_FLAGS := -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
BUILD_STD_RUSTFLAGS := -Zunstable-options -Cpanic=immediate-abort -C target-feature=-reference-types
RUST_SRC := Cargo.toml Cargo.lock $(shell find src -name '*.rs')
PKG_SRC := $(shell find pkg-template -type f) scripts/assemble.mjs
VERSION := $(shell node -p 'require("./pkg-template/package.json").version')
TARBALL := pkg/asyntai-edge-$(VERSION).tgz

.PHONY: FORCE help pkg lint doc test test-rust test-wasm test-js tests-install demo serve bench soak fuzz clean toolchain

help:
	@echo "make demo   - build, start the example on the sandbox, play a scripted scenario"
	@echo "make test   - every test (Rust core, wasm boundary, JS tests against the packed tarball)"
	@echo "make pkg    - build the npm package into pkg/ (and pkg/asyntai-edge-$(VERSION).tgz)"
	@echo "make serve  - the example left running at http://127.0.0.1:8787"
	@echo "make bench  - speed and size figures"
	@echo "make soak   - long load runs (make fuzz: the long fuzz run)"

# --- toolchain -------------------------------------------------------------------------------
toolchain: .stamps/rust-target .stamps/rust-src .stamps/wasm-bindgen $(TOOLS)/wasm-opt

.stamps/rust-target:
	@mkdir -p .stamps
	rustup target add $(WASM_TARGET)
	@touch $@

.stamps/rust-src:
	@mkdir -p .stamps
	rustup component add rust-src
	@touch $@

.stamps/wasm-bindgen: Cargo.toml
	@mkdir -p .stamps
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 3 minutes)"; \
	  cargo install wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION); fi
	@touch $@

TOOL_BINS := wasm-opt esbuild tsc workerd deno edge-runtime playwright-core publint attw
$(addprefix $(TOOLS)/,$(TOOL_BINS)): tools/node_modules/.installed
tools/node_modules/.installed: tools/package.json tools/package-lock.json
	cd tools && npm install --no-audit --no-fund
	@touch $@

# Debian's Chromium, for the browser tests: installed once when missing (CI is a fresh machine; root).
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
$(CHROMIUM):
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium

# --- the package -----------------------------------------------------------------------------
# A module's build flags, kept in .stamps/wasm-flags-<module>: the file is rewritten only when they
# change, so that a change of flags here rebuilds that module, and nothing else does. A module's cargo
# --config file counts by its content (its checksum).
WASM_FLAGS_OF = $(WASM_CARGO) $(FEATURES_$*) $(OPT_LEVEL_$*) $(DEPS_OPT_$*) $(WASM_OPT_LEVEL_$*) $(call wasm_opt_write,$*) $(WASM_OPT_FLAGS) $(CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS) \
  $(if $(BUILD_STD_$*),$(BUILD_STD_FLAGS) $(BUILD_STD_RUSTFLAGS)) $(if $(DEPS_CONFIG_$*),$(shell cksum < $(DEPS_CONFIG_$*)))
.stamps/wasm-flags-%: FORCE
	@mkdir -p .stamps
	@echo '$(WASM_FLAGS_OF)' | cmp -s - $@ || echo '$(WASM_FLAGS_OF)' > $@
FORCE:
.PRECIOUS: .stamps/wasm-flags-%

# Each wasm module builds in its own target dir: one feature set per dir, no module overwriting another.
# `cargo rustc --crate-type cdylib`: the module alone, not the rlib Cargo.toml also names (for Rust
# users). Built beside an rlib, the crate's public functions are compiled as exported symbols the rlib
# must keep, so LLVM inlines and drops less of them before the link-time optimization: main module
# 48,138 -> 43,977 B gzip (wasm-opt'd, before function ordering), webhooks 8,331 -> 7,874 B (2026-12-06).
WASM_CARGO := cargo rustc --lib --crate-type cdylib
target/wasm-out/%/asyntai_edge_bg.wasm: $(RUST_SRC) scripts/wasm-binary.mjs scripts/order-functions.mjs scripts/short-names.mjs scripts/inline-catch.mjs scripts/freed-guard.mjs .stamps/wasm-flags-% | toolchain
	CARGO_PROFILE_RELEASE_OPT_LEVEL=$(OPT_LEVEL_$*) $(if $(BUILD_STD_$*),RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$$CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS $(BUILD_STD_RUSTFLAGS)") \
	  $(WASM_CARGO) --release --target $(WASM_TARGET) --target-dir target/wasm-$* --no-default-features --features $(FEATURES_$*) $(DEPS_OPT_$*) $(if $(BUILD_STD_$*),$(BUILD_STD_FLAGS))
	rm -rf target/wasm-out/$*
	wasm-bindgen --target bundler --out-dir target/wasm-out/$* target/wasm-$*/$(WASM_TARGET)/release/asyntai_edge.wasm
	$(TOOLS)/wasm-opt $(WASM_OPT_LEVEL_$*) $(WASM_OPT_FLAGS) $@ -o $@
	node scripts/order-functions.mjs $@ $(TOOLS)/wasm-opt $(call wasm_opt_write,$*) $(WASM_FEATURES)
	node scripts/short-names.mjs target/wasm-out/$*
	node scripts/inline-catch.mjs target/wasm-out/$*
	node scripts/freed-guard.mjs target/wasm-out/$*

pkg: $(TARBALL)

$(TARBALL): target/wasm-out/core/asyntai_edge_bg.wasm target/wasm-out/webhooks/asyntai_edge_bg.wasm \
            target/wasm-out/testing/asyntai_edge_bg.wasm $(PKG_SRC)
	node scripts/assemble.mjs
	cd pkg && npm pack --silent >/dev/null
	@ls -l pkg/*.tgz

# --- tests -----------------------------------------------------------------------------------
# The app folder tests/ installs the packed tarball exactly as a user does.
tests-install: $(TARBALL)
	cd tests && npm install --no-audit --no-fund --no-save ../$(TARBALL)

test: lint doc test-rust test-wasm test-wasi test-wasi-http test-rust-worker test-js test-sandbox test-reliability test-example test-runtimes test-types test-frameworks
	@echo "make test: all passed"

# clippy denies unwrap/expect outside tests (src/lib.rs): a panic in wasm kills the module.
lint: .stamps/rust-target .stamps/rust-target-wasip2
	@if cargo clippy --version >/dev/null 2>&1; then \
	  cargo clippy --all-targets --features mock -- -D warnings && \
	  for f in $(FEATURES_core) $(FEATURES_webhooks) $(FEATURES_testing); do \
	    cargo clippy --lib --target $(WASM_TARGET) --target-dir target/clippy-wasm --no-default-features --features $$f -- -D warnings || exit 1; \
	  done && \
	  cargo clippy --lib --test wasi --target wasm32-wasip2 --target-dir target/clippy-wasi -- -D warnings; \
	else echo "lint: cargo clippy is not installed on this toolchain: not linted"; fi

# The Rust API's documentation as docs.rs builds it (Cargo.toml [package.metadata.docs.rs]: wasm32 first,
# then WASI 0.2 and the host, with the sandbox), broken links refused.
doc: .stamps/rust-target .stamps/rust-target-wasip2
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --features mock --target $(WASM_TARGET) --target-dir target/doc
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --features mock --target wasm32-wasip2 --target-dir target/doc
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --features mock --target-dir target/doc

test-rust:
	cargo test --all-targets --features mock
	cargo test --doc --features mock

# The Rust API on wasm32 in Node (wasm-bindgen-test), against the fake API on loopback: the server
# prints its URL, which the tests are built with.
test-wasm: toolchain
	@coproc FAKE { exec node tests/wasm/serve-fake-api.mjs; }; read -r url <&$${FAKE[0]}; \
	  trap "kill $$FAKE_PID 2>/dev/null" EXIT; echo "fake API at $$url"; \
	  ASYNTAI_FAKE_API=$$url CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	    cargo test --target $(WASM_TARGET) --target-dir target/wasm-test --no-default-features --features client,webhooks --test wasm

test-js: tests-install | $(TOOLS)/esbuild
	cd tests && NODE_OPTIONS=--import=./js/no-throw-into-wasm.mjs node --test --test-reporter=spec js/*.test.mjs

# Each area's targets live in mk/<area>.mk.
include $(wildcard mk/*.mk)

clean:
	rm -rf target pkg .stamps tests/node_modules tools/node_modules
