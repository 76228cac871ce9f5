// Starting `asyntai-edge sandbox` (the installed tarball's bin) in a child process, for the tests
// of tests/sandbox/: its base URL from the first line, every output line, a clean stop.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TESTS = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The bin as npm installed it (a symlink, run through its shebang), and the file it points to. */
export const BIN = join(TESTS, 'node_modules', '.bin', 'asyntai-edge');
export const BIN_JS = join(TESTS, 'node_modules', 'asyntai-edge', 'bin', 'asyntai-edge.js');

const URL_LINE = /^asyntai-edge sandbox: (http:\/\/\S+\/api\/v1\/)$/;

/** Collects a stream's lines; `next(re, ms)` waits for the first line (seen or to come) matching `re`. */
function lineReader(stream) {
  const lines = [];
  const waiters = new Set();
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buf += chunk;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of waiters) w(line);
    }
  });
  const next = (re, ms = 30_000, from = 0) => new Promise((resolve, reject) => {
    const seen = lines.slice(from).find((l) => re.test(l));
    if (seen !== undefined) return resolve(seen);
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`no line matching ${re} in ${ms} ms; last lines: ${lines.slice(-5).join(' | ')}`));
    }, ms);
    const check = (line) => {
      if (re.test(line)) {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(line);
      }
    };
    waiters.add(check);
  });
  return { lines, next };
}

/** Runs the bin with `args` to its end: {code, signal, stdout, stderr}. */
export function runCli(args, { timeout = 30_000, cwd = TESTS, command = [process.execPath, BIN_JS] } = {}) {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = command;
    const proc = spawn(cmd, [...pre, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c) => { stdout += c; });
    proc.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`${args.join(' ')}: still running after ${timeout} ms`)); }, timeout);
    proc.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

/**
 * Starts `asyntai-edge sandbox --port 0 ...args`; resolves once it prints its base URL.
 * `node` adds Node flags (e.g. --expose-gc); `command` replaces the whole command (npx).
 */
export async function startSandbox(args = [], { node = [], command, detached = false } = {}) {
  const argv = command ?? [process.execPath, ...node, BIN_JS, 'sandbox', '--port', '0', ...args];
  const proc = spawn(argv[0], argv.slice(1), { cwd: TESTS, stdio: ['ignore', 'pipe', 'pipe'], detached });
  const out = lineReader(proc.stdout);
  let stderr = '';
  proc.stderr.on('data', (c) => { stderr += c; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const first = await Promise.race([
    out.next(URL_LINE, 60_000),
    exited.then(({ code }) => { throw new Error(`the sandbox exited (${code}) before serving: ${stderr}`); }),
  ]);
  const base = URL_LINE.exec(first)[1];
  return {
    proc,
    base,
    lines: out.lines,
    next: out.next,
    stderr: () => stderr,
    exited,
    /** Sends `signal` (to the process group when detached) and resolves to the exit {code, signal}. */
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) {
        if (detached) process.kill(-proc.pid, signal);
        else proc.kill(signal);
      }
      return exited;
    },
    /** The server's own figures (SIGUSR2): {requests, rss, heap} in MB. */
    async stats() {
      const from = out.lines.length;
      proc.kill('SIGUSR2');
      const line = await out.next(/^stats: /, 10_000, from);
      const m = /stats: (\d+) requests? served; rss ([\d.]+) MB, heap used ([\d.]+) MB/.exec(line);
      return { requests: Number(m[1]), rss: Number(m[2]), heap: Number(m[3]) };
    },
  };
}
