//! The fetch transport (wasm32): the `fetch` a client was given, or the global one, called with a
//! plain init object; a per-attempt timeout (an `AbortController`, handed to one timer callback made
//! once: no Rust closure and no bound function per call); the caller's `AbortSignal` (one listener per
//! signal, however many calls share it); the body read within the timeout.
//!
//! What a custom `fetch` hands back is touched only through catching calls: a `fetch` that throws, a
//! "Response" without `text()`, a getter that throws all become a connection error, never an
//! exception through wasm.

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal, Blob, BlobPropertyBag, FormData};

use super::promise::{bind, bind_to, Await};
use super::{Decode, Failure, HttpBody, HttpRequest, Response, Transport};
use crate::api::{BodyView, SpreadsheetFile};
use crate::error::Error;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    /// `setTimeout(handler, ms, arg)`: `handler(arg)` when it fires.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_with(handler: &Function, ms: f64, arg: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    /// Node's (and Bun's) timer object.
    type NodeTimer;
    // What they return (the timer) is left in JavaScript: nothing to hand over and drop.
    #[wasm_bindgen(method, catch, js_name = ref)]
    fn keep(this: &NodeTimer) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = unref)]
    fn release(this: &NodeTimer) -> Result<(), JsValue>;
    /// A caller's `Blob`, whose getters may have been replaced (or be a proxy's).
    type BlobLike;
    #[wasm_bindgen(method, getter, catch, js_name = type)]
    fn blob_type(this: &BlobLike) -> Result<JsValue, JsValue>;
    /// `JSON.parse` of a JavaScript string, never copied into wasm.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub(crate) fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;
    /// `globalThis.fetch`, read when a client is made without a `fetch` option (a getter, not a
    /// lazily made static: no thread-local cell, and `undefined` rather than a ReferenceError where
    /// there is none).
    type Global;
    #[wasm_bindgen(static_method_of = Global, js_class = globalThis, getter = fetch)]
    fn global_fetch() -> JsValue;
    #[wasm_bindgen(static_method_of = Global, js_class = globalThis, getter = navigator)]
    fn global_navigator() -> JsValue;
    #[wasm_bindgen(static_method_of = Global, js_class = globalThis, getter = process)]
    fn global_process() -> JsValue;

    /// An init object for `fetch`: plain, its fields set only when there is something to set
    /// (workerd refuses fields it does not implement, e.g. `mode`).
    type FetchInit;
    #[wasm_bindgen(method, setter = method)]
    fn set_method(this: &FetchInit, v: &JsValue);
    #[wasm_bindgen(method, setter = headers)]
    fn set_headers(this: &FetchInit, v: &JsValue);
    #[wasm_bindgen(method, setter = body)]
    fn set_body(this: &FetchInit, v: &JsValue);
    #[wasm_bindgen(method, setter = signal)]
    fn set_signal(this: &FetchInit, v: &web_sys::AbortSignal);

    /// Whatever a `fetch` resolved to.
    #[derive(Debug, Clone)]
    type AnyResponse;
    #[wasm_bindgen(method, getter, catch)]
    fn status(this: &AnyResponse) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn text(this: &AnyResponse) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn headers(this: &AnyResponse) -> Result<AnyHeaders, JsValue>;

    /// A `Headers` (or what a custom fetch put there).
    type AnyHeaders;
    #[wasm_bindgen(method, catch)]
    fn get(this: &AnyHeaders, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = forEach)]
    fn for_each(this: &AnyHeaders, f: &mut dyn FnMut(JsValue, JsValue)) -> Result<(), JsValue>;

    /// A parsed body.
    type Parsed;
    #[wasm_bindgen(method, getter)]
    fn success(this: &Parsed) -> JsValue;

    /// An `AbortSignal`, or an object that behaves like one.
    pub(crate) type SignalLike;
    #[wasm_bindgen(method, getter, catch)]
    fn aborted(this: &SignalLike) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = addEventListener)]
    fn add_event_listener(this: &SignalLike, kind: &str, f: &Function, options: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = removeEventListener)]
    fn remove_event_listener(this: &SignalLike, kind: &str, f: &Function) -> Result<(), JsValue>;

    /// `WeakMap` and `Set`, as the signal watch uses them.
    type Watch;
    #[wasm_bindgen(constructor, js_class = WeakMap)]
    fn new_weak_map() -> Watch;
    #[wasm_bindgen(method, js_class = WeakMap, js_name = get)]
    fn get_entry(this: &Watch, key: &JsValue) -> JsValue;
    #[wasm_bindgen(method, js_class = WeakMap, js_name = set)]
    fn set_entry(this: &Watch, key: &JsValue, value: &JsValue);
    #[wasm_bindgen(method, js_class = WeakMap, js_name = delete)]
    fn delete_entry(this: &Watch, key: &JsValue);
    type FnSet;
    #[wasm_bindgen(constructor, js_class = Set)]
    fn new_set() -> FnSet;
    #[wasm_bindgen(method, js_class = Set)]
    fn add(this: &FnSet, f: &Function);
    #[wasm_bindgen(method, js_class = Set, js_name = delete)]
    fn remove(this: &FnSet, f: &Function);
    #[wasm_bindgen(method, getter, js_class = Set)]
    fn size(this: &FnSet) -> u32;
    #[wasm_bindgen(method, js_class = Set, js_name = forEach)]
    fn each(this: &FnSet, f: &mut dyn FnMut(Function));
}

/// Interned strings and functions, made once per thread.
struct Statics {
    /// "GET", "POST", "DELETE".
    methods: [JsValue; 3],
    /// `AbortController.prototype.abort`.
    abort: Function,
    /// `Function.prototype.call.bind(abort)`: `abort_call(controller)` aborts `controller`, so one
    /// function is every attempt's timer callback (the controller is the timer's argument).
    abort_call: Function,
    watch: Watch,
    listener: Function,
    once: JsValue,
    /// How this runtime keeps the timeouts of a transport that shares them.
    timers: Timers,
}

thread_local! {
    /// Made once per thread and kept for its life (leaked: a handful of values), so that a plain
    /// reference reaches every caller: one accessor, not a `LocalKey::with` copied into each of them.
    static STATICS: OnceCell<&'static Statics> = const { OnceCell::new() };
}

fn with_statics<R>(f: impl FnOnce(&Statics) -> R) -> Option<R> {
    statics().map(f)
}

/// This thread's statics, made at the first call.
#[inline(never)]
fn statics() -> Option<&'static Statics> {
    STATICS.with(|cell| {
        if cell.get().is_none() {
            if let Some(made) = init_statics() {
                let _ = cell.set(Box::leak(Box::new(made)));
            }
        }
        cell.get().copied()
    })
}

#[inline(never)]
fn init_statics() -> Option<Statics> {
    let controller: JsValue = AbortController::new().ok()?.into();
    let abort = js_sys::Reflect::get(&controller, &"abort".into()).ok()?.dyn_into::<Function>().ok()?;
    let call = js_sys::Reflect::get(&abort, &"call".into()).ok()?.dyn_into::<Function>().ok()?;
    let abort_call = bind_to(&call, &abort);
    let listener = Closure::<dyn Fn(JsValue)>::new(on_caller_abort).into_js_value().unchecked_into();
    let once = Object::new();
    js_sys::Reflect::set(&once, &"once".into(), &JsValue::TRUE).ok()?;
    let methods = [JsValue::from_str("GET"), JsValue::from_str("POST"), JsValue::from_str("DELETE")];
    let timers = runtime_timers();
    Some(Statics { methods, abort, abort_call, watch: Watch::new_weak_map(), listener, once: once.into(), timers })
}

/// The one listener of every caller's signal: fires the aborts of every call waiting on it.
fn on_caller_abort(signal: JsValue) {
    let Some(entry) = with_statics(|s| {
        let entry = s.watch.get_entry(&signal);
        s.watch.delete_entry(&signal);
        entry
    }) else {
        return;
    };
    if entry.is_undefined() {
        return;
    }
    let set: FnSet = entry.unchecked_ref::<Array>().get(0).unchecked_into();
    // Fired after the loop: an abort may unwatch (and so change the set) as it runs.
    let mut fns = Vec::new();
    set.each(&mut |f: Function| fns.push(f));
    for f in fns {
        let _ = f.call0(&JsValue::UNDEFINED);
    }
}

/// Calls `f` when `signal` aborts, with one listener per signal (an entry `[set of fns, listener
/// bound to the signal]` in a WeakMap).
fn watch(signal: &JsValue, f: &Function) {
    with_statics(|s| {
        let entry = s.watch.get_entry(signal);
        let set = if entry.is_undefined() {
            let set = FnSet::new_set();
            let bound = bind(&s.listener, signal);
            let pair = Array::of2(&set, &bound);
            let like: &SignalLike = signal.unchecked_ref();
            if like.add_event_listener("abort", &bound, &s.once).is_err() {
                return;
            }
            s.watch.set_entry(signal, &pair);
            set
        } else {
            entry.unchecked_ref::<Array>().get(0).unchecked_into()
        };
        set.add(f);
    });
}

fn unwatch(signal: &JsValue, f: &Function) {
    with_statics(|s| {
        let entry = s.watch.get_entry(signal);
        if entry.is_undefined() {
            return;
        }
        let pair: &Array = entry.unchecked_ref();
        let set: FnSet = pair.get(0).unchecked_into();
        set.remove(f);
        if set.size() == 0 {
            s.watch.delete_entry(signal);
            let like: &SignalLike = signal.unchecked_ref();
            let _ = like.remove_event_listener("abort", &pair.get(1).unchecked_into());
        }
    });
}

/// Whether a caller's signal has aborted.
pub(crate) fn signal_aborted(signal: Option<&JsValue>) -> bool {
    signal.is_some_and(|s| s.unchecked_ref::<SignalLike>().aborted().is_ok_and(|a| a.is_truthy()))
}

/// How the timeouts of a transport made [`FetchTransport::sharing_timers`] are kept, by runtime (read
/// once per thread), for attempts without a caller's signal (an attempt with one has its own).
///
/// An `AbortController` is the dearest part of a call (measured with a canned `fetch`: 3-10 µs of a
/// 30-50 µs call in Node, 9 µs in workerd), so attempts that start close together share one
/// ([`Bucket`]):
/// - In Node, Bun and Deno (where `process.versions.node` is) they share its timer too.
/// - Elsewhere each attempt keeps a timer of its own, which fires when the bucket's would. In workerd
///   (Cloudflare Workers) a timer made while one request runs belongs to that request and is cancelled
///   when it ends, so one request's calls cannot lean on another's timer; a controller made in one
///   request can be aborted from another, and aborts the fetches of both (checked in workerd
///   2026-11-17). `AbortSignal.timeout` (5 µs there, against 15 for a controller and a timer) cannot be
///   used: its timers cannot be cleared, and workerd refuses a request its 10,001st live one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timers {
    PerAttempt,
    /// A bucket's controller and its timer.
    Shared,
    /// A bucket's controller, and a timer per attempt.
    SharedController,
}

fn runtime_timers() -> Timers {
    // A getter that throws (or a proxy) reads as absent.
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    // workerd with `nodejs_compat` has a `process.versions.node` too.
    let workerd = get(&Global::global_navigator(), "userAgent").as_string().as_deref() == Some("Cloudflare-Workers");
    if !workerd && get(&get(&Global::global_process(), "versions"), "node").is_string() {
        Timers::Shared
    } else {
        Timers::SharedController
    }
}

/// How many attempts one [`Bucket`] serves at most: fetch implementations may leave a listener on the
/// signal until the request is collected (undici raises a signal's listener limit to 1,500).
const BUCKET_ATTEMPTS: u32 = 1000;

/// setTimeout takes at most 2^31-1 ms; a longer delay would fire at once.
const MAX_DELAY_MS: f64 = 2_147_483_647.0;

/// The attempts (of one transport, with one timeout) that started within a short window of one
/// another, sharing one `AbortController`. The window is 1% of the timeout (at most a second), and the
/// controller is aborted at the window's end plus the timeout (`fires`): after every attempt in the
/// bucket has run past its own deadline, and at most that 1% late. An attempt that finished in time is
/// past aborting; one still running is a timeout. A bucket that fired is never joined again (its window
/// closed before).
///
/// With [`Timers::Shared`] the bucket has one timer, which holds a process open only while an attempt
/// in it runs: a Node (or Bun) timer is armed once and `unref`'d while none does (0.03 µs where setting
/// and clearing one is 0.9); elsewhere it is set and cleared as attempts start and end. With
/// [`Timers::SharedController`] each attempt has a timer of its own, set for `fires`.
struct Bucket {
    controller: AbortController,
    signal: AbortSignal,
    timeout_ms: f64,
    /// When it opened (`Date.now()`), and when its timer fires.
    opened: f64,
    fires: f64,
    joined: Cell<u32>,
    running: Cell<u32>,
    /// The timer, while it is armed.
    timer: Cell<Option<JsValue>>,
    /// Whether that is a Node timer (`ref`, `unref`).
    node: Cell<bool>,
    /// Whether each attempt keeps its own timer ([`Timers::SharedController`]): the bucket has none.
    own_timers: bool,
}

impl Bucket {
    fn open(timeout_ms: f64, now: f64, own_timers: bool) -> Result<Self, JsValue> {
        let controller = AbortController::new()?;
        let signal = controller.signal();
        let fires = now + window(timeout_ms) + timeout_ms;
        Ok(Bucket {
            controller,
            signal,
            timeout_ms,
            opened: now,
            fires,
            joined: Cell::new(0),
            running: Cell::new(0),
            timer: Cell::new(None),
            node: Cell::new(false),
            own_timers,
        })
    }

    /// A timer that aborts the bucket's controller at `fires`.
    fn arm(&self, now: f64) -> Option<JsValue> {
        abort_after(&self.controller, self.fires - now)
    }

    /// Whether an attempt starting `now` with `timeout_ms` may join.
    fn joinable(&self, timeout_ms: f64, now: f64) -> bool {
        self.timeout_ms == timeout_ms && now >= self.opened && now - self.opened < window(timeout_ms) && self.joined.get() < BUCKET_ATTEMPTS
    }

    fn enter(&self, now: f64) -> Option<()> {
        if self.running.get() == 0 && !self.own_timers {
            match self.timer.take() {
                Some(t) if self.node.get() => {
                    let _ = t.unchecked_ref::<NodeTimer>().keep();
                    self.timer.set(Some(t));
                }
                _ => {
                    let t = self.arm(now)?;
                    self.node.set(t.is_object() && js_sys::Reflect::get(&t, &JsValue::from_str("unref")).is_ok_and(|f| f.is_function()));
                    self.timer.set(Some(t));
                }
            }
        }
        self.joined.set(self.joined.get() + 1);
        self.running.set(self.running.get() + 1);
        Some(())
    }

    fn leave(&self) {
        let running = self.running.get().saturating_sub(1);
        self.running.set(running);
        if running > 0 {
            return;
        }
        match self.timer.take() {
            Some(t) if self.node.get() => {
                let _ = t.unchecked_ref::<NodeTimer>().release();
                self.timer.set(Some(t));
            }
            Some(t) => clear_timeout(&t),
            None => {}
        }
    }
}

impl Drop for Bucket {
    fn drop(&mut self) {
        if let Some(t) = self.timer.take() {
            clear_timeout(&t);
        }
    }
}

/// A timer that aborts `controller` in `ms` (clamped to what `setTimeout` takes).
fn abort_after(controller: &AbortController, ms: f64) -> Option<JsValue> {
    with_statics(|s| set_timeout_with(&s.abort_call, ms.clamp(0.0, MAX_DELAY_MS), controller))
}

/// A [`Bucket`]'s window: 1% of the timeout, at most a second, and no more than keeps its timer's
/// delay within what `setTimeout` takes (a timer clamped shorter would fire early).
fn window(timeout_ms: f64) -> f64 {
    (timeout_ms / 100.0).min(1000.0).min(MAX_DELAY_MS - timeout_ms).max(0.0)
}

/// What aborts one attempt when its time is up.
enum Deadline {
    /// Its own controller and timer; the controller's `abort`, bound to it, when there is a caller's
    /// signal to watch.
    Own { controller: AbortController, abort: Option<Function>, timer: JsValue },
    /// A bucket's controller; its own timer too with [`Timers::SharedController`].
    Shared(Rc<Bucket>, Option<JsValue>),
}

/// One attempt's timeout and its link to the caller's signal; dropped: the timer cleared, the link
/// removed, and, with a timer of its own, the request aborted if it was still running (a Rust caller
/// dropped its future).
struct Attempt<'a> {
    deadline: Deadline,
    signal: Option<&'a JsValue>,
    finished: bool,
}

impl<'a> Attempt<'a> {
    fn arm(transport: &FetchTransport, timeout_ms: f64, signal: Option<&'a JsValue>) -> Result<Self, JsValue> {
        let ms = timeout_ms.min(MAX_DELAY_MS);
        let timers = match signal {
            None if transport.share_timers => with_statics(|s| s.timers).unwrap_or(Timers::PerAttempt),
            _ => Timers::PerAttempt,
        };
        let deadline = match timers {
            Timers::Shared | Timers::SharedController => match transport.join(ms, timers == Timers::SharedController) {
                Some(shared) => shared,
                None => Self::own(ms, None)?,
            },
            Timers::PerAttempt => Self::own(ms, signal)?,
        };
        Ok(Attempt { deadline, signal, finished: false })
    }

    fn own(ms: f64, signal: Option<&JsValue>) -> Result<Deadline, JsValue> {
        let controller = AbortController::new()?;
        let timer = abort_after(&controller, ms).ok_or_else(|| JsValue::from_str("no AbortController"))?;
        let abort = signal.and_then(|signal| {
            let abort = with_statics(|s| bind_to(&s.abort, &controller))?;
            watch(signal, &abort);
            Some(abort)
        });
        Ok(Deadline::Own { controller, abort, timer })
    }

    /// Gives the fetch its signal (a bucket's, as it is: not a copy to drop after).
    fn set_signal(&self, init: &FetchInit) {
        match &self.deadline {
            Deadline::Own { controller, .. } => init.set_signal(&controller.signal()),
            Deadline::Shared(bucket, _) => init.set_signal(&bucket.signal),
        }
    }

    /// Why the attempt failed: the caller aborted, the timer did, or something else (`cause`).
    fn failure(&self, cause: JsValue) -> Failure<JsValue> {
        let timed_out = match &self.deadline {
            Deadline::Own { controller, .. } => controller.signal().aborted(),
            Deadline::Shared(bucket, _) => bucket.signal.aborted(),
        };
        if signal_aborted(self.signal) {
            Failure::Aborted
        } else if timed_out {
            Failure::Timeout
        } else {
            Failure::Network(cause)
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        match &self.deadline {
            Deadline::Own { controller, abort, timer } => {
                clear_timeout(timer);
                if let (Some(s), Some(abort)) = (self.signal, abort) {
                    unwatch(s, abort);
                }
                if !self.finished {
                    controller.abort();
                }
            }
            Deadline::Shared(bucket, timer) => {
                if let Some(t) = timer {
                    clear_timeout(t);
                }
                bucket.leave();
            }
        }
    }
}

/// A spreadsheet as the fetch transport holds it: a `Blob`, its size, and whether it is an .xlsx.
#[derive(Debug, Clone)]
pub struct JsFile {
    /// The bytes.
    pub blob: Blob,
    /// `blob.size`.
    pub size: f64,
    /// Typed as an .xlsx, or starting like a zip archive.
    pub xlsx: bool,
    /// The name a `File` carries.
    pub name: Option<String>,
}

impl JsFile {
    /// From bytes (a Rust caller's file).
    ///
    /// # Errors
    /// When no `Blob` can be made here.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, JsValue> {
        let view = js_sys::Uint8Array::from(bytes);
        let blob = Blob::new_with_u8_array_sequence(&Array::of1(&view))?;
        Ok(JsFile { blob, size: bytes.len() as f64, xlsx: bytes.starts_with(b"PK\x03\x04"), name: None })
    }
}

impl SpreadsheetFile for JsFile {
    fn byte_len(&self) -> u64 {
        self.size as u64
    }
    fn looks_like_xlsx(&self) -> bool {
        self.xlsx
    }
}

/// The `fetch` transport.
pub struct FetchTransport {
    fetch: Function,
    headers: [OnceCell<Object>; 3],
    /// The last URLs asked, as JavaScript strings: a call to the same URL as a recent one passes the
    /// same string, not a new one decoded from wasm memory.
    urls: RefCell<Urls>,
    /// Whether attempts without a caller's signal share timers ([`FetchTransport::sharing_timers`]).
    share_timers: bool,
    /// The [`Bucket`] attempts join now, when they share.
    bucket: Cell<Option<Rc<Bucket>>>,
}

impl core::fmt::Debug for FetchTransport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("FetchTransport")
    }
}

impl Clone for FetchTransport {
    fn clone(&self) -> Self {
        FetchTransport { fetch: self.fetch.clone(), headers: self.headers.clone(), urls: self.urls.clone(), share_timers: self.share_timers, bucket: Cell::default() }
    }
}

/// How many URLs [`FetchTransport`] keeps.
const URLS_KEPT: usize = 8;

/// The URLs kept, and the number of the next one made (its slot: that number modulo [`URLS_KEPT`]).
type Urls = (usize, [Option<(Box<str>, JsValue)>; URLS_KEPT]);

impl FetchTransport {
    /// Over the global `fetch`.
    ///
    /// # Errors
    /// [`Error::Config`] when there is none.
    pub fn global() -> Result<Self, Error> {
        Global::global_fetch()
            .dyn_into::<Function>()
            .map(Self::with_fetch)
            .map_err(|_| Error::config("No `fetch` here: pass one with the `fetch` option."))
    }

    /// Over this `fetch` (called without a `this` binding).
    pub fn with_fetch(fetch: Function) -> Self {
        FetchTransport { fetch, headers: Default::default(), urls: RefCell::default(), share_timers: false, bucket: Cell::default() }
    }

    /// Attempts made without an `AbortSignal` of the caller's share one `AbortController` with the
    /// attempts that start within 1% of the timeout of them (in Node, Bun and Deno one timer too), so a
    /// timeout may fire up to 1% (at most a second) late, and a dropped future no longer aborts its
    /// request: the JavaScript client, whose calls always run to the end, uses this.
    #[must_use]
    pub fn sharing_timers(mut self) -> Self {
        self.share_timers = true;
        self
    }

    /// The deadline of an attempt starting now with `timeout_ms`: the bucket it joins (the current
    /// one, or a new one), and its own timer when `own_timer`.
    fn join(&self, timeout_ms: f64, own_timer: bool) -> Option<Deadline> {
        let now = js_sys::Date::now();
        // (`own_timer` is the runtime's, read once: every bucket of a transport has the same.)
        let bucket = match self.bucket.take().filter(|b| b.joinable(timeout_ms, now)) {
            Some(b) => b,
            None => Rc::new(Bucket::open(timeout_ms, now, own_timer).ok()?),
        };
        self.bucket.set(Some(bucket.clone()));
        let timer = if own_timer { Some(bucket.arm(now)?) } else { None };
        bucket.enter(now)?;
        Some(Deadline::Shared(bucket, timer))
    }

    /// `fetch(url, init)`, the URL as a JavaScript string: the one made for it before (not a copy),
    /// when it is one of the last URLs asked.
    fn fetch_url(&self, url: &str, init: &FetchInit) -> Result<JsValue, JsValue> {
        let call = |u: &JsValue| self.fetch.call2(&JsValue::UNDEFINED, u, init);
        // (A fetch that calls the client again finds the list borrowed, and makes its URL anew.)
        let Ok(mut kept) = self.urls.try_borrow_mut() else { return call(&JsValue::from_str(url)) };
        let (next, slots) = &mut *kept;
        let at = match slots.iter().position(|s| s.as_ref().is_some_and(|(u, _)| **u == *url)) {
            Some(at) => at,
            None => {
                // The oldest made goes.
                let at = *next % URLS_KEPT;
                *next = next.wrapping_add(1);
                if let Some(slot) = slots.get_mut(at) {
                    *slot = Some((url.into(), JsValue::from_str(url)));
                }
                at
            }
        };
        match slots.get(at) {
            Some(Some((_, value))) => call(value),
            _ => call(&JsValue::from_str(url)),
        }
    }

    /// Gives the fetch its headers.
    fn set_headers(&self, init: &FetchInit, req: &HttpRequest<'_, JsFile>) {
        let build = || {
            let o = Object::new();
            for (k, v) in req.headers {
                let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
            }
            o
        };
        match req.standard_headers.and_then(|i| self.headers.get(i)) {
            // The set built once, frozen: a fetch cannot change it for the calls after.
            Some(cell) => init.set_headers(cell.get_or_init(|| Object::freeze(&build()))),
            None => init.set_headers(&build()),
        }
    }
}

fn multipart(fields: &[(&'static str, String)], file: &JsFile, filename: &str, content_type: &str) -> Result<JsValue, JsValue> {
    let form = FormData::new()?;
    for (k, v) in fields {
        form.append_with_str(k, v)?;
    }
    // A caller's Blob: its `type` getter may have been replaced (or be a proxy's), so it is read
    // through a catching call; where it throws, the file is typed here.
    let typed = file.blob.unchecked_ref::<BlobLike>().blob_type().ok().and_then(|t| t.as_string()).is_some_and(|t| !t.is_empty());
    let blob = if !typed {
        let bag = BlobPropertyBag::new();
        bag.set_type(content_type);
        Blob::new_with_blob_sequence_and_options(&Array::of1(&file.blob), &bag)?
    } else {
        file.blob.clone()
    };
    form.append_with_blob_and_filename("file", &blob, filename)?;
    Ok(form.into())
}

/// An answer of `fetch`, its body read.
#[derive(Debug, Clone)]
pub struct FetchAnswer {
    status: u16,
    response: AnyResponse,
    /// The body, a JavaScript string.
    pub text: JsValue,
}

impl FetchAnswer {
    /// The `Response` (or what the fetch resolved to).
    pub fn raw(&self) -> &JsValue {
        &self.response
    }
}

impl Response for FetchAnswer {
    fn status(&self) -> u16 {
        self.status
    }
    fn header(&self, name: &str) -> Option<String> {
        self.response.headers().ok()?.get(name).ok()?.as_string()
    }
    fn headers(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Ok(h) = self.response.headers() {
            let _ = h.for_each(&mut |value: JsValue, name: JsValue| {
                if let (Some(n), Some(v)) = (name.as_string(), value.as_string()) {
                    out.push((n.to_ascii_lowercase(), v));
                }
            });
        }
        out
    }
    fn text(&self) -> String {
        self.text.as_string().unwrap_or_default()
    }
    fn text_prefix(&self, max: usize) -> (String, bool) {
        // A UTF-16 unit is at least one UTF-8 byte: a string of at most `max` units is copied in
        // whole and cut after, a longer one is sliced first (the rest never enters wasm memory, which
        // does not shrink).
        let Some(s) = self.text.dyn_ref::<js_sys::JsString>() else { return (String::new(), false) };
        let units = s.length() as usize;
        let head: JsValue = if units > max { s.substring(0, max as u32).into() } else { self.text.clone() };
        let (text, cut) = super::cut(head.as_string().unwrap_or_default(), max);
        (text, cut || units > max)
    }
}

impl Transport for FetchTransport {
    type Response = FetchAnswer;
    type File = JsFile;
    type Signal = JsValue;
    type Cause = JsValue;

    async fn send(&self, req: HttpRequest<'_, JsFile>, signal: Option<&JsValue>) -> Result<FetchAnswer, Failure<JsValue>> {
        let mut attempt = Attempt::arm(self, req.timeout_ms, signal).map_err(Failure::Network)?;
        let init: FetchInit = Object::new().unchecked_into();
        let method = req.method as usize;
        with_statics(|s| init.set_method(&s.methods[method]));
        self.set_headers(&init, &req);
        match req.body {
            HttpBody::Empty => {}
            HttpBody::Json(text) => init.set_body(&JsValue::from_str(text)),
            HttpBody::Multipart { fields, file, filename, content_type } => {
                init.set_body(&multipart(fields, file, filename, content_type).map_err(Failure::Network)?);
            }
        }
        attempt.set_signal(&init);
        let sent = self.fetch_url(req.url, &init).map_err(|e| attempt.failure(e))?;
        let response: AnyResponse =
            Await::value(&sent).await.map_err(|e| attempt.failure(e))?.unchecked_into();
        let reading = response.text().map_err(|e| attempt.failure(e))?;
        let text = Await::value(&reading).await.map_err(|e| attempt.failure(e))?;
        attempt.finished = true;
        let status = response.status().ok().and_then(|s| s.as_f64()).filter(|s| (100.0..=599.0).contains(s) && s.fract() == 0.0);
        match status {
            Some(status) => Ok(FetchAnswer { status: status as u16, response, text }),
            _ => Err(Failure::Network(
                js_sys::TypeError::new("fetch resolved to something that is not a Response (no valid status or text)").into(),
            )),
        }
    }

    async fn sleep(&self, ms: f64, signal: Option<&JsValue>) {
        let mut timer = JsValue::UNDEFINED;
        let mut resolve = None;
        let promise = Promise::new(&mut |res: Function, _rej: Function| {
            timer = set_timeout(&res, ms.min(2_147_483_647.0));
            resolve = Some(res);
        });
        if let (Some(s), Some(r)) = (signal, &resolve) {
            watch(s, r);
        }
        let _ = Await::new(promise).await;
        clear_timeout(&timer);
        if let (Some(s), Some(r)) = (signal, &resolve) {
            unwatch(s, r);
        }
    }

    fn is_aborted(&self, signal: Option<&JsValue>) -> bool {
        signal_aborted(signal)
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    fn describe(cause: &JsValue) -> String {
        js_sys::Reflect::get(cause, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| cause.as_string())
            .unwrap_or_default()
    }

    fn default_transport() -> Result<Self, Error> {
        Self::global()
    }
}

/// JavaScript callers' decoder: the engine's own `JSON.parse` of the body, which never enters wasm;
/// the value is handed back as it made it (fast, key order kept).
#[derive(Debug)]
pub struct JsJson;

impl Decode<FetchAnswer> for JsJson {
    type Output = JsValue;

    fn decode(resp: &FetchAnswer) -> Result<Option<JsValue>, String> {
        let Ok(value) = json_parse(&resp.text) else { return Ok(None) };
        if !value.is_object() || Array::is_array(&value) || value.unchecked_ref::<Parsed>().success().as_bool() == Some(false) {
            return Ok(None);
        }
        Ok(Some(value))
    }

    fn view(text: &str) -> BodyView {
        let Ok(value) = json_parse(&JsValue::from_str(text)) else { return BodyView::NotJson };
        if !value.is_object() || Array::is_array(&value) {
            return BodyView::NotObject;
        }
        BodyView::Object {
            success_false: value.unchecked_ref::<Parsed>().success().as_bool() == Some(false),
            error: js_sys::Reflect::get(&value, &"error".into()).ok().and_then(|e| e.as_string()),
        }
    }
}
