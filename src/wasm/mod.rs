//! The JavaScript surface: the only module that knows JavaScript's classes. `Asyntai` and its
//! resource objects ([`client`]) run the Rust [`crate::Client`] over the fetch transport; the errors
//! they throw are the classes of `pkg-template/lib/errors.js`, made in [`errors`].

#[cfg(not(feature = "mock"))]
mod alloc;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod errors;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "client")]
pub mod options;
#[cfg(feature = "webhooks")]
pub mod webhook;

#[cfg(feature = "client")]
use wasm_bindgen::prelude::*;

#[cfg(feature = "client")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["Object", "prototype"], js_name = valueOf, thread_local_v2)]
    static VALUE_OF: js_sys::Function;
}

/// A function that returns `value` (`Object.prototype.valueOf` bound to it): the
/// `[Symbol.asyncIterator]` of a list's promise, with no closure.
#[cfg(feature = "client")]
pub(crate) fn returns(value: &JsValue) -> js_sys::Function {
    VALUE_OF.with(|f| crate::transport::promise::bind_to(f, value))
}
