# Every runtime, from the packed tarball installed in tests/ as a user installs it (issue 4).
#   make test-runtimes  workerd, Deno, edge-runtime (Vercel Edge), Node (import + require), Chromium
#                       (native ES modules, import map), an esbuild browser bundle in Chromium
#   make test-types     tsc on tests/types/usage.ts (two resolutions), no `any` in the .d.ts, declared =
#                       run-time exports, publint and attw on the tarball
#   make bench-size     Workers and Node bundle sizes: asyntai-edge beside openai, stripe and svix
# Each runtime test file closes with node:test's `# pass N` / `# fail N`.

.PHONY: test-runtimes test-types bench-size bench-install

test-runtimes: tests-install | $(TOOLS)/esbuild $(CHROMIUM) $(TOOLS)/workerd $(TOOLS)/deno $(TOOLS)/edge-runtime $(TOOLS)/playwright-core
	cd tests && node --test --test-reporter=tap runtimes/*.test.mjs

test-types: tests-install | $(TOOLS)/tsc $(TOOLS)/publint $(TOOLS)/attw
	cd tests && node --test --test-reporter=tap types/types.test.mjs

# bench/: the SDKs the size bench compares with (exact pins), and the packed tarball, so that every
# bench resolves asyntai-edge, openai, stripe and svix by name from bench/.
bench/node_modules/.installed: bench/package.json bench/package-lock.json $(TARBALL)
	cd bench && npm install --no-audit --no-fund
	cd bench && npm install --no-audit --no-fund --no-save ../$(TARBALL)
	@touch $@

bench-install: bench/node_modules/.installed

bench-size: bench/node_modules/.installed | $(TOOLS)/esbuild
	node bench/size.mjs
