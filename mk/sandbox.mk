# The sandbox as an HTTP server (issue 12): `npx asyntai-edge sandbox`, the package's bin.
#   make sandbox        the sandbox from this repository at http://127.0.0.1:8787/api/v1/ (make sandbox
#                       PORT=9000 SANDBOX_ARGS="--seed seed.json --plan pro"); Ctrl-C stops it
#   make test-sandbox   the server driven from outside this package (in `make test`): Python's standard
#                       library (every endpoint, paging, tickets, signed deliveries to a local receiver),
#                       curl, the package's own client over HTTP, the command line (flags, seed errors,
#                       a taken port, signals), bad input, 10,000 requests with memory at start and end

.PHONY: sandbox test-sandbox

SANDBOX_ARGS ?=

sandbox: PORT := 8787
sandbox: $(TARBALL)
	node pkg/bin/asyntai-edge.js sandbox --port $(PORT) $(SANDBOX_ARGS)

# Each runs the installed tarball's bin (tests/node_modules/.bin/asyntai-edge), as a user's npx does.
test-sandbox: tests-install
	cd tests && python3 -m unittest -v sandbox/test_server.py
	cd tests && bash sandbox/curl.sh
	cd tests && node --test --test-reporter=spec sandbox/*.test.mjs
