// Shared by the runtime tests: where things are, the esbuild recipes, child processes.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const TESTS = join(HERE, '..');
export const ROOT = join(TESTS, '..');
export const TOOLS_BIN = join(ROOT, 'tools', 'node_modules', '.bin');
/** Build output of the runtime tests (git-ignored). */
export const OUT = join(TESTS, 'out', 'runtimes');
export const APP = join(HERE, 'app');

/** A package from the pinned tools/ (esbuild, edge-runtime, playwright-core). */
export const toolRequire = createRequire(join(ROOT, 'tools', 'package.json'));

/** A fresh, empty output folder for one test. */
export function outDir(name) {
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * wrangler's bundling recipe for a module worker, shared by every workerd test and bench: esbuild
 * options to spread into `build()`, with the conditions Workers resolve packages with.
 */
export const WORKERS_BUILD = Object.freeze({
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
});

/**
 * `.wasm` imports (and Vercel's `.wasm?module`) kept as module imports, as wrangler does: renamed
 * `./<folder>.wasm` after the folder the package keeps them in (core, webhooks, testing) and copied
 * next to the bundle. `onWasm(name, file)` is called for each.
 */
export function wasmAsModules(outdir, seen = new Map()) {
  return {
    name: 'wasm-modules',
    setup(build) {
      build.onResolve({ filter: /\.wasm(\?module)?$/ }, (args) => {
        const file = join(args.resolveDir, args.path.replace(/\?module$/, ''));
        const name = `${basename(dirname(file))}.wasm`;
        if (seen.has(name) && seen.get(name) !== file) {
          return { errors: [{ text: `two wasm modules named ${name}: ${seen.get(name)} and ${file}` }] };
        }
        if (!seen.has(name)) copyFileSync(file, join(outdir, name));
        seen.set(name, file);
        return { path: `./${name}`, external: true };
      });
    },
  };
}

/** esbuild from tools/. */
export function esbuild() {
  return toolRequire('esbuild');
}

/**
 * Starts `cmd args` and resolves with { child, line } once `ready(line)` returns a truthy value for a
 * line of its stdout (or of fd 3 when `controlFd`); rejects if it exits first or after `ms`.
 */
export function startProcess(cmd, args, { cwd, env, ready, controlFd = false, ms = 20_000 }) {
  return new Promise((resolve, reject) => {
    const stdio = ['ignore', 'pipe', 'pipe'];
    if (controlFd) stdio.push('pipe');
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio });
    let log = '';
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        child.kill('SIGKILL');
        reject(new Error(`${err.message}\n--- ${basename(cmd)} output ---\n${log}`));
      } else resolve(value);
    };
    const timer = setTimeout(() => finish(new Error(`${basename(cmd)} not ready after ${ms} ms`)), ms);
    child.stderr.on('data', (d) => (log += d));
    const watch = controlFd ? child.stdio[3] : child.stdout;
    if (controlFd) child.stdout.on('data', (d) => (log += d));
    createInterface({ input: watch }).on('line', (line) => {
      if (!controlFd) log += `${line}\n`;
      try {
        const value = ready(line);
        if (value) finish(null, { child, value, log: () => log });
      } catch { /* not the line we wait for */ }
    });
    child.on('error', (err) => finish(err));
    child.on('exit', (code, signal) => finish(new Error(`${basename(cmd)} exited (${code ?? signal}) before it was ready`)));
  });
}

/** Stops a child started by startProcess. */
export function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** ctx.send for a runtime that serves the app over HTTP at `base` (no trailing slash). */
export function httpSend(base) {
  return async (path, init = {}) => {
    const res = await fetch(base + path, init);
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = { unparsed: text };
    }
    return { status: res.status, json };
  };
}
