# make bench: every speed and size figure in one go, as one markdown table (bench/run.mjs), each
# figure beside the same work done by openai-node, stripe-node, svix, standardwebhooks, node:crypto,
# WebCrypto or a hand-written fetch, measured in the same run. About 2 minutes once the package is built.
#   bench-install  (mk/runtimes.mk) the pinned SDKs and the packed tarball in bench/node_modules
#   esbuild        the Workers bundle recipe (size, workerd); workerd  the workerd bench
#   rust-worker, wasi-http  the Rust example apps, whose sizes are reported
# Each part also runs alone: node bench/<part>.mjs (see bench/run.mjs).

.PHONY: bench

bench: bench-install rust-worker wasi-http | $(TOOLS)/esbuild $(TOOLS)/workerd
	node bench/run.mjs
