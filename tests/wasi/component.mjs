// Loads a WASI 0.2 component in Node: jco's transpiler turns it into a JS module (in a temporary
// folder, removed when the process exits) over jco's WASI shim (wasi:http over Node's http, clocks,
// random, stdio, environment), both pinned in tools/, and Spin's variables (spin-variables.mjs).
// Used by run.mjs (a command: cargo's test runner) and serve.mjs (an HTTP component, served as
// `wasmtime serve` or Spin would serve it).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, toolRequire } from '../runtimes/helpers.mjs';

const SHIM = join(ROOT, 'tools', 'node_modules', '@bytecodealliance', 'preview2-shim');
// Host interfaces beyond WASI's that a component may import: Spin's variables (spin-variables.mjs).
const MAP = { 'fermyon:spin/variables@2.0.0': pathToFileURL(join(ROOT, 'tests', 'wasi', 'spin-variables.mjs')).href };

/** A URL of the shim's `subpath` (`cli`, `http`, ...), as the transpiled module imports it. */
export const shim = (subpath) => pathToFileURL(join(SHIM, 'dist', 'nodejs', `${subpath}.js`)).href;

/**
 * Transpiles the component at `path` and imports it: its exports (`run`, `incomingHandler`, ...).
 * `before` runs just before the import (to set the shim's arguments, say).
 */
export async function loadComponent(path, before = async () => {}) {
  const { transpileBytes } = await import(pathToFileURL(toolRequire.resolve('@bytecodealliance/jco-transpile')));
  const dir = mkdtempSync(join(tmpdir(), 'asyntai-wasi-'));
  // wasi:cli/exit ends the process from inside the component: clean up then too.
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const { files } = await transpileBytes(readFileSync(path), { name: 'component', noTypescript: true, wasiShim: true, quiet: true, map: MAP });
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  // The transpiled module imports the shim by its package name.
  mkdirSync(join(dir, 'node_modules', '@bytecodealliance'), { recursive: true });
  symlinkSync(SHIM, join(dir, 'node_modules', '@bytecodealliance', 'preview2-shim'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  await before();
  return import(pathToFileURL(join(dir, 'component.js')));
}
