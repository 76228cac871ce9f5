//! `GET /webhooks/`, `POST /webhooks/`, `DELETE /webhooks/{id}/`, and the signed deliveries.

use crate::api::{CreateWebhookRequest, JsonObject};

use super::request::read;
use super::{bad, fail, ids, json_array, ok, time, Delivery, Mock, MockResponse, EVENTS};

#[derive(Debug)]
pub(crate) struct Hook {
    pub(crate) id: String,
    pub(crate) url: String,
    pub(crate) events: Vec<String>,
    pub(crate) secret: String,
    pub(crate) website_id: u64,
    pub(crate) created_at: i64,
    pub(crate) is_active: bool,
}

/// The events of a webhook, checked against [`EVENTS`] and without repeats; `Err` holds the index
/// of the first one that is not an event.
pub(crate) fn check_events(events: Vec<String>) -> Result<Vec<String>, usize> {
    let mut subscribed: Vec<String> = Vec::with_capacity(events.len());
    for (i, name) in events.into_iter().enumerate() {
        if !EVENTS.contains(&name.as_str()) {
            return Err(i);
        }
        if !subscribed.contains(&name) {
            subscribed.push(name);
        }
    }
    Ok(subscribed)
}

/// What [`check_events`] refused, for a message.
pub(crate) fn not_an_event() -> String {
    format!("not an event: use one of {}", EVENTS.join(", "))
}

impl Mock {
    /// Adds a webhook (its secret generated unless given); returns its index.
    pub(crate) fn add_hook(
        &mut self,
        url: String,
        events: Vec<String>,
        secret: Option<String>,
        website_id: u64,
        now: i64,
    ) -> usize {
        self.next_hook += 1;
        let n = self.next_hook;
        self.hooks.push(Hook {
            id: ids::webhook_id(n),
            url,
            events,
            secret: secret.unwrap_or_else(|| ids::webhook_secret(n)),
            website_id,
            created_at: now,
            is_active: true,
        });
        self.hooks.len() - 1
    }

    /// Signs `{"event":..,"payload":..}` for every active webhook of the website subscribed to `event`.
    pub(crate) fn deliver(&self, website_id: u64, event: &str, payload: &str, out: &mut Vec<Delivery>) {
        let mut body: Option<String> = None;
        for hook in &self.hooks {
            if hook.is_active && hook.website_id == website_id && hook.events.iter().any(|e| e == event) {
                let body = body
                    .get_or_insert_with(|| JsonObject::new().string("event", event).raw("payload", payload).finish())
                    .clone();
                let signature = crate::webhook::sign(hook.secret.as_bytes(), body.as_bytes());
                out.push(Delivery {
                    url: hook.url.clone(),
                    event: event.to_owned(),
                    body,
                    signature,
                });
            }
        }
    }

    /// `GET /webhooks/` (secrets are never listed).
    pub(crate) fn list_webhooks(&self) -> MockResponse {
        let items = self.hooks.iter().map(|h| {
            JsonObject::new()
                .string("id", &h.id)
                .string("url", &h.url)
                .strings("events", &h.events)
                .boolean("is_active", h.is_active)
                .string("created_at", &time::iso8601(h.created_at))
                .finish()
        });
        ok(JsonObject::success().raw("webhooks", &json_array(items)).finish())
    }

    /// `POST /webhooks/ {url, events, website_id?}`: the secret is shown only here.
    pub(crate) fn create_webhook(&mut self, body: &[u8], now: i64) -> Result<MockResponse, MockResponse> {
        let CreateWebhookRequest { url, events, website_id } = read(body)?;
        let events = check_events(events).map_err(|i| bad(&format!("events[{i}] is {}", not_an_event())))?;
        let website_id = self.body_website(website_id)?.unwrap_or_else(|| self.primary());
        let index = self.add_hook(url, events, None, website_id, now);
        let Some(h) = self.hooks.get(index) else {
            return Err(fail(500, "internal sandbox error: webhook lost"));
        };
        let webhook = JsonObject::new()
            .string("id", &h.id)
            .string("url", &h.url)
            .strings("events", &h.events)
            .string("secret", &h.secret)
            .string("created_at", &time::iso8601(h.created_at))
            .finish();
        Ok(ok(JsonObject::success().raw("webhook", &webhook).finish()))
    }

    /// `DELETE /webhooks/{id}/`
    pub(crate) fn delete_webhook(&mut self, id: &str) -> Result<MockResponse, MockResponse> {
        let pos = self
            .hooks
            .iter()
            .position(|h| h.id == id)
            .ok_or_else(|| fail(404, "webhook not found"))?;
        self.hooks.remove(pos);
        Ok(ok(JsonObject::success().string("message", "Webhook deleted").finish()))
    }
}
