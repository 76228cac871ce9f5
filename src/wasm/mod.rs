//! The JavaScript boundary: the only module that knows JavaScript. Each function converts, calls the
//! pure core, and converts back; the hand-written shell in `pkg-template/lib/` does the I/O (fetch,
//! timers, AbortSignal) and makes the error classes.

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "webhooks")]
pub mod webhook;
