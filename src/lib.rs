//! asyntai-edge: a client for the Asyntai REST API and webhook verification, for Rust on wasm32
//! (Workers written with workers-rs, Leptos or Dioxus server functions at the edge, Spin components)
//! and, compiled to WebAssembly, for JavaScript runtimes (the npm package `asyntai-edge`).
//!
//! ```no_run
//! use asyntai_edge::{ChatRequest, Client, Error, Webhook};
//!
//! # async fn run(raw_body_bytes: &[u8], signature_header: &str) -> Result<(), Error> {
//! let client = Client::builder("sk_...").base_url("https://asyntai.com/api/v1/").max_retries(2).build()?;
//! let answer = client.chat().send(ChatRequest { message: "When are you open?".into(), ..Default::default() }).await?;
//! println!("{} ({})", answer.response, answer.session_id);
//! let sites = client.websites().list().await?; // sites.websites: Vec<Website>
//! match client.account().get().await {
//!     Err(Error::Api(e)) if e.status == 401 => eprintln!("bad key: {:?}", e.error),
//!     other => { other?; }
//! }
//! let event = Webhook::new("whsec_...")?.verify(raw_body_bytes, signature_header)?; // event.event, event.payload
//! # Ok(()) }
//! ```
//!
//! The layout:
//! - [`api`]: one request struct per operation (validated before anything is sent), one response
//!   struct per answer, the response classifier; pure.
//! - [`client`]: the async [`Client`] (retries, timeouts, redaction of the key), generic over a
//!   [`transport::Transport`]; [`retry`]: the retry policy as a pure function.
//! - [`transport`]: the seam: `fetch` on wasm32, wasi:http on wasm32-wasip2, the in-process sandbox and
//!   test transports natively.
//! - [`webhook`]: HMAC-SHA256 signature verification; `mock` (feature `mock`): the offline sandbox.
//! - `wasm` (wasm32, feature `wasm`): the JavaScript classes of the npm package, over the same client.
#![cfg_attr(all(target_arch = "wasm32", feature = "wasm", not(feature = "client")), no_std)]
#![deny(missing_debug_implementations)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

// First: its `cat!` macro is for the modules below.
#[cfg(feature = "client")]
#[macro_use]
mod text;

#[cfg(feature = "client")]
pub mod api;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
pub mod retry;
#[cfg(feature = "client")]
pub mod transport;

#[cfg(feature = "webhooks")]
pub mod webhook;

#[cfg(feature = "mock")]
pub mod mock;

#[cfg(all(feature = "wasm", target_arch = "wasm32", not(target_os = "wasi")))]
pub mod wasm;

#[cfg(feature = "client")]
pub use api::{
    Account, AccountResponse, AddTextRequest, AddTextResponse, AddUrlRequest, AddUrlResponse, ChatRequest,
    ChatResponse, Conversation, ConversationMessage, CreateWebhookRequest, CreateWebhookResponse, CreatedWebhook,
    DeleteResponse, KnowledgeEntry, KnowledgeList, Lead, LeadList, ListConversationsRequest, ListKnowledgeRequest,
    ListLeadsRequest, ListSessionsRequest, ListTicketsRequest, Session, SessionList, Ticket, TicketList,
    UploadSpreadsheetRequest, UploadSpreadsheetResponse, WebhookEndpoint, WebhookEndpointList, Website, WebsiteId,
    WebsiteList,
};
#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, Pages, RequestOptions};
#[cfg(feature = "client")]
pub use error::{ApiError, ApiErrorKind, Error};
#[cfg(feature = "client")]
pub use transport::Transport;
#[cfg(all(feature = "client", feature = "webhooks"))]
pub use webhook::{Webhook, WebhookEvent};

/// The `webhooks` wasm module is `no_std` (no std panic machinery: a third of its size). No panic is
/// reachable from input; were one reached, the call traps.
#[cfg(all(target_arch = "wasm32", feature = "wasm", not(feature = "client")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
