# Reliability (issue 6): faults, load, leaks, hostile input, fuzzing.
#
#   make test-reliability  the fast part, in `make test` (about a minute): the fault matrix, 200
#                          concurrent calls, 5,000 sequential calls in Node and 2,000 in workerd with
#                          memory figures, module survival after 4,000 mixed failures, hostile input
#                          and the API-key sweep, no import throwing into the wasm (escapes.test.mjs:
#                          what a caller hands over, read oddly). (The short fuzz run, tests/fuzz.rs with 1,000 cases
#                          per property, is part of `cargo test` in test-rust.)
#   make soak              long load runs: 50,000 sequential calls in one Node process and 50,000 in
#                          one workerd isolate, 50,000 mixed failures; memory at start and end.
#   make fuzz              the long fuzz run: FUZZ_CASES cases per property (default 500,000; 12
#                          properties: 6 million cases), on an optimized build that keeps overflow
#                          checks and debug assertions; prints the count of each property and the total.

.PHONY: test-reliability soak fuzz

# The fault matrix bounds its calls in milliseconds: it runs alone, not beside the load runs (two
# cores: a load run beside it delayed a request past an abort timer of 100 ms).
RELIABILITY_JS := reliability/load.test.mjs reliability/survival.test.mjs reliability/hostile.test.mjs \
  reliability/escapes.test.mjs reliability/workerd-load.test.mjs
FUZZ_CASES ?= 500000
# Extra libtest arguments, e.g. FUZZ_ARGS="fuzz_mock_handle" to run one property.
FUZZ_ARGS ?=

test-reliability: tests-install $(TOOLS)/workerd $(TOOLS)/esbuild
	cd tests && node --test --test-reporter=spec reliability/faults.test.mjs
	cd tests && node --test --test-reporter=spec $(RELIABILITY_JS)

soak: tests-install $(TOOLS)/workerd $(TOOLS)/esbuild
	cd tests && LOAD_CALLS=50000 node --test --test-reporter=spec reliability/load.test.mjs
	cd tests && WORKERD_CALLS=50000 node --test --test-reporter=spec reliability/workerd-load.test.mjs
	cd tests && SURVIVAL_CALLS=50000 node --test --test-reporter=spec reliability/survival.test.mjs

fuzz:
	@mkdir -p target
	@echo "fuzz: $(FUZZ_CASES) cases per property (optimized, overflow checks and debug assertions on)"
	FUZZ_CASES=$(FUZZ_CASES) CARGO_TARGET_DIR=target/fuzz CARGO_PROFILE_DEV_OPT_LEVEL=3 \
	  CARGO_PROFILE_DEV_DEBUG=line-tables-only CARGO_PROFILE_DEV_OVERFLOW_CHECKS=true \
	  cargo test --features mock --test fuzz -- --nocapture --test-threads=2 $(FUZZ_ARGS) 2>&1 | tee target/fuzz.log
	@grep -oE 'fuzz [^:]+: [0-9]+ cases run' target/fuzz.log \
	  | awk -F': ' '{ split($$2, n, " "); total += n[1] } END { printf "fuzz: %d cases run in all, none panicked\n", total }'
