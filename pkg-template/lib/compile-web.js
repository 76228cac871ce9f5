// Deno, browsers and bundlers: the .wasm is fetched from beside the entry file.

/** Compiles the .wasm at `url` (Deno, browsers, bundlers). */
export async function compileWasm(url) {
  if (url.protocol === 'file:' && typeof Deno === 'undefined') {
    const { readFile } = await import('node:fs/promises');
    return new WebAssembly.Module(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`asyntai-edge: could not load ${url.href} (${res.status})`);
  return WebAssembly.compile(await res.arrayBuffer());
}
