// Webhook verification over the wasm core (src/wasm/webhook.rs); docs in types/webhooks.d.ts.
// Bodies and headers are written straight into the WebhookKeys scratch buffer in wasm memory
// (encodeInto / set), so a check allocates nothing. A rawBody of another type is a TypeError (a
// caller bug, e.g. a body a framework already parsed); isValid() says false to anything.
import { WebhookVerificationError } from './errors.js';

const REASONS = [, 'missing_signature', 'malformed_signature', 'signature_mismatch', 'invalid_json', 'missing_secret'];
const MESSAGES = [
  ,
  'Missing X-Webhook-Signature header: the request was not signed by Asyntai, or a proxy dropped the header.',
  'Malformed X-Webhook-Signature header: expected 64 hex characters, optionally prefixed with "sha256=".',
  'Webhook signature does not match. Verify the raw request body bytes exactly as received: a body that was ' +
    'parsed and re-serialized (JSON.stringify(JSON.parse(body)), express.json(), ...) no longer matches. ' +
    "Also check that the secret is this webhook's whsec_ secret.",
  'The webhook signature is valid but the body is not a JSON object.',
  'Missing webhook secret: pass the whsec_ secret returned when the webhook was created ' +
    '(no secret, an empty one, or an empty list was given).',
];
const fail = (code) => new WebhookVerificationError(MESSAGES[code], REASONS[code]);
const encoder = new TextEncoder();

// Where node:crypto is at hand (Node; Deno and Bun implement it too), bodies from FAST_MIN bytes are
// hashed by OpenSSL, which uses the CPU's SHA extensions: ~3x wasm's SHA-256 on large bodies. The core
// still judges the header (missing, malformed) and the secrets; only the body's hash moves.
const FAST_MIN = 4096;
let nodeCrypto;
try {
  nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto');
} catch { /* no node:crypto here: the core hashes everything */ }
const HEX = '0123456789abcdef';
let decoder;

// A string stays a string; an ArrayBuffer or any view becomes a Uint8Array; else undefined.
function input(body) {
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  const tag = Object.prototype.toString.call(body);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(body);
}

function bodyOf(body) {
  const b = input(body);
  if (b !== undefined) return b;
  throw new TypeError(
    `rawBody must be the raw request body (string, Uint8Array or ArrayBuffer), not ${body === null ? 'null' : typeof body}: ` +
      'a parsed body cannot be verified. Read the raw bytes (express.raw(), await request.text() or .arrayBuffer()).',
  );
}

export function createWebhook(core) {
  let memory;

  // Writes `body` at the start of the scratch buffer with `extra` bytes of room after it; returns
  // [view of the buffer, body length in bytes]. Strings get room for ASCII first, for UTF-8's worst
  // case only when that fell short.
  function put(keys, body, extra) {
    memory ??= core.webhookMemory();
    for (let need = body.length + extra; ; need = body.length * 3 + extra) {
      const ptr = keys.reserve(need);
      if (ptr === 0) throw new RangeError('asyntai-edge: out of memory for the webhook body');
      const view = new Uint8Array(memory.buffer, ptr, need);
      if (typeof body !== 'string') {
        view.set(body);
        return [view, body.length];
      }
      const { read, written } = encoder.encodeInto(body, view.subarray(0, need - extra));
      if (read === body.length) return [view, written];
    }
  }

  // 0 when `header` signs `body` for one of the keys, else the reason code.
  function check(keys, body, header, secrets) {
    if (header == null) header = '';
    else if (typeof header !== 'string') return 2;
    if (nodeCrypto !== undefined && (typeof body === 'string' ? body.length : body.byteLength) >= FAST_MIN) {
      return checkWithNode(keys, body, header, secrets);
    }
    const [view, n] = put(keys, body, header.length * 3);
    return keys.check(n, encoder.encodeInto(header, view.subarray(n)).written);
  }

  function checkWithNode(keys, body, header, secrets) {
    // The core on an empty body: a missing or malformed header, or no secret, is its verdict.
    const [view] = put(keys, '', header.length * 3);
    const code = keys.check(0, encoder.encodeInto(header, view).written);
    if (code !== 0 && code !== 3) return code;
    // Well-formed, so it ends in the 64 hex digits (before trailing ASCII whitespace).
    const hex = header.replace(/[\t\n\f\r ]+$/, '').slice(-64).toLowerCase();
    const mac = new Uint8Array(32);
    for (let i = 0; i < 32; i++) mac[i] = (HEX.indexOf(hex[2 * i]) << 4) | HEX.indexOf(hex[2 * i + 1]);
    let ok = false;
    for (const secret of secrets) {
      const digest = nodeCrypto.createHmac('sha256', secret).update(body).digest();
      ok = nodeCrypto.timingSafeEqual(digest, mac) || ok;
    }
    return ok ? 0 : 3;
  }

  function keysOf(secret) {
    const list = Array.isArray(secret) ? secret : [secret];
    if (list.length === 0) throw fail(5);
    for (const s of list) {
      if (s == null || s === '') throw fail(5);
      if (typeof s !== 'string') throw new TypeError('A webhook secret must be a string (the whsec_ secret).');
    }
    const keys = new core.WebhookKeys();
    for (const s of list) keys.add(put(keys, s, 0)[1]);
    return [keys, list.slice()];
  }

  class Webhook {
    #keys;
    #secrets;

    constructor(secret) {
      [this.#keys, this.#secrets] = keysOf(secret);
    }

    verify(rawBody, signatureHeader) {
      const body = bodyOf(rawBody);
      const code = check(this.#keys, body, signatureHeader, this.#secrets);
      if (code !== 0) throw fail(code);
      let event;
      try {
        decoder ??= new TextDecoder('utf-8', { fatal: true });
        event = JSON.parse(typeof body === 'string' ? body : decoder.decode(body));
      } catch {
        throw fail(4);
      }
      if (event === null || typeof event !== 'object' || Array.isArray(event)) throw fail(4);
      return event;
    }

    isValid(rawBody, signatureHeader) {
      try {
        const body = input(rawBody);
        return body !== undefined && check(this.#keys, body, signatureHeader, this.#secrets) === 0;
      } catch {
        return false;
      }
    }

    async verifyRequest(request) {
      if (request == null || typeof request.arrayBuffer !== 'function' || request.headers == null) {
        throw new TypeError('verifyRequest expects a Fetch API Request.');
      }
      if (request.bodyUsed) {
        throw new TypeError('The request body was already read: pass the raw body you read to verify() instead.');
      }
      const header = request.headers.get('x-webhook-signature');
      return this.verify(new Uint8Array(await request.arrayBuffer()), header);
    }

    static sign(secret, rawBody) {
      const body = bodyOf(rawBody);
      const [keys] = keysOf(secret);
      try {
        const [view, n] = put(keys, body, 64);
        const code = keys.sign(n);
        if (code !== 0) throw fail(code);
        return String.fromCharCode.apply(null, view.subarray(n, n + 64));
      } finally {
        keys.free();
      }
    }
  }
  return Webhook;
}
