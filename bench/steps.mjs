// asyntai-edge's call, step for step, written in plain JavaScript (bench/client.bench.mjs and the
// workerd bench run it beside the package): a timeout per attempt (an AbortController and a timer), a
// fresh init, the body read as text, the status and JSON checks. It is the floor of the design: what
// asyntai-edge costs above it is the price of those steps being taken by wasm.

/** asyntai-edge's steps for one GET, in plain JavaScript (see benchClient). */
export function stepsInJs(fetch, url, key) {
  const headers = Object.freeze({ authorization: 'Bearer ' + key, accept: 'application/json' });
  const abort = Function.prototype.call.bind(AbortController.prototype.abort);
  return async () => {
    const controller = new AbortController();
    const timer = setTimeout(abort, 60_000, controller);
    try {
      const res = await fetch(url, { method: 'GET', headers, signal: controller.signal });
      const text = await res.text();
      if (!(res.status >= 200 && res.status < 300)) throw new Error('status');
      const body = JSON.parse(text);
      if (body === null || typeof body !== 'object' || Array.isArray(body) || body.success === false) throw new Error('bad body');
      return body;
    } finally {
      clearTimeout(timer);
    }
  };
}

