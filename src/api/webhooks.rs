//! `GET /webhooks/`, `POST /webhooks/`, `DELETE /webhooks/{id}/`

use serde::{Deserialize, Serialize};

use super::{encode_segment, rules, website_id_as_string, ApiRequest, Extra, FromParams, JsonObject, Operation, Params, WebsiteId};
use crate::error::Error;

/// The events a webhook can subscribe to: the reference's four, and what the vendor's own clients
/// receive (`lead.captured`, `ticket.created`). Others are accepted too.
pub const EVENTS: &[&str] = &[
    "message.received",
    "conversation.started",
    "escalation.requested",
    "takeover.started",
    "lead.captured",
    "ticket.created",
];

/// `webhooks.create({ url, events, website_id? })`: a URL the API POSTs signed events to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateWebhookRequest {
    /// HTTPS (http only for localhost, 127.0.0.0/8 and `[::1]`).
    pub url: String,
    /// At least one event name (see [`EVENTS`]).
    pub events: Vec<String>,
    /// The website (default: the primary one). Sent as a string.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "website_id_as_string::serialize")]
    pub website_id: Option<WebsiteId>,
}

impl Operation for CreateWebhookRequest {
    type Response = CreateWebhookResponse;
    const WIRE_FIELDS: &'static [&'static str] = &["url", "events", "website_id"];
    fn validate(&self) -> Result<(), Error> {
        rules::webhook_url("url", &self.url)?;
        rules::string_list("events", &self.events)?;
        rules::website_id(self.website_id)
    }
    fn build(&self) -> ApiRequest {
        let body = JsonObject::new()
            .string("url", &self.url)
            .strings("events", &self.events)
            .opt_digits("website_id", self.website_id.map(|w| w.0));
        ApiRequest::post("webhooks/", body.finish())
    }
}

impl FromParams for CreateWebhookRequest {
    fn from_params(mut p: Params) -> Result<Self, Error> {
        let r = CreateWebhookRequest {
            url: p.read_required_string("url"),
            events: p.read_required_strings("events"),
            website_id: p.read_website_id(),
        };
        p.finish()?;
        Ok(r)
    }
}

/// `webhooks.delete(id)`
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteWebhookRequest {
    /// The webhook's id, from the list.
    pub id: String,
}

impl Operation for DeleteWebhookRequest {
    type Response = super::knowledge::DeleteResponse;
    const WIRE_FIELDS: &'static [&'static str] = &[];
    fn validate(&self) -> Result<(), Error> {
        rules::id("id", &self.id)
    }
    fn build(&self) -> ApiRequest {
        ApiRequest::delete(cat!("webhooks/", encode_segment(&self.id), "/"))
    }
}

/// One webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookEndpoint {
    /// Its id.
    pub id: String,
    /// Where events go.
    pub url: String,
    /// The events it receives.
    pub events: Vec<String>,
    /// Whether deliveries are made.
    pub is_active: bool,
    /// ISO 8601.
    pub created_at: String,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `GET /webhooks/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookEndpointList {
    /// `true`.
    pub success: bool,
    /// The webhooks.
    pub webhooks: Vec<WebhookEndpoint>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A webhook just created, with its secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreatedWebhook {
    /// Its id.
    pub id: String,
    /// Where events go.
    pub url: String,
    /// The events it receives.
    pub events: Vec<String>,
    /// `whsec_...`: the signing secret, shown only here.
    pub secret: String,
    /// ISO 8601.
    pub created_at: String,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `POST /webhooks/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateWebhookResponse {
    /// `true`.
    pub success: bool,
    /// The webhook, with its secret.
    pub webhook: CreatedWebhook,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `webhooks.list()`: takes no parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListWebhooksRequest;

impl Operation for ListWebhooksRequest {
    type Response = WebhookEndpointList;
    const WIRE_FIELDS: &'static [&'static str] = &[];
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
    fn build(&self) -> ApiRequest {
        ApiRequest::get("webhooks/".into())
    }
}
