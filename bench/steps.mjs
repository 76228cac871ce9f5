// asyntai-edge's call, step for step, written in plain JavaScript (bench/client.bench.mjs and the
// workerd bench run it beside the package): a timeout per attempt, a fresh init, the body read as
// text, the status and JSON checks. It is the floor of the design: what asyntai-edge costs above it
// is the price of those steps being taken by wasm.
//
// The timeout is kept as the client keeps it (src/transport/fetch.rs): attempts that start within 1%
// of the timeout of one another share an AbortController; in Node they share its timer too (unref'd
// while none of them runs), elsewhere (workerd) each has a timer of its own.

const TIMEOUT_MS = 60_000;

/** asyntai-edge's steps for one GET, in plain JavaScript (see benchClient). */
export function stepsInJs(fetch, url, key) {
  const headers = Object.freeze({ authorization: 'Bearer ' + key, accept: 'application/json' });
  const abort = Function.prototype.call.bind(AbortController.prototype.abort);
  const shared = globalThis.navigator?.userAgent !== 'Cloudflare-Workers' && typeof globalThis.process?.versions?.node === 'string';
  let bucket = null;
  /** The current bucket, or a new one when its window closed or it served 1,000 calls. */
  const join = () => {
    const now = Date.now();
    if (!bucket || now - bucket.opened >= TIMEOUT_MS / 100 || bucket.joined >= 1000) {
      if (bucket?.timer && bucket.running === 0) clearTimeout(bucket.timer);
      const controller = new AbortController();
      bucket = { controller, signal: controller.signal, opened: now, fires: now + TIMEOUT_MS / 100 + TIMEOUT_MS, joined: 0, running: 0, timer: null };
    }
    bucket.joined++;
    return bucket;
  };
  // Node: the bucket's one timer, unref'd while none of its calls runs.
  const enter = () => {
    const b = join();
    if (b.running === 0) {
      if (b.timer) b.timer.ref();
      else b.timer = setTimeout(abort, b.fires - Date.now(), b.controller);
    }
    b.running++;
    return b;
  };
  const leave = (b) => {
    if (--b.running === 0) b.timer.unref();
  };
  const check = (res, text) => {
    if (!(res.status >= 200 && res.status < 300)) throw new Error('status');
    const body = JSON.parse(text);
    if (body === null || typeof body !== 'object' || Array.isArray(body) || body.success === false) throw new Error('bad body');
    return body;
  };
  if (shared) {
    return async () => {
      const b = enter();
      try {
        const res = await fetch(url, { method: 'GET', headers, signal: b.signal });
        return check(res, await res.text());
      } finally {
        leave(b);
      }
    };
  }
  return async () => {
    const b = join();
    const timer = setTimeout(abort, b.fires - Date.now(), b.controller);
    try {
      const res = await fetch(url, { method: 'GET', headers, signal: b.signal });
      return check(res, await res.text());
    } finally {
      clearTimeout(timer);
    }
  };
}
