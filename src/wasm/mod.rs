//! The JavaScript boundary: the only module that knows JavaScript. Each function converts, calls the
//! pure core, and converts back; the hand-written shell in `pkg-template/lib/` does the I/O (fetch,
//! timers, AbortSignal) and makes the error classes.

#[cfg(feature = "client")]
mod client;
#[cfg(feature = "mock")]
mod mock;
#[cfg(feature = "webhooks")]
mod webhook;
