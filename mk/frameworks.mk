# Frameworks and bundlers (issue 10): real projects in tests/frameworks/, each with its own pinned
# package.json and lockfile, built and served by the tool's own commands, checked over HTTP on loopback
# (tests/frameworks/*.test.mjs: chat answered from the sandbox, a signed webhook accepted, a forged one
# refused): wrangler (dev, deploy --dry-run), Next 15 and 16 (webpack, Turbopack; edge and Node routes),
# Vite + @cloudflare/vite-plugin, Vite SSR (ssr.noExternal), bun build, esbuild (cjs, esm), ncc, Deno.
#
#   make test-frameworks   in `make test`
#
# Installs are cached: `npm ci` in a project only when its lockfile changed (the stamp lives in its
# node_modules, so it goes when they go), and the packed tarball reinstalled (--no-save: the lockfiles
# never name it) whenever it changed. The installs run in parallel (network-bound); the builds one at a
# time (CPU-bound, 2 cores). tests/frameworks/tools holds Node 22 (wrangler and @cloudflare/vite-plugin
# need it; put first on PATH for those commands only); Bun comes from npm in tests/frameworks/bun.

.PHONY: test-frameworks frameworks-install

FW := tests/frameworks
FW_PROJECTS := wrangler next15 next16 vite-cloudflare vite-ssr bun esbuild ncc deno
FW_CI := $(patsubst %,$(FW)/%/node_modules/.ci-stamp,$(FW_PROJECTS) tools)
FW_PKG := $(patsubst %,$(FW)/%/node_modules/.pkg-stamp,$(FW_PROJECTS))

$(FW_CI): $(FW)/%/node_modules/.ci-stamp: $(FW)/%/package-lock.json $(FW)/%/package.json
	cd $(FW)/$* && npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(@D) && touch $@

$(FW_PKG): $(FW)/%/node_modules/.pkg-stamp: $(FW)/%/node_modules/.ci-stamp $(TARBALL)
	cd $(FW)/$* && npm install --no-audit --no-fund --loglevel=error --no-save $(CURDIR)/$(TARBALL)
	@touch $@

frameworks-install: $(FW_CI) $(FW_PKG)

test-frameworks: $(TARBALL) | $(TOOLS)/deno
	$(MAKE) --no-print-directory -j4 frameworks-install
	cd $(FW) && node --test --test-concurrency=1 --test-reporter=spec *.test.mjs
