//! The JavaScript surface: the only module that knows JavaScript's classes. `Asyntai` and its
//! resource objects ([`client`]) run the Rust [`crate::Client`] over the fetch transport; the errors
//! they throw are the classes of `pkg-template/lib/errors.js`, made in [`errors`].

#[cfg(not(feature = "mock"))]
mod alloc;
// The sandbox's module (`asyntai-edge/testing`) holds MockAsyntai only: the client and the verifier
// are the other modules' classes.
#[cfg(all(feature = "client", not(feature = "mock")))]
pub mod client;
#[cfg(feature = "client")]
pub mod errors;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "client")]
pub mod options;
#[cfg(all(feature = "webhooks", not(feature = "mock")))]
pub mod webhook;

#[cfg(all(feature = "client", not(feature = "mock")))]
use wasm_bindgen::prelude::*;

#[cfg(all(feature = "client", not(feature = "mock")))]
#[wasm_bindgen]
extern "C" {
    type ObjectPrototype;
    /// `Object.prototype.valueOf` (a getter, not a lazily made static).
    #[wasm_bindgen(static_method_of = ObjectPrototype, js_class = "Object.prototype", getter = valueOf)]
    fn value_of() -> js_sys::Function;
}

/// A function that returns `value` (`Object.prototype.valueOf` bound to it): the
/// `[Symbol.asyncIterator]` of a list's promise, with no closure.
#[cfg(all(feature = "client", not(feature = "mock")))]
pub(crate) fn returns(value: &JsValue) -> js_sys::Function {
    crate::transport::promise::bind_to(&ObjectPrototype::value_of(), value)
}

#[cfg(feature = "client")]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    type Global;
    /// `globalThis.globalThis`, which is `globalThis`: read each time, no lazily made static
    /// (`js_sys::global()` tries four names through four thread-local statics: ~1 kB of wasm).
    #[wasm_bindgen(static_method_of = Global, js_class = globalThis, getter = globalThis)]
    fn global_this() -> wasm_bindgen::JsValue;
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Object.prototype.toString.call(v)`: `[object ArrayBuffer]` for an `ArrayBuffer` of any realm
    /// (another `vm` context, a Jest environment), where `instanceof` knows only this realm's. Throws
    /// through a proxy's trap.
    #[wasm_bindgen(js_namespace = ["Object", "prototype", "toString"], js_name = call, catch)]
    pub(crate) fn object_tag(v: &wasm_bindgen::JsValue) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
}

/// The global object.
#[cfg(feature = "client")]
pub(crate) fn global() -> wasm_bindgen::JsValue {
    Global::global_this()
}

/// A JavaScript string for a name this crate uses over and over (a property name, a method, a media
/// type): made once, then reused. Passing a Rust string makes a new JS string each time, through
/// `TextDecoder`, which costs a small string's worth of microseconds.
#[cfg(feature = "client")]
pub(crate) fn name(text: &'static str) -> wasm_bindgen::JsValue {
    use std::cell::RefCell;
    thread_local! {
        static NAMES: RefCell<Vec<((usize, usize), wasm_bindgen::JsValue)>> = const { RefCell::new(Vec::new()) };
    }
    let id = (text.as_ptr() as usize, text.len());
    NAMES.with(|names| {
        if let Some((_, v)) = names.borrow().iter().find(|(k, _)| *k == id) {
            return v.clone();
        }
        let v = wasm_bindgen::JsValue::from_str(text);
        names.borrow_mut().push((id, v.clone()));
        v
    })
}
