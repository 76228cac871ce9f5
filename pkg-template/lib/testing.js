// The sandbox's shell: turns fetch calls into calls of the Rust state machine (`core.MockCore`) and
// makes the webhook deliveries it asks for. Everything the API does (auth, plans, quotas, validation,
// retrieval, signing) is the core's; this file only converts and does the I/O.
import { ValidationError } from './errors.js';

const SEP = '\u001f';
// Where a relative URL given to `mock.fetch` is resolved (`mock.fetch('/api/v1/account/')`).
const SANDBOX_ORIGIN = 'http://sandbox.invalid';
const PLANS = ['starter', 'standard', 'pro', 'free'];
/**
 * The sandbox server (`npx asyntai-edge sandbox`, bin/sandbox.js) answers each HTTP request through
 * this method, with no Request or Response object on the way: `(method, target, headers, bytes)`,
 * headers as `name\nvalue\n...`, to a promise of `{status, body}` (deliveries made first). Internal.
 */
const SERVE = Symbol.for('asyntai-edge.sandbox.serve');

function optionError(thrown) {
  const text = typeof thrown === 'string' ? thrown : String(thrown && thrown.message);
  const at = text.indexOf(SEP);
  const field = at < 0 ? 'options' : text.slice(0, at);
  const message = at < 0 ? text : text.slice(at + 1);
  return new ValidationError(`new MockAsyntai(): ${message}`, field);
}

function abortReason(signal) {
  if (signal.reason !== undefined) return signal.reason;
  return new DOMException('This operation was aborted', 'AbortError');
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

/** `name\nvalue\n...` with lower-case names, as the core reads headers. */
function flatHeaders(headers) {
  const parts = [];
  headers.forEach((value, name) => { parts.push(name, value); });
  return parts.join('\n');
}

/**
 * What the core needs from a fetch call: {method, target, headers, bytes | arrayBuffer(), signal}.
 * A URL with a JSON string (or bytes) body, the client's own calls, skips building a Request; anything
 * else (a Request, FormData, Blob, stream bodies) goes through `new Request`, which serializes it.
 */
function toRequest(input, init) {
  const isRequest = (typeof Request !== 'undefined' && input instanceof Request) || (input !== null
    && typeof input === 'object' && !(input instanceof URL) && typeof input.url === 'string' && typeof input.arrayBuffer === 'function');
  const body = init == null ? undefined : init.body;
  const plainBody = body == null || typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body);
  if (!isRequest && plainBody && (init == null || init.duplex === undefined)) {
    const url = new URL(typeof input === 'string' && input.startsWith('/') ? SANDBOX_ORIGIN + input : String(input));
    const method = init == null || init.method === undefined ? 'GET' : normalizeMethod(init.method);
    const headers = new Headers(init == null ? undefined : init.headers);
    let bytes;
    if (body == null) bytes = EMPTY;
    else if (method === 'GET' || method === 'HEAD') throw new TypeError('Request with GET/HEAD method cannot have body.');
    else if (typeof body === 'string') {
      bytes = encoder.encode(body);
      if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
    } else {
      bytes = body instanceof ArrayBuffer ? new Uint8Array(body.slice(0))
        : new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    }
    return { method, target: url.pathname + url.search, headers: flatHeaders(headers), bytes, signal: init == null ? undefined : init.signal };
  }
  if (typeof input === 'string' && input.startsWith('/')) input = SANDBOX_ORIGIN + input;
  const request = isRequest && init === undefined ? input : new Request(input, init);
  const url = new URL(request.url);
  return {
    method: request.method,
    target: url.pathname + url.search,
    headers: flatHeaders(request.headers),
    bytes: undefined,
    arrayBuffer: () => request.arrayBuffer(),
    signal: request.signal,
  };
}

const STANDARD_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

/** As fetch does: the standard methods are upper-cased, others kept as given. */
function normalizeMethod(method) {
  const m = String(method);
  const upper = m.toUpperCase();
  return STANDARD_METHODS.includes(upper) ? upper : m;
}

/**
 * @param {*} core the testing wasm module's exports: MockCore
 */
export function createMockAsyntai(core) {
  class MockAsyntai {
    #core;
    #deliver;

    /**
     * @param {{apiKey?: string, plan?: string, fetch?: Function, websites?: object[], limits?: object,
     *   knowledge?: object[], webhooks?: object[]}} [options]
     */
    constructor(options = {}) {
      if (options === null || typeof options !== 'object') {
        throw new ValidationError('new MockAsyntai(options): options must be an object', 'options');
      }
      const { apiKey = 'test_key', plan = 'starter', fetch, websites, limits, knowledge, webhooks } = options;
      if (typeof apiKey !== 'string' || apiKey === '') {
        throw new ValidationError('new MockAsyntai(): `apiKey` must be a non-empty string', 'apiKey');
      }
      if (typeof plan !== 'string' || !PLANS.includes(plan)) {
        throw new ValidationError(
          `new MockAsyntai(): \`plan\` must be one of ${PLANS.map((p) => `"${p}"`).join(', ')}, got ${
            typeof plan === 'string' ? JSON.stringify(plan.slice(0, 40)) : typeof plan}`, 'plan');
      }
      if (fetch !== undefined && fetch !== null && typeof fetch !== 'function') {
        throw new ValidationError('new MockAsyntai(): `fetch` must be a function (used to deliver webhooks)', 'fetch');
      }
      if (websites !== undefined && !Array.isArray(websites)) {
        throw new ValidationError('new MockAsyntai(): `websites` must be an array of {id, name, domain, is_primary}', 'websites');
      }
      if (limits !== undefined && (limits === null || typeof limits !== 'object' || Array.isArray(limits))) {
        throw new ValidationError('new MockAsyntai(): `limits` must be an object', 'limits');
      }
      if (knowledge !== undefined && !Array.isArray(knowledge)) {
        throw new ValidationError('new MockAsyntai(): `knowledge` must be an array of {title, content} or {url, title?, content?}', 'knowledge');
      }
      if (webhooks !== undefined && !Array.isArray(webhooks)) {
        throw new ValidationError('new MockAsyntai(): `webhooks` must be an array of {url, events, secret?}', 'webhooks');
      }
      const json = (value) => (value === undefined ? undefined : JSON.stringify(value));
      try {
        this.#core = new core.MockCore(
          apiKey, plan, json(websites), json(limits), json(knowledge), json(webhooks), Date.now());
      } catch (e) {
        throw optionError(e);
      }
      this.#deliver = typeof fetch === 'function' ? fetch : null;
      /** Every webhook delivery made, oldest first. */
      this.deliveries = [];
      /** fetch-compatible: the client's `fetch` option, or a Worker's fetch handler. Usable detached. */
      this.fetch = (input, init) => this.#fetch(input, init);
    }

    #fetch(input, init) {
      let request;
      try {
        request = toRequest(input, init);
      } catch (e) {
        return Promise.reject(e); // what fetch does with a bad URL or init: a TypeError
      }
      const signal = request.signal;
      if (signal && signal.aborted) return Promise.reject(abortReason(signal));
      const work = this.#serve(request);
      if (!signal) return work;
      // Like fetch, reject as soon as the caller aborts (the request may still have had its effect).
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(abortReason(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    }

    async #serve(request) {
      const body = request.bytes !== undefined ? request.bytes
        : request.method === 'GET' || request.method === 'HEAD' ? EMPTY
          : new Uint8Array(await request.arrayBuffer());
      const { status, body: text } = await this[SERVE](request.method, request.target, request.headers, body);
      return new Response(text, { status, headers: { 'content-type': 'application/json' } });
    }

    /** One request, answered by the core: see SERVE. */
    async [SERVE](method, target, headers, bytes) {
      const out = this.#core.handle(method, target, headers, bytes, Date.now());
      const first = out.indexOf('\n');
      const second = out.indexOf('\n', first + 1);
      const deliveries = out.slice(first + 1, second);
      if (deliveries !== '[]') {
        // Made one by one, in order, before the answer: tests see them as soon as the call returns.
        for (const d of JSON.parse(deliveries)) await this.#send(d);
      }
      return { status: Number(out.slice(0, first)), body: out.slice(second + 1) };
    }

    async #send(d) {
      const deliver = this.#deliver; // called without a `this` binding, like the client's fetch
      let status = null;
      if (deliver) {
        try {
          const res = await deliver(d.url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Webhook-Signature': d.signature },
            body: d.body,
          });
          status = res && typeof res.status === 'number' ? res.status : 0;
          try { if (res && res.body && typeof res.body.cancel === 'function') await res.body.cancel(); } catch { /* already read */ }
        } catch {
          status = 0; // a failed delivery is recorded, never a failure of the API call
        }
      }
      this.deliveries.push({ url: d.url, event: d.event, body: d.body, signature: d.signature, status });
    }
  }
  return MockAsyntai;
}
