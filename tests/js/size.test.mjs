// The package's weight in a user's Worker (issue 11's goals): the main entry's Workers bundle, JS and
// wasm gzip'd, at most 48,000 B; `asyntai-edge/webhooks` at most 12,000 B. The installed tarball,
// bundled as wrangler bundles it (bench/bundle-size.mjs, which `make bench` also reports from).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ASYNTAI_WORKERS, measureBundle } from "../../bench/bundle-size.mjs";
import { TESTS } from "../runtimes/helpers.mjs";

describe("the Workers bundle a user deploys", () => {
  for (const worker of ASYNTAI_WORKERS) {
    it(`${worker.name}: at most ${worker.goal} B gzip'd, JS and wasm`, async () => {
      const size = await measureBundle({ ...worker, from: TESTS }, "workers");
      // the wasm module is there, kept as a module beside the JS
      assert.ok(size.wasmGzip > 5_000, `no wasm module in the bundle (${size.wasmGzip} B)`);
      assert.ok(size.gzip <= worker.goal, `${size.gzip} B (JS ${size.jsGzip} B + wasm ${size.wasmGzip} B) is over ${worker.goal} B`);
    });
  }
});
