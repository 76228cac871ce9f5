//! `POST /chat/`

use serde::{Deserialize, Serialize};

use super::{rules, ApiRequest, Extra, FromParams, JsonObject, Operation, Params, WebsiteId};
use crate::error::Error;

/// `chat.send({ message, session_id?, website_id? })`: a visitor's message; the answer is the AI's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// The visitor's message (required, not blank).
    pub message: String,
    /// Same id = same conversation; absent: a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The website answering (default: the primary one). Sent as an integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_id: Option<WebsiteId>,
}

impl Operation for ChatRequest {
    type Response = ChatResponse;
    const WIRE_FIELDS: &'static [&'static str] = &["message", "session_id", "website_id"];

    fn validate(&self) -> Result<(), Error> {
        rules::text("message", &self.message)?;
        rules::opt_token("session_id", self.session_id.as_deref())?;
        rules::website_id(self.website_id)
    }

    fn build(&self) -> ApiRequest {
        // the fields in the order serde writes them (tests check the two agree)
        let body = JsonObject::new()
            .string("message", &self.message)
            .opt_string("session_id", self.session_id.as_deref())
            .opt_integer("website_id", self.website_id.map(|w| w.0));
        ApiRequest::post("chat/", body.finish())
    }
}

impl FromParams for ChatRequest {
    fn from_params(mut p: Params) -> Result<Self, Error> {
        let r = ChatRequest {
            message: p.read_required_string("message"),
            session_id: p.read_string("session_id"),
            website_id: p.read_website_id(),
        };
        p.finish()?;
        Ok(r)
    }
}

/// The answer of `POST /chat/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatResponse {
    /// `true`.
    pub success: bool,
    /// The AI's answer.
    pub response: String,
    /// The conversation's id: pass it back to continue it.
    pub session_id: String,
    /// A disclosure that the answer was written by an AI, where the account shows one.
    pub ai_disclosure: Option<String>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}
