# www-example: the example edge app (a Workers-style worker on asyntai-edge), run in workerd.
#   make demo          build what is missing, start the example on the sandbox, play a scripted scenario
#   make serve         the example left running at http://127.0.0.1:8787 (make serve PORT=9000)
#   make test-example  its HTTP API in workerd, and the chat page in Chromium (tests/out/example.png)

EXAMPLE_PKG := www-example/node_modules/asyntai-edge/package.json
EXAMPLE_DIST := www-example/dist/worker.js
EXAMPLE_SRC := www-example/build.mjs www-example/package.json $(wildcard www-example/src/*)

.PHONY: example demo serve test-example

# The packed tarball, installed into the example as a user installs the package.
$(EXAMPLE_PKG): $(TARBALL)
	cd www-example && npm install --no-audit --no-fund --no-save --no-package-lock ../$(TARBALL)
	@touch $@

# The bundle (esbuild) and the package's wasm modules, in www-example/dist/.
$(EXAMPLE_DIST): $(EXAMPLE_PKG) $(EXAMPLE_SRC) | $(TOOLS)/esbuild
	node www-example/build.mjs

example: $(EXAMPLE_DIST) | $(TOOLS)/workerd

demo: example
	node scripts/demo.mjs

serve: PORT := 8787
serve: example
	node scripts/serve.mjs --port $(PORT)

test-example: example | $(TOOLS)/playwright-core $(CHROMIUM)
	node --test --test-reporter=spec tests/example/*.test.mjs
