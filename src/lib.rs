//! asyntai-edge: a client for the Asyntai REST API and webhook verification, compiled to WebAssembly
//! for server-side JavaScript runtimes (Cloudflare Workers, Deno, Vercel Edge, Node).
//!
//! Everything but [`wasm`] is a pure core with no I/O, compiled and tested natively:
//! - [`api`]: validated input -> [`api::ApiRequest`]; (status, headers, body) -> success or [`error::Error`].
//! - [`retry`]: the retry policy as a pure function.
//! - [`webhook`]: HMAC-SHA256 signature verification.
//! - [`mock`]: the offline sandbox, the whole API as an in-memory state machine.
//!
//! [`wasm`] is the only module that knows JavaScript.
#![cfg_attr(all(target_arch = "wasm32", feature = "wasm", not(feature = "client")), no_std)]
#![deny(missing_debug_implementations)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

#[cfg(feature = "client")]
pub mod api;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
pub mod json;
#[cfg(feature = "client")]
pub mod retry;

#[cfg(feature = "webhooks")]
pub mod webhook;

#[cfg(feature = "mock")]
pub mod mock;

#[cfg(all(feature = "wasm", target_arch = "wasm32"))]
pub mod wasm;

/// The `webhooks` wasm module is `no_std` (no std panic machinery: a third of its size). No panic is
/// reachable from input; were one reached, the call traps.
#[cfg(all(target_arch = "wasm32", feature = "wasm", not(feature = "client")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
