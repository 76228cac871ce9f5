//! Seeding a sandbox before its first request: knowledge entries and webhooks given as options
//! (`new MockAsyntai({ knowledge, webhooks })`, the `--seed` file of `npx asyntai-edge sandbox`).
//! Each item is read with the client core's option rules (the same as the API's own inputs), and a
//! misspelt field is an error rather than silently dropped.

use serde_json::Value;

use crate::api::Params;
use crate::error::Error;

use super::knowledge::short_content;
use super::options::json_type;
use super::webhooks::{check_events, not_an_event};
use super::{time, Mock};

/// One knowledge entry to seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedEntry {
    /// `{title, content, website_id?}`: as `POST /knowledge/text/`.
    Text {
        /// Title.
        title: String,
        /// At least 10 characters.
        content: String,
        /// Default: the primary website.
        website_id: Option<u64>,
    },
    /// `{url, title?, content?, website_id?}`: as `POST /knowledge/url/`, with the page's title and
    /// text given, since the sandbox fetches nothing.
    Url {
        /// An absolute http(s) URL.
        url: String,
        /// Default: made from the URL (`/shipping-policy` -> `Shipping Policy - example.com`).
        title: Option<String>,
        /// The page's text, answered from; default: the entry's title and URL only.
        content: Option<String>,
        /// Default: the primary website.
        website_id: Option<u64>,
    },
}

/// One webhook to seed: `{url, events, secret?, website_id?}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedHook {
    /// HTTPS, or http to a loopback host.
    pub url: String,
    /// Events from [`super::EVENTS`].
    pub events: Vec<String>,
    /// The signing secret, so a receiver can be configured before the sandbox starts; default: a
    /// generated `whsec_` secret.
    pub secret: Option<String>,
    /// Default: the primary website.
    pub website_id: Option<u64>,
}

type Object = serde_json::Map<String, Value>;

/// The items of a JSON array option, each an object.
fn objects(json: &str, option: &str, shape: &str) -> Result<Vec<Object>, String> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json) else {
        return Err(format!("{option}: must be an array of {shape}"));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(map) => Ok(map),
            other => Err(format!("{option}[{i}]: must be an object {shape}, got {}", json_type(&other))),
        })
        .collect()
}

fn at(option: &str, i: usize) -> impl Fn(Error) -> String + '_ {
    move |e| match e {
        Error::Validation { field, message } => format!("{option}[{i}].{field}: {message}"),
        other => format!("{option}[{i}]: {other}"),
    }
}

/// Parses the `knowledge` option: a JSON array of `{title, content, website_id?}` (text) and
/// `{url, title?, content?, website_id?}` (a page).
///
/// # Errors
/// A message starting with the item's path (`knowledge[1].content: ...`).
pub fn parse_knowledge(json: &str) -> Result<Vec<SeedEntry>, String> {
    const SHAPE: &str = "{title, content, website_id?} or {url, title?, content?, website_id?}";
    let mut out = Vec::new();
    for (i, map) in objects(json, "knowledge", SHAPE)?.into_iter().enumerate() {
        let err = at("knowledge", i);
        let present = |k: &str| map.get(k).is_some_and(|v| !v.is_null());
        let (has_url, has_title, has_content) = (present("url"), present("title"), present("content"));
        let mut p = Params::new(crate::api::Loose::from_json(&Value::Object(map))).map_err(&err)?;
        let entry = if has_url {
            let url = p.http_url("url").map_err(&err)?;
            let title = if has_title { Some(p.required_text("title").map_err(&err)?) } else { None };
            let content = if has_content { Some(p.required_text("content").map_err(&err)?) } else { None };
            let website_id = p.website_id().map_err(&err)?.map(|w| w.0);
            SeedEntry::Url { url, title, content, website_id }
        } else {
            let title = p.required_text("title").map_err(&err)?;
            let content = p.required_text("content").map_err(&err)?;
            if let Some(message) = short_content(&content) {
                return Err(format!("knowledge[{i}].content: {message}"));
            }
            let website_id = p.website_id().map_err(&err)?.map(|w| w.0);
            SeedEntry::Text { title, content, website_id }
        };
        p.finish().map_err(&err)?;
        out.push(entry);
    }
    Ok(out)
}

/// Parses the `webhooks` option: a JSON array of `{url, events, secret?, website_id?}`.
///
/// # Errors
/// A message starting with the item's path (`webhooks[0].events: ...`).
pub fn parse_webhooks(json: &str) -> Result<Vec<SeedHook>, String> {
    let mut out = Vec::new();
    for (i, map) in objects(json, "webhooks", "{url, events, secret?, website_id?}")?.into_iter().enumerate() {
        let err = at("webhooks", i);
        let mut p = Params::new(crate::api::Loose::from_json(&Value::Object(map))).map_err(&err)?;
        let url = p.webhook_url("url").map_err(&err)?;
        let events = p.string_list("events").map_err(&err)?;
        let events = check_events(events).map_err(|e| format!("webhooks[{i}].events[{e}]: {}", not_an_event()))?;
        let secret = p.optional_token("secret").map_err(&err)?;
        let website_id = p.website_id().map_err(&err)?.map(|w| w.0);
        p.finish().map_err(&err)?;
        out.push(SeedHook { url, events, secret, website_id });
    }
    Ok(out)
}

impl Mock {
    /// Adds seeded knowledge and webhooks, as made at `now_ms`. Seeding is setup, not an upload:
    /// it takes nothing from the daily upload allowance.
    ///
    /// # Errors
    /// When an item names a website the account does not have (`knowledge[0].website_id: ...`);
    /// nothing is added then.
    pub fn seed(&mut self, knowledge: Vec<SeedEntry>, webhooks: Vec<SeedHook>, now_ms: f64) -> Result<(), String> {
        let now = time::clamp_ms(now_ms);
        let site = |option: &str, i: usize, id: Option<u64>| -> Result<u64, String> {
            match id {
                None => Ok(self.primary()),
                Some(id) if self.websites.iter().any(|w| w.id == id) => Ok(id),
                Some(id) => {
                    let ids: Vec<String> = self.websites.iter().map(|w| w.id.to_string()).collect();
                    Err(format!(
                        "{option}[{i}].website_id: no website {id} (the account's websites: {})",
                        ids.join(", ")
                    ))
                }
            }
        };
        let mut entries = Vec::with_capacity(knowledge.len());
        for (i, entry) in knowledge.into_iter().enumerate() {
            let id = match &entry {
                SeedEntry::Text { website_id, .. } | SeedEntry::Url { website_id, .. } => *website_id,
            };
            entries.push((site("knowledge", i, id)?, entry));
        }
        let mut hooks = Vec::with_capacity(webhooks.len());
        for (i, hook) in webhooks.into_iter().enumerate() {
            hooks.push((site("webhooks", i, hook.website_id)?, hook));
        }
        for (website_id, entry) in entries {
            match entry {
                SeedEntry::Text { title, content, .. } => {
                    self.store_text(&title, &content, website_id, now);
                }
                SeedEntry::Url { url, title, content, .. } => {
                    self.store_url(&url, title.as_deref(), content.as_deref(), website_id, now);
                }
            }
        }
        for (website_id, hook) in hooks {
            self.add_hook(hook.url, hook.events, hook.secret, website_id, now);
        }
        Ok(())
    }
}
