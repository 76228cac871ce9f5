//! `Webhook`, for JavaScript: verification of deliveries over [`crate::webhook`]. The same class is
//! in the main module and in the small `asyntai-edge/webhooks` one (`no_std`, its own allocator, a
//! 12 kB gzip budget), so it binds only what it needs.
//!
//! Where `node:crypto` is at hand (Node; Deno and Bun implement it too), bodies from 4 KiB are hashed
//! by OpenSSL, which uses the CPU's SHA extensions (~3x wasm's SHA-256 on large bodies); the header,
//! the secrets and the constant-time comparison stay here.
//!
//! It binds what it uses itself rather than through js-sys: js-sys brings its futures machinery and a
//! few dozen closure shims into any module that links it, which this module's budget cannot carry.

extern crate alloc;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::webhook::{parse_header_bytes, same, Reason, Verifier};

/// Bodies at least this long are hashed by `node:crypto` where it exists.
const NODE_CRYPTO_MIN: u32 = 4096;

#[wasm_bindgen(raw_module = "../../lib/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = WebhookVerificationError)]
    type VerificationError;
    #[wasm_bindgen(constructor, js_class = WebhookVerificationError)]
    fn new(message: &str, reason: &str) -> VerificationError;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Uint8Array)]
    #[derive(Clone)]
    type Uint8Array;
    #[wasm_bindgen(constructor, js_class = Uint8Array)]
    fn new_with_byte_offset_and_length(buffer: &JsValue, offset: u32, length: u32) -> Uint8Array;
    /// `new Uint8Array(value)` on a caller's value: throws on a detached buffer or through a proxy.
    #[wasm_bindgen(constructor, js_class = Uint8Array, catch)]
    fn over(value: &JsValue) -> Result<Uint8Array, JsValue>;
    /// `new Uint8Array(buffer, byteOffset, byteLength)` as a caller's view gave them (RangeError when
    /// they were redefined out of the buffer).
    #[wasm_bindgen(constructor, js_class = Uint8Array, catch)]
    fn over_range(buffer: &JsValue, offset: &JsValue, length: &JsValue) -> Result<Uint8Array, JsValue>;
    #[wasm_bindgen(method, catch, js_class = Uint8Array)]
    fn set(this: &Uint8Array, source: &Uint8Array) -> Result<(), JsValue>;
    /// A promise (what `verifyRequest` returns).
    #[wasm_bindgen(js_name = Promise)]
    pub type Promise;
    /// Throws when `v` is a promise whose `constructor` getter throws.
    #[wasm_bindgen(static_method_of = Promise, js_name = resolve, catch)]
    fn resolve(v: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(static_method_of = Promise, js_name = reject)]
    fn reject(v: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    /// `globalThis.process` (undefined outside Node, Deno and Bun): a static getter, not a
    /// `thread_local_v2` static, whose lazy cell and its panic messages the small module does not need.
    type Global;
    #[wasm_bindgen(static_method_of = Global, js_class = globalThis, getter = process)]
    fn process() -> JsValue;
    /// `process`, for `getBuiltinModule`.
    type Process;
    #[wasm_bindgen(method, catch, js_name = getBuiltinModule)]
    fn get_builtin_module(this: &Process, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = TypeError)]
    type JsTypeError;
    #[wasm_bindgen(constructor, js_class = TypeError)]
    fn new(message: &str) -> JsTypeError;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ArrayBuffer, js_name = isView)]
    fn is_view(v: &JsValue) -> bool;
    /// `Array.isArray`, which throws on a revoked proxy (then: not an array).
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(v: &JsValue) -> Result<bool, JsValue>;

    /// `new TextDecoder('utf-8', { fatal: true })`.
    #[derive(Clone)]
    type Utf8;
    #[wasm_bindgen(constructor, js_class = TextDecoder, catch)]
    fn new_decoder(label: &str, options: &JsValue) -> Result<Utf8, JsValue>;
    #[wasm_bindgen(method, catch, js_class = TextDecoder)]
    fn decode(this: &Utf8, bytes: &Uint8Array) -> Result<JsValue, JsValue>;

    /// What `verifyRequest` reads of a Request.
    type RequestLike;
    #[wasm_bindgen(method, getter, catch, js_name = bodyUsed)]
    fn body_used(this: &RequestLike) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn headers(this: &RequestLike) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = arrayBuffer)]
    fn array_buffer(this: &RequestLike) -> Result<JsValue, JsValue>;
    type HeadersLike;
    /// A string, an array or a Uint8Array, for its `length` (one import for the three; `catch`: an
    /// array or a Uint8Array may be a proxy whose `get` throws).
    type Text;
    #[wasm_bindgen(method, getter, catch)]
    fn length(this: &Text) -> Result<u32, JsValue>;
    #[derive(Clone)]
    type Encoder;
    #[wasm_bindgen(constructor, js_class = TextEncoder)]
    fn new_encoder() -> Encoder;
    #[wasm_bindgen(method, js_class = TextEncoder, js_name = encodeInto)]
    fn encode_into(this: &Encoder, s: &JsValue, dest: &Uint8Array) -> EncodeResult;
    type EncodeResult;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeResult) -> f64;
    /// A caller's view, read through catching getters (each may have been redefined, to throw). Typed
    /// getters rather than `Reflect.get` with a key: no key string to pass from wasm (1.5 µs a body).
    type ViewLike;
    #[wasm_bindgen(method, getter, catch, js_name = buffer)]
    fn view_buffer(this: &ViewLike) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = byteOffset)]
    fn byte_offset(this: &ViewLike) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = byteLength)]
    fn byte_length(this: &ViewLike) -> Result<JsValue, JsValue>;
    /// An `ArrayBuffer` view (a typed array or a DataView), or wasm memory: for their `buffer`.
    type View;
    #[wasm_bindgen(method, getter)]
    fn buffer(this: &View) -> JsValue;
    type Callable;
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_with(this: &Callable, this_arg: &JsValue, arg: &JsValue) -> JsValue;
    /// The engine's own `then` (a promise's own `then` property, if it has one, is not called).
    #[wasm_bindgen(catch, js_namespace = ["Promise", "prototype", "then"], js_name = call)]
    fn then_call(promise: &Promise, f: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn get(this: &HeadersLike, name: &str) -> Result<JsValue, JsValue>;

    /// `node:crypto`, where it exists.
    #[derive(Clone)]
    type NodeCrypto;
    #[wasm_bindgen(method, js_name = createHmac)]
    fn create_hmac(this: &NodeCrypto, algorithm: &str, key: &JsValue) -> Hmac;
    type Hmac;
    /// `catch`: what node:crypto refuses is a mismatch, never an exception through the wasm.
    #[wasm_bindgen(method, catch)]
    fn update(this: &Hmac, data: &JsValue) -> Result<Hmac, JsValue>;
    #[wasm_bindgen(method)]
    fn digest(this: &Hmac) -> Uint8Array;
}

fn verification_error(reason: Reason) -> JsValue {
    VerificationError::new(reason.message(), reason.as_str()).into()
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    reflect_get(target, &JsValue::from_str(key)).ok().filter(|v| !v.is_null_or_undefined())
}

static NODE_CRYPTO: Once<NodeCrypto> = Once(core::cell::UnsafeCell::new(None));

/// `process.getBuiltinModule('node:crypto')`, looked up once.
fn node_crypto() -> Option<NodeCrypto> {
    let lookup = || {
        let process = Some(Global::process()).filter(|p| !p.is_null_or_undefined())?;
        process.unchecked_ref::<Process>().get_builtin_module("node:crypto").ok().filter(JsValue::is_object).map(JsCast::unchecked_into)
    };
    NODE_CRYPTO.get(lookup)
}

/// A raw body: a string, or bytes (`Uint8Array`, any other view, an `ArrayBuffer`). Its bytes are
/// copied into wasm memory only when the wasm core hashes them (`TextEncoder.encodeInto` straight
/// into the copy for a string: wasm-bindgen's own string passing walks a long string in a JS loop).
struct Body {
    /// The string, or a `Uint8Array` over the bytes.
    js: JsValue,
    text: bool,
    /// UTF-16 units of a string (no more than its UTF-8 bytes), bytes of a view.
    len: u32,
    bytes: core::cell::OnceCell<Vec<u8>>,
}

impl Body {
    fn read(v: &JsValue) -> Option<Body> {
        if v.is_string() {
            let len = v.unchecked_ref::<Text>().length().unwrap_or(0);
            return Some(Body { js: v.clone(), text: true, len, bytes: core::cell::OnceCell::new() });
        }
        let bytes = if is_view(v) {
            // A view of ours over the caller's view's bytes, read through catching calls: its getters
            // (`length` too) may have been redefined, and a length that lies (`2 ** 32 - 1`) would size
            // the copy into wasm. `new Uint8Array(buffer, byteOffset, byteLength)` refuses a range out of
            // the real buffer. A proxy is no view (`ArrayBuffer.isView`): not a body.
            let view: &ViewLike = v.unchecked_ref();
            let present = |r: Result<JsValue, JsValue>| r.ok().filter(|v| !v.is_null_or_undefined());
            Uint8Array::over_range(&present(view.view_buffer())?, &present(view.byte_offset())?, &present(view.byte_length())?).ok()?
        } else {
            let tag = super::object_tag(v).unwrap_or(JsValue::UNDEFINED);
            if tag != "[object ArrayBuffer]" && tag != "[object SharedArrayBuffer]" {
                return None;
            }
            Uint8Array::over(v).ok()?
        };
        let len = bytes.unchecked_ref::<Text>().length().unwrap_or(0);
        Some(Body { js: bytes.into(), text: false, len, bytes: core::cell::OnceCell::new() })
    }

    fn bytes(&self) -> &[u8] {
        self.bytes.get_or_init(|| {
            if self.text {
                encode_utf8(&self.js, self.len)
            } else {
                copy_out(self.js.unchecked_ref())
            }
        })
    }

    /// The event: a JSON object.
    fn event(&self) -> Result<JsValue, JsValue> {
        let text = if self.text {
            self.js.clone()
        } else {
            let decoded = decoder().ok_or(JsValue::UNDEFINED).and_then(|d| d.decode(self.js.unchecked_ref()));
            decoded.map_err(|_| verification_error(Reason::InvalidJson))?
        };
        match json_parse(&text) {
            Ok(event) if event.is_object() && !array_is_array(&event).unwrap_or(false) => Ok(event),
            _ => Err(verification_error(Reason::InvalidJson)),
        }
    }
}

/// The UTF-8 bytes of a string of `units` UTF-16 units, written by `TextEncoder.encodeInto` into the
/// new vector's own memory (at most 3 bytes a unit).
fn encode_utf8(s: &JsValue, units: u32) -> Vec<u8> {
    let Some(encoder) = encoder() else { return Vec::new() };
    let cap = units.saturating_mul(3);
    let mut out: Vec<u8> = Vec::with_capacity(cap as usize);
    let memory = wasm_bindgen::memory().unchecked_into::<View>().buffer();
    let view = Uint8Array::new_with_byte_offset_and_length(&memory, out.as_mut_ptr() as u32, cap);
    let written = (encoder.encode_into(s, &view).written() as u32).min(cap);
    // SAFETY: encodeInto wrote `written` (<= cap) bytes at the start of `out`'s allocation.
    unsafe { out.set_len(written as usize) };
    out
}

/// A string's UTF-8 bytes (`None` for anything else). Not `JsValue::as_string`: that brings
/// wasm-bindgen's JS-side string passing (a TextEncoder loop, ~0.4 kB of the gzip'd glue) into the
/// small module, which needs only `encodeInto`.
fn utf8(v: &JsValue) -> Option<Vec<u8>> {
    v.is_string().then(|| encode_utf8(v, v.unchecked_ref::<Text>().length().unwrap_or(0)))
}

/// A value made once (wasm32 has no threads here: no `Sync` needed in practice).
struct Once<T>(core::cell::UnsafeCell<Option<Option<T>>>);
// SAFETY: wasm32 without threads: one thread, and the lookups below cannot re-enter.
unsafe impl<T> Sync for Once<T> {}

impl<T: Clone> Once<T> {
    fn get(&self, make: impl FnOnce() -> Option<T>) -> Option<T> {
        // SAFETY: see `Once`.
        let slot = unsafe { &mut *self.0.get() };
        slot.get_or_insert_with(make).clone()
    }
}

static ENCODER: Once<Encoder> = Once(core::cell::UnsafeCell::new(None));
static DECODER: Once<Utf8> = Once(core::cell::UnsafeCell::new(None));

fn encoder() -> Option<Encoder> {
    ENCODER.get(|| Some(Encoder::new_encoder()))
}

/// `new TextDecoder('utf-8', { fatal: true })`, made once.
fn decoder() -> Option<Utf8> {
    DECODER.get(|| {
        let options = json_parse(&JsValue::from_str("{\"fatal\":true}")).ok()?;
        Utf8::new_decoder("utf-8", &options).ok()
    })
}

fn body_of(v: &JsValue) -> Result<Body, JsValue> {
    Body::read(v).ok_or_else(|| {
        JsTypeError::new(
            "rawBody must be the raw request body (string, Uint8Array or ArrayBuffer), not a parsed one: \
             a parsed body cannot be verified. Read the raw bytes (express.raw(), await request.text() or .arrayBuffer()).",
        )
        .into()
    })
}

/// The bytes of a `Uint8Array`, copied into wasm memory through a view on it.
fn copy_out(bytes: &Uint8Array) -> Vec<u8> {
    let len = bytes.unchecked_ref::<Text>().length().unwrap_or(0);
    let mut out = alloc::vec![0u8; len as usize];
    let view = Uint8Array::new_with_byte_offset_and_length(&wasm_bindgen::memory().unchecked_into::<View>().buffer(), out.as_mut_ptr() as u32, len);
    // A proxy's `length` may throw, or change between the two reads: then no bytes (no signature matches).
    if view.set(bytes).is_err() {
        out.clear();
    }
    out
}

/// Verifies Asyntai's webhook deliveries (`new Webhook(secret | [secret, oldSecret])`).
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Shared with the copy `verifyRequest` hands to the body's promise (a clone is a count, not a
    /// copy of the keys: no `Vec` cloning code in the module).
    inner: alloc::rc::Rc<Secrets>,
}

#[derive(Debug)]
struct Secrets {
    verifier: Verifier,
    /// The secrets as given, for `node:crypto`.
    secrets: Vec<JsValue>,
}

impl Webhook {
    /// Ok, or the reason `header` does not sign `body`.
    fn check(&self, body: &Body, header: &JsValue) -> Result<(), Reason> {
        let header = if header.is_null_or_undefined() {
            Vec::new()
        } else {
            utf8(header).ok_or(Reason::MalformedSignature)?
        };
        if body.len >= NODE_CRYPTO_MIN {
            if let Some(crypto) = node_crypto() {
                self.inner.verifier.check_secrets()?;
                let tag = parse_header_bytes(&header)?;
                let mut ok = false;
                let data = &body.js;
                for secret in &self.inner.secrets {
                    if let Ok(hmac) = crypto.create_hmac("sha256", secret).update(data) {
                        ok |= same(&copy_out(&hmac.digest()), &tag);
                    }
                }
                return if ok { Ok(()) } else { Err(Reason::SignatureMismatch) };
            }
        }
        self.inner.verifier.verify_bytes(body.bytes(), &header)
    }

    fn from_secrets(secret: &JsValue) -> Result<Webhook, JsValue> {
        // A list is read one secret at a time, each checked as it comes: a bad entry ends the reading
        // (`Object.assign([], { length: 2 ** 32 - 1 })` is refused at its first, not read to the end).
        let listed = array_is_array(secret).unwrap_or(false);
        let count = if listed { secret.unchecked_ref::<Text>().length().unwrap_or(0) } else { 1 };
        if count == 0 {
            return Err(verification_error(Reason::MissingSecret));
        }
        let mut verifier = Verifier::new();
        let mut list = Vec::new();
        for i in 0..count {
            let s = if listed { reflect_get(secret, &JsValue::from(i)).unwrap_or(JsValue::UNDEFINED) } else { secret.clone() };
            let text = utf8(&s);
            if s.is_null_or_undefined() || text.as_ref().is_some_and(Vec::is_empty) {
                return Err(verification_error(Reason::MissingSecret));
            }
            let Some(text) = text else {
                return Err(JsTypeError::new("A webhook secret must be a string (the whsec_ secret).").into());
            };
            verifier.add(&text);
            list.push(s);
        }
        Ok(Webhook { inner: alloc::rc::Rc::new(Secrets { verifier, secrets: list }) })
    }
}

#[wasm_bindgen]
impl Webhook {
    /// `new Webhook(secret | [secret, oldSecret])`: several secrets for rotation without downtime.
    #[wasm_bindgen(constructor)]
    pub fn new(secret: JsValue) -> Result<Webhook, JsValue> {
        Webhook::from_secrets(&secret)
    }

    /// The parsed event when `signatureHeader` signs `rawBody`; throws `WebhookVerificationError`.
    pub fn verify(&self, raw_body: JsValue, signature_header: JsValue) -> Result<JsValue, JsValue> {
        let body = body_of(&raw_body)?;
        self.check(&body, &signature_header).map_err(verification_error)?;
        body.event()
    }

    /// Whether `signatureHeader` signs `rawBody`; never throws.
    #[wasm_bindgen(js_name = isValid)]
    pub fn is_valid(&self, raw_body: JsValue, signature_header: JsValue) -> bool {
        Body::read(&raw_body).is_some_and(|body| self.check(&body, &signature_header).is_ok())
    }

    /// Reads a Fetch API Request's raw body and `X-Webhook-Signature`, then verifies them.
    #[wasm_bindgen(js_name = verifyRequest)]
    pub fn verify_request(&self, request: JsValue) -> Promise {
        let r: &RequestLike = request.unchecked_ref();
        let headers = r.headers().ok().filter(|h| h.is_object());
        let reads = get(&request, "arrayBuffer").is_some_and(|f| f.is_function());
        let Some(headers) = headers.filter(|_| reads && request.is_object()) else {
            return Promise::reject(&JsTypeError::new("verifyRequest expects a Fetch API Request.").into());
        };
        if r.body_used().is_ok_and(|u| u == JsValue::TRUE) {
            return Promise::reject(
                &JsTypeError::new("The request body was already read: pass the raw body you read to verify() instead.").into(),
            );
        }
        let header = headers.unchecked_ref::<HeadersLike>().get("x-webhook-signature").unwrap_or(JsValue::NULL);
        let reading = match r.array_buffer().and_then(|p| Promise::resolve(&p)) {
            Ok(p) => p,
            Err(e) => return Promise::reject(&e),
        };
        // No closure: the promise calls this class's own `verifyWith(header, buffer)` on a copy of
        // this verifier (a new Webhook object), bound to it and to the header.
        let this: JsValue = self.clone().into();
        let verify = match get(&this, "verifyWith") {
            Some(f) if f.is_function() => f.unchecked_into::<Callable>().bind_with(&this, &header),
            _ => return Promise::reject(&JsTypeError::new("verifyRequest: no verifier").into()),
        };
        then_call(&reading, &verify).unwrap_or_else(|e| Promise::reject(&e))
    }

    /// `verify`, the header first and the body as an `ArrayBuffer`: what `verifyRequest` chains onto
    /// the request's body. Internal.
    #[wasm_bindgen(js_name = verifyWith)]
    pub fn verify_with(&self, signature_header: JsValue, buffer: JsValue) -> Result<JsValue, JsValue> {
        self.verify(Uint8Array::over(&buffer)?.into(), signature_header)
    }

    /// The `X-Webhook-Signature` value of `rawBody` signed with `secret` (for tests).
    #[wasm_bindgen(unchecked_return_type = "string")]
    pub fn sign(secret: JsValue, raw_body: JsValue) -> Result<JsValue, JsValue> {
        let body = body_of(&raw_body)?;
        let hook = Webhook::from_secrets(&secret)?;
        let hex = hook.inner.verifier.sign(body.bytes()).map_err(verification_error)?;
        // The 64 ASCII digits decoded by the TextDecoder the module already holds, straight from a
        // view on wasm memory (no Rust `String` made and handed over).
        let memory = wasm_bindgen::memory().unchecked_into::<View>().buffer();
        let view = Uint8Array::new_with_byte_offset_and_length(&memory, hex.as_ptr() as u32, hex.len() as u32);
        decoder().ok_or(JsValue::UNDEFINED).and_then(|d| d.decode(&view))
    }
}
