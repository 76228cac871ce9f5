//! `MockAsyntai`, for JavaScript: the sandbox ([`crate::mock::Mock`]) behind a `fetch`-compatible
//! function, delivering the signed webhooks it asks for through the `fetch` it was given.
//!
//! A call from the client (a URL, a plain init, a string or bytes body) is read directly; anything
//! else (a `Request`, `FormData`, a `Blob` or a stream body) goes through `new Request(input, init)`,
//! which serializes it exactly as `fetch` would. What `fetch` refuses (a bad URL, a GET with a body, a
//! header with a line break) is refused the same way: a rejected promise with the engine's TypeError.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::errors::{js_string, validation};
use super::name;
use super::options::{bytes_of, is_array};
use crate::mock::{parse_knowledge, parse_limits, parse_webhooks, parse_websites, Delivery, Mock, MockOptions, Plan, Website};
use crate::transport::promise::{call_method, drive, then2, Await};

/// Where a relative URL given to `mock.fetch` is resolved (`mock.fetch('/api/v1/account/')`).
const SANDBOX_ORIGIN: &str = "http://sandbox.invalid";
const PLANS: &str = "\"starter\", \"standard\", \"pro\", \"free\"";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Array, js_name = from, catch)]
    fn array_from(v: &JsValue) -> Result<JsValue, JsValue>;
}

fn get(target: &JsValue, key: &'static str) -> JsValue {
    Reflect::get(target, &name(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &JsValue, key: &'static str, value: &JsValue) {
    let _ = Reflect::set(target, &name(key), value);
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// `new <global name>(...args)`, whatever it throws caught.
fn construct(class_name: &'static str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let class = Reflect::get(&super::global(), &name(class_name))?;
    if !class.is_function() {
        return Err(js_sys::TypeError::new(&format!("{class_name} is not available here")).into());
    }
    let list = Array::new();
    for a in args {
        list.push(a);
    }
    Reflect::construct(class.unchecked_ref::<Function>(), &list)
}

/// An option error: `new MockAsyntai(): <message>`, the field being what precedes the first `: `.
fn option_error(message: &str) -> JsValue {
    let field = message.split_once(": ").map_or("options", |(f, _)| f);
    validation(field, &format!("new MockAsyntai(): {message}"))
}

/// One request as the sandbox reads it.
struct Incoming {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    /// The body, or the `Request` to read it from.
    body: Result<Vec<u8>, JsValue>,
    signal: JsValue,
}

/// `name, value` pairs of a `Headers`, names in lower case.
fn pairs_of(headers: &JsValue) -> Result<Vec<(String, String)>, JsValue> {
    // One crossing for all of them: `JSON.stringify(Array.from(headers))`, read here.
    let text = js_sys::JSON::stringify(&array_from(headers)?)?.as_string().unwrap_or_default();
    let pairs: Vec<(String, String)> = serde_json::from_str(&text).unwrap_or_default();
    Ok(pairs.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect())
}

/// As fetch does: the standard methods are upper-cased, others kept as given.
fn normalize_method(m: &str) -> String {
    let upper = m.to_ascii_uppercase();
    if ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"].contains(&upper.as_str()) {
        upper
    } else {
        m.to_owned()
    }
}

fn target_of(url: &JsValue) -> String {
    format!("{}{}", js_string(&get(url, "pathname")), js_string(&get(url, "search")))
}

/// What the sandbox needs of a fetch call (see the module's docs).
fn incoming(input: &JsValue, init: &JsValue) -> Result<Incoming, JsValue> {
    let is_request = input.is_object()
        && get(input, "url").is_string()
        && get(input, "arrayBuffer").is_function()
        && !get(input, "searchParams").is_object();
    let body = if absent(init) { JsValue::UNDEFINED } else { get(init, "body") };
    let view = bytes_of(&body);
    let plain_body = absent(&body) || body.is_string() || view.is_some();
    let text_input = input.as_string();
    let relative = |s: &str| if s.starts_with('/') { format!("{SANDBOX_ORIGIN}{s}") } else { s.to_owned() };
    if !is_request && plain_body && (absent(init) || get(init, "duplex").is_undefined()) {
        let href = match &text_input {
            Some(s) => relative(s),
            None => js_string(input),
        };
        let url = construct("URL", &[&JsValue::from_str(&href)])?;
        let method = if absent(init) || get(init, "method").is_undefined() { "GET".to_owned() } else { normalize_method(&js_string(&get(init, "method"))) };
        let headers_init = if absent(init) { JsValue::UNDEFINED } else { get(init, "headers") };
        let headers = construct("Headers", &[&headers_init])?;
        let mut pairs = pairs_of(&headers)?;
        let bytes = if absent(&body) {
            Vec::new()
        } else if method == "GET" || method == "HEAD" {
            return Err(js_sys::TypeError::new("Request with GET/HEAD method cannot have body.").into());
        } else if let Some(text) = body.as_string() {
            if !pairs.iter().any(|(k, _)| k == "content-type") {
                pairs.push(("content-type".into(), "text/plain;charset=UTF-8".into()));
            }
            text.into_bytes()
        } else {
            view.map(|v| v.to_vec()).unwrap_or_default()
        };
        let signal = if absent(init) { JsValue::UNDEFINED } else { get(init, "signal") };
        return Ok(Incoming { method, target: target_of(&url), headers: pairs, body: Ok(bytes), signal });
    }
    let input = match &text_input {
        Some(s) => JsValue::from_str(&relative(s)),
        None => input.clone(),
    };
    let request = if is_request && init.is_undefined() { input } else { construct("Request", &[&input, init])? };
    let url = construct("URL", &[&get(&request, "url")])?;
    let method = js_string(&get(&request, "method"));
    let headers = pairs_of(&get(&request, "headers"))?;
    let signal = get(&request, "signal");
    Ok(Incoming { method, target: target_of(&url), headers, body: Err(request), signal })
}

/// A request whose answer is not ready at once.
enum Pending {
    /// Answered, with deliveries to make first.
    Answered(crate::mock::MockResponse),
    /// A `Request` whose body is still to be read.
    Read(String, String, Vec<(String, String)>, JsValue),
}

/// The `Response` of an answer (a JSON body).
fn response(status: u16, text: &str) -> Result<JsValue, JsValue> {
    let init = Object::new();
    set(&init, "status", &JsValue::from(status));
    let headers = Object::new();
    set(&headers, "content-type", &name("application/json"));
    set(&init, "headers", &headers);
    construct("Response", &[&JsValue::from_str(text), &init])
}

/// Why a signal aborted: its `reason`, or an AbortError.
fn abort_reason(signal: &JsValue) -> JsValue {
    let reason = get(signal, "reason");
    if !reason.is_undefined() {
        return reason;
    }
    construct("DOMException", &[&JsValue::from_str("This operation was aborted"), &JsValue::from_str("AbortError")])
        .unwrap_or_else(|e| e)
}

struct State {
    core: RefCell<Mock>,
    /// The `fetch` deliveries go through (called without a `this`).
    deliver: Option<Function>,
    /// Every delivery made, oldest first (`mock.deliveries`).
    deliveries: Array,
}

impl State {
    /// Answers one request (deliveries made first, one by one, in order): `(status, body)`.
    async fn serve(self: Rc<Self>, method: String, target: String, headers: Vec<(String, String)>, body: Vec<u8>) -> (u16, String) {
        let answer = self.core.borrow_mut().handle(&method, &target, &headers, &body, js_sys::Date::now());
        for d in answer.deliveries {
            self.send(d).await;
        }
        (answer.status, answer.body)
    }

    /// Makes one delivery; a failed one is recorded (status 0), never a failure of the API call.
    async fn send(&self, d: Delivery) {
        let mut status = JsValue::NULL;
        if let Some(deliver) = &self.deliver {
            let init = Object::new();
            set(&init, "method", &name("POST"));
            let headers = Object::new();
            set(&headers, "Content-Type", &name("application/json"));
            set(&headers, "X-Webhook-Signature", &JsValue::from_str(&d.signature));
            set(&init, "headers", &headers);
            set(&init, "body", &JsValue::from_str(&d.body));
            status = JsValue::from(0);
            if let Ok(sent) = deliver.call2(&JsValue::UNDEFINED, &JsValue::from_str(&d.url), &init) {
                if let Ok(res) = Await::value(&sent).await {
                    if let Some(s) = get(&res, "status").as_f64() {
                        status = JsValue::from(s);
                    }
                    let body = get(&res, "body");
                    if body.is_object() {
                        if let Ok(p) = call_method(&body, "cancel") {
                            let _ = Await::value(&p).await;
                        }
                    }
                }
            }
        }
        let record = Object::new();
        set(&record, "url", &JsValue::from_str(&d.url));
        set(&record, "event", &JsValue::from_str(&d.event));
        set(&record, "body", &JsValue::from_str(&d.body));
        set(&record, "signature", &JsValue::from_str(&d.signature));
        set(&record, "status", &status);
        self.deliveries.push(&record);
    }

    /// `mock.fetch(input, init)`.
    fn fetch(self: &Rc<Self>, input: JsValue, init: JsValue) -> Promise {
        let request = match incoming(&input, &init) {
            Ok(r) => r,
            Err(e) => return Promise::reject(&e),
        };
        let signal = request.signal.clone();
        let aborted = |s: &JsValue| s.is_object() && get(s, "aborted").is_truthy();
        if aborted(&signal) {
            return Promise::reject(&abort_reason(&signal));
        }
        // The usual call (the client's): a plain body, an answer with no delivery to make first,
        // answered at once.
        let request = match request.body {
            Ok(bytes) => {
                let answer = self.core.borrow_mut().handle(&request.method, &request.target, &request.headers, &bytes, js_sys::Date::now());
                if answer.deliveries.is_empty() {
                    return match response(answer.status, &answer.body) {
                        Ok(r) => Promise::resolve(&r),
                        Err(e) => Promise::reject(&e),
                    };
                }
                Pending::Answered(answer)
            }
            Err(req) => Pending::Read(request.method, request.target, request.headers, req),
        };
        let state = self.clone();
        let work = drive(async move {
            let (status, text) = match request {
                Pending::Answered(answer) => {
                    for d in answer.deliveries {
                        state.send(d).await;
                    }
                    (answer.status, answer.body)
                }
                Pending::Read(method, target, headers, req) => {
                    let body = if method == "GET" || method == "HEAD" {
                        Vec::new()
                    } else {
                        let buffer = Await::value(&call_method(&req, "arrayBuffer")?).await?;
                        bytes_of(&buffer)
                            .ok_or_else(|| JsValue::from(js_sys::TypeError::new("arrayBuffer() did not give an ArrayBuffer")))?
                            .to_vec()
                    };
                    state.serve(method, target, headers, body).await
                }
            };
            response(status, &text)
        });
        if !signal.is_object() {
            return work;
        }
        // Like fetch, reject as soon as the caller aborts (the request may still have had its effect).
        let listen = get(&signal, "addEventListener");
        if !listen.is_function() {
            return work;
        }
        let reject_slot: Rc<RefCell<Option<Function>>> = Rc::default();
        let slot = reject_slot.clone();
        let raced = Promise::new(&mut |resolve: Function, reject: Function| {
            *slot.borrow_mut() = Some(reject.clone());
            let _ = then2(&work, &resolve, &reject);
        });
        let aborted_signal = signal.clone();
        let on_abort = Closure::once_into_js(move || {
            if let Some(reject) = reject_slot.borrow_mut().take() {
                let _ = reject.call1(&JsValue::UNDEFINED, &abort_reason(&aborted_signal));
            }
        });
        let once = Object::new();
        set(&once, "once", &JsValue::TRUE);
        let _ = listen.unchecked_ref::<Function>().call3(&signal, &name("abort"), &on_abort, &once);
        let remove = get(&signal, "removeEventListener");
        if let Some(remove) = remove.dyn_ref::<Function>() {
            let (signal, remove) = (signal.clone(), remove.clone());
            let cleanup: Function = Closure::once_into_js(move || {
                let _ = remove.call2(&signal, &name("abort"), &on_abort);
            })
            .unchecked_into();
            let _ = then2(&raced, &cleanup, &cleanup);
        }
        raced
    }
}

/// The JSON text of an option, or an error naming it.
fn option_json(options: &JsValue, name: &'static str, shape: &str, is_list: bool) -> Result<Option<String>, JsValue> {
    let v = get(options, name);
    if v.is_undefined() {
        return Ok(None);
    }
    let right = if is_list { is_array(&v) } else { v.is_object() && !is_array(&v) };
    if !right {
        return Err(validation(name, &format!("new MockAsyntai(): `{name}` must be {shape}")));
    }
    match js_sys::JSON::stringify(&v).ok().and_then(|t| t.as_string()) {
        Some(text) => Ok(Some(text)),
        None => Err(validation(name, &format!("new MockAsyntai(): `{name}` must be JSON-compatible (no BigInt, no cycles)"))),
    }
}

/// `new MockAsyntai({ apiKey?, plan?, fetch?, websites?, limits?, knowledge?, webhooks? })`: the
/// offline sandbox, an in-memory, stateful stand-in for the whole Asyntai API.
///
/// A function that returns the object it makes (so `new` gives that object): `fetch` and
/// `deliveries` are the object's own properties, as users of the sandbox rely on (`const { fetch } =
/// mock`), which a class's accessors could not be.
#[wasm_bindgen(js_name = MockAsyntai)]
pub fn mock_asyntai(options: JsValue) -> Result<JsValue, JsValue> {
    let options = if options.is_undefined() { Object::new().into() } else { options };
    if !options.is_object() {
        return Err(validation("options", "new MockAsyntai(options): options must be an object"));
    }
    let key = get(&options, "apiKey");
    let api_key = if key.is_undefined() { Some("test_key".to_owned()) } else { key.as_string().filter(|k| !k.is_empty()) };
    let Some(api_key) = api_key else {
        return Err(validation("apiKey", "new MockAsyntai(): `apiKey` must be a non-empty string"));
    };
    let plan_value = get(&options, "plan");
    let plan_name = if plan_value.is_undefined() { Some("starter".to_owned()) } else { plan_value.as_string() };
    let Some(plan) = plan_name.as_deref().and_then(Plan::parse) else {
        let got = match plan_value.as_string() {
            Some(s) => serde_json::to_string(&s.chars().take(40).collect::<String>()).unwrap_or_default(),
            None => js_string(&plan_value.js_typeof()),
        };
        return Err(validation("plan", &format!("new MockAsyntai(): `plan` must be one of {PLANS}, got {got}")));
    };
    let fetch = get(&options, "fetch");
    let deliver = if absent(&fetch) {
        None
    } else {
        Some(fetch.dyn_into::<Function>().map_err(|_| {
            validation("fetch", "new MockAsyntai(): `fetch` must be a function (used to deliver webhooks)")
        })?)
    };
    let websites = option_json(&options, "websites", "an array of {id, name, domain, is_primary}", true)?;
    let limits = option_json(&options, "limits", "an object", false)?;
    let knowledge = option_json(&options, "knowledge", "an array of {title, content} or {url, title?, content?}", true)?;
    let webhooks = option_json(&options, "webhooks", "an array of {url, events, secret?}", true)?;
    let websites = match websites {
        Some(json) => parse_websites(&json).map_err(|e| option_error(&e))?,
        None => vec![Website::default_primary()],
    };
    let limits = match limits {
        Some(json) => Some(parse_limits(&json, plan.limits()).map_err(|e| option_error(&e))?),
        None => None,
    };
    let knowledge = knowledge.map(|json| parse_knowledge(&json)).transpose().map_err(|e| option_error(&e))?.unwrap_or_default();
    let webhooks = webhooks.map(|json| parse_webhooks(&json)).transpose().map_err(|e| option_error(&e))?.unwrap_or_default();
    let mut core = Mock::new(MockOptions { api_key, plan, websites, limits });
    core.seed(knowledge, webhooks, js_sys::Date::now()).map_err(|e| option_error(&e))?;
    let state = Rc::new(State { core: RefCell::new(core), deliver, deliveries: Array::new() });
    let for_fetch = state.clone();
    let fetch = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(move |input, init| for_fetch.fetch(input, init)).into_js_value();
    let for_server = state.clone();
    let serve_raw = Closure::<dyn Fn(String, String, String, Vec<u8>) -> Promise>::new(move |method, target, headers, body| {
        serve_raw(for_server.clone(), method, target, headers, body)
    })
    .into_js_value();
    let mock = Object::new();
    set(&mock, "fetch", &fetch);
    set(&mock, "deliveries", &state.deliveries);
    // `mock.serveRaw(method, target, headers, bytes)`: one request with no Request or Response on
    // the way, for the sandbox server (`npx asyntai-edge sandbox`), headers as `name\nvalue\n...`,
    // to a promise of `{status, body}`. Internal.
    let hidden = Object::new();
    set(&hidden, "value", &serve_raw);
    let _ = Reflect::define_property(&mock, &JsValue::from_str("serveRaw"), &hidden);
    Ok(mock.into())
}

fn serve_raw(state: Rc<State>, method: String, target: String, headers: String, body: Vec<u8>) -> Promise {
    let mut pairs = Vec::new();
    let mut lines = headers.split('\n');
    while let (Some(name), Some(value)) = (lines.next(), lines.next()) {
        pairs.push((name.to_ascii_lowercase(), value.to_owned()));
    }
    drive(async move {
        let (status, text) = state.serve(method, target, pairs, body).await;
        let out = Object::new();
        set(&out, "status", &JsValue::from(status));
        set(&out, "body", &JsValue::from_str(&text));
        Ok(out.into())
    })
}
