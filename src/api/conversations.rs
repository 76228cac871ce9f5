//! `GET /conversations/`

use serde::{Deserialize, Serialize};

use super::{push_query, rules, ApiRequest, Extra, FromParams, Operation, Params};
use crate::error::Error;

/// `conversations.list({ session_id, limit? })`: the messages of one conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListConversationsRequest {
    /// The conversation (required).
    pub session_id: String,
    /// 1..=100; the API's default is 50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

impl Operation for ListConversationsRequest {
    type Response = Conversation;
    const WIRE_FIELDS: &'static [&'static str] = &["session_id", "limit"];

    fn validate(&self) -> Result<(), Error> {
        rules::token("session_id", &self.session_id)?;
        rules::limit(self.limit)
    }

    fn build(&self) -> ApiRequest {
        let mut path = String::from("conversations/");
        push_query(&mut path, "session_id", &self.session_id);
        if let Some(l) = self.limit {
            push_query(&mut path, "limit", &crate::text::int(l.into()));
        }
        ApiRequest::get(path)
    }
}

impl FromParams for ListConversationsRequest {
    fn from_params(mut p: Params) -> Result<Self, Error> {
        let r = ListConversationsRequest { session_id: p.read_required_string("session_id"), limit: p.read_limit() };
        p.finish()?;
        Ok(r)
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConversationMessage {
    /// `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
    /// ISO 8601.
    pub timestamp: String,
    /// Who wrote it: `ai`, `human`... (not always sent).
    pub sender_type: Option<String>,
    /// The human agent's name, for an agent's message.
    pub agent_name: Option<String>,
    /// How long the answer took, in milliseconds.
    pub response_time_ms: Option<u64>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `GET /conversations/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Conversation {
    /// `true`.
    pub success: bool,
    /// The conversation.
    pub session_id: String,
    /// Its messages, oldest first.
    pub messages: Vec<ConversationMessage>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}
