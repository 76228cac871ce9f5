//! Awaiting JavaScript promises from Rust futures, two ways.
//!
//! - Under any executor (a Rust caller's: workers-rs, Leptos, wasm-bindgen-futures), [`Await`] is a
//!   [`JsFuture`].
//! - Under [`drive`], which turns a future into the Promise a JavaScript caller gets, no executor runs
//!   at all: each time the future waits on a promise, `drive` chains the next step onto that promise
//!   (`promise.then(onSettled.bind(null, task))`) and returns the chained promise from the callback.
//!   One pair of callbacks serves every call (made once, per thread), each call's task travels as a
//!   bound slot number, and a step runs inside the promise reaction that settled it: no per-call Rust
//!   closure, no `queueMicrotask`, no extra promise. This is what keeps a JavaScript call close to a
//!   hand-written `fetch` (see `make bench`).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
#[cfg(not(feature = "wasm"))]
use wasm_bindgen_futures::JsFuture;

type Task = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

#[derive(Default)]
struct Slot {
    /// `onFulfilled` and `onRejected` bound to this slot's number: made when the slot is first used,
    /// kept when it is reused, so a call binds nothing.
    callbacks: Option<(Function, Function)>,
    task: Option<Task>,
    /// The promise the task waits on, left here by [`Await`] when it suspends.
    pending: Option<Promise>,
    /// How that promise settled, left here by the callback before the task is polled again.
    settled: Option<Result<JsValue, JsValue>>,
}

struct Slots {
    slots: Vec<Slot>,
    free: Vec<usize>,
}

thread_local! {
    // `const`: no lazy initialisation to check at each use.
    static SLOTS: RefCell<Slots> = const { RefCell::new(Slots { slots: Vec::new(), free: Vec::new() }) };
    /// The slot of the task being polled by [`drive`], if any.
    static CURRENT: Cell<Option<usize>> = const { Cell::new(None) };
    /// `(onFulfilled, onRejected)`, each called as `(slot, value)`.
    static CALLBACKS: (Function, Function) = (callback(true), callback(false));
}

fn callback(fulfilled: bool) -> Function {
    // The slot number arrives as an f64 the glue converts (no call back into JavaScript to read it).
    let f = Closure::<dyn Fn(f64, JsValue) -> Result<JsValue, JsValue>>::new(move |slot: f64, value: JsValue| {
        let slot = if slot >= 0.0 { slot as usize } else { usize::MAX };
        let settled = if fulfilled { Ok(value) } else { Err(value) };
        let known = SLOTS.with(|s| match s.borrow_mut().slots.get_mut(slot) {
            Some(entry) if entry.task.is_some() => {
                entry.settled = Some(settled);
                true
            }
            _ => false,
        });
        if !known {
            return Err(JsValue::from_str("asyntai-edge: a promise settled for a task that is gone"));
        }
        match step(slot) {
            Step::Done(result) => result,
            Step::Wait(next) => Ok(next.into()),
        }
    });
    f.into_js_value().unchecked_into()
}

enum Step {
    Done(Result<JsValue, JsValue>),
    Wait(Promise),
}

fn noop_waker() -> Waker {
    const VTABLE: RawWakerVTable = RawWakerVTable::new(|_| RawWaker::new(core::ptr::null(), &VTABLE), |_| {}, |_| {}, |_| {});
    // SAFETY: every function of the vtable ignores its (null) data pointer.
    unsafe { Waker::from_raw(RawWaker::new(core::ptr::null(), &VTABLE)) }
}

/// Polls the task in `slot`; chains its next step onto the promise it now waits on. When chaining
/// throws (`Promise.prototype.then` replaced by something that throws), the task sees its promise
/// rejected with what was thrown, and is polled again: no exception goes through the wasm.
fn step(slot: usize) -> Step {
    loop {
        let task = SLOTS.with(|s| s.borrow_mut().slots.get_mut(slot).and_then(|e| e.task.take()));
        let Some(mut task) = task else {
            return Step::Done(Err(JsValue::from_str("asyntai-edge: no such task")));
        };
        let outer = CURRENT.with(|c| c.replace(Some(slot)));
        let waker = noop_waker();
        let polled = task.as_mut().poll(&mut Context::from_waker(&waker));
        CURRENT.with(|c| c.set(outer));
        if let Poll::Ready(result) = polled {
            release(slot);
            return Step::Done(result);
        }
        // The task goes back; the promise it waits on and the slot's callbacks come out (one borrow).
        // The callbacks are moved out and back, not cloned: no JavaScript value is copied or dropped.
        let (pending, callbacks) = SLOTS.with(|s| {
            let mut s = s.borrow_mut();
            let Some(entry) = s.slots.get_mut(slot) else { return (None, None) };
            entry.task = Some(task);
            (entry.pending.take(), entry.callbacks.take())
        });
        let Some(promise) = pending else {
            release(slot);
            return Step::Done(Err(JsValue::from_str("asyntai-edge: a task waited on something that is not a promise")));
        };
        let (ok, err) = match callbacks {
            Some(pair) => pair,
            None => {
                let index = JsValue::from(slot as u32);
                CALLBACKS.with(|(ok, err)| (bind(ok, &index), bind(err, &index)))
            }
        };
        let chained = then2(&promise, &ok, &err);
        // Back in their slot (a `then` that called back into the client reentrantly found none there
        // and bound its own, which these replace).
        let chained = SLOTS.with(|s| {
            let mut s = s.borrow_mut();
            let Some(e) = s.slots.get_mut(slot) else { return chained.ok() };
            e.callbacks = Some((ok, err));
            match chained {
                Ok(next) => Some(next),
                Err(thrown) => {
                    e.settled = Some(Err(thrown));
                    None
                }
            }
        });
        if let Some(next) = chained {
            return Step::Wait(next);
        }
    }
}

fn release(slot: usize) {
    SLOTS.with(|s| {
        let mut s = s.borrow_mut();
        if let Some(entry) = s.slots.get_mut(slot) {
            *entry = Slot { callbacks: entry.callbacks.take(), ..Slot::default() };
            s.free.push(slot);
        }
    });
}

/// The Promise of `future`'s result, for a JavaScript caller, driven without an executor (see the
/// module's docs). The future must wait only on [`Await`]s.
pub fn drive<F: Future<Output = Result<JsValue, JsValue>> + 'static>(future: F) -> Promise {
    drive_task(Box::pin(future))
}

/// [`drive`] once the future is boxed: one copy of this code, not one per future type.
fn drive_task(task: Task) -> Promise {
    let slot = SLOTS.with(|s| {
        let mut s = s.borrow_mut();
        let task = Some(task);
        match s.free.pop() {
            Some(i) => {
                if let Some(e) = s.slots.get_mut(i) {
                    e.task = task;
                }
                i
            }
            None => {
                s.slots.push(Slot { task, ..Slot::default() });
                s.slots.len() - 1
            }
        }
    });
    match step(slot) {
        Step::Done(Ok(value)) => Promise::resolve(&value),
        Step::Done(Err(error)) => Promise::reject(&error),
        Step::Wait(promise) => promise,
    }
}

/// A JavaScript promise as a Rust future: `Ok(value)` when it fulfils, `Err(reason)` when it rejects.
#[derive(Debug)]
pub struct Await {
    state: State,
}

#[derive(Debug)]
enum State {
    Start(Promise),
    Driven(usize),
    /// `Promise.resolve` threw this.
    Failed(Option<JsValue>),
    #[cfg(not(feature = "wasm"))]
    Executor(JsFuture),
    Done,
}

impl Await {
    /// Awaits `promise`.
    pub fn new(promise: Promise) -> Self {
        Await { state: State::Start(promise) }
    }

    /// Awaits `value` as JavaScript's `await` would (a promise, a thenable or any other value). What
    /// `Promise.resolve` throws on it (a promise whose `constructor` getter throws) is the rejection.
    pub fn value(value: &JsValue) -> Self {
        match resolve(value) {
            Ok(promise) => Await::new(promise),
            Err(thrown) => Await { state: State::Failed(Some(thrown)) },
        }
    }
}

impl Future for Await {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        #[cfg(feature = "wasm")]
        let _ = cx;
        loop {
            match &mut self.state {
                State::Start(_) => {
                    let State::Start(promise) = core::mem::replace(&mut self.state, State::Done) else { continue };
                    match CURRENT.with(Cell::get) {
                        Some(slot) => {
                            SLOTS.with(|s| {
                                if let Some(entry) = s.borrow_mut().slots.get_mut(slot) {
                                    entry.pending = Some(promise);
                                }
                            });
                            self.state = State::Driven(slot);
                            return Poll::Pending;
                        }
                        #[cfg(not(feature = "wasm"))]
                        None => self.state = State::Executor(JsFuture::from(promise)),
                        // The npm package's modules drive every future themselves (`drive`): no
                        // executor, so no wasm-bindgen-futures in them.
                        #[cfg(feature = "wasm")]
                        None => return Poll::Ready(Err(JsValue::from_str("asyntai-edge: awaited outside its driver"))),
                    }
                }
                State::Driven(slot) => {
                    let slot = *slot;
                    let settled = SLOTS.with(|s| s.borrow_mut().slots.get_mut(slot).and_then(|e| e.settled.take()));
                    return match settled {
                        Some(result) => {
                            self.state = State::Done;
                            Poll::Ready(result)
                        }
                        None => Poll::Pending,
                    };
                }
                #[cfg(not(feature = "wasm"))]
                State::Executor(future) => {
                    let polled = Pin::new(future).poll(cx);
                    if polled.is_ready() {
                        self.state = State::Done;
                    }
                    return polled;
                }
                State::Failed(thrown) => {
                    let thrown = thrown.take().unwrap_or(JsValue::UNDEFINED);
                    self.state = State::Done;
                    return Poll::Ready(Err(thrown));
                }
                State::Done => return Poll::Ready(Err(JsValue::from_str("asyntai-edge: promise awaited twice"))),
            }
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// A function, for `bind`.
    pub(crate) type Callable;
    /// `f.bind(thisArg, arg)`.
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_with(this: &Callable, this_arg: &JsValue, arg: &JsValue) -> Function;
    /// `f.bind(thisArg)`.
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_this(this: &Callable, this_arg: &JsValue) -> Function;
    /// `f.call(thisArg)`.
    #[wasm_bindgen(method, catch, js_name = call)]
    fn call_this(this: &Callable, this_arg: &JsValue) -> Result<JsValue, JsValue>;
    /// `promise.then(ok, err)` with the engine's own `then` (`Promise.prototype.then.call`): a
    /// promise's own `then` property, if it has one, is not called. Errs with what `then` threw (only a
    /// `Promise.prototype.then` replaced by something that throws does).
    #[wasm_bindgen(catch, js_namespace = ["Promise", "prototype", "then"], js_name = call)]
    pub(crate) fn then2(promise: &Promise, ok: &Function, err: &Function) -> Result<Promise, JsValue>;
    /// `Promise.resolve(value)`, which throws when `value` is a promise whose `constructor` getter throws.
    #[wasm_bindgen(catch, js_namespace = Promise, js_name = resolve)]
    fn resolve(value: &JsValue) -> Result<Promise, JsValue>;
}

/// `f.bind(null, arg)`.
pub(crate) fn bind(f: &Function, arg: &JsValue) -> Function {
    f.unchecked_ref::<Callable>().bind_with(&JsValue::NULL, arg)
}

/// `f.bind(this_arg)`.
pub(crate) fn bind_to(f: &Function, this_arg: &JsValue) -> Function {
    f.unchecked_ref::<Callable>().bind_this(this_arg)
}

/// `target[name]()`, whatever it throws caught.
///
/// # Errors
/// What reading the method or calling it threw (a TypeError when it is not a function).
#[cfg_attr(not(feature = "wasm"), allow(dead_code))]
pub(crate) fn call_method(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    let f = js_sys::Reflect::get(target, &JsValue::from_str(name))?;
    if !f.is_function() {
        return Err(js_sys::TypeError::new("not a function").into());
    }
    f.unchecked_ref::<Callable>().call_this(target)
}
