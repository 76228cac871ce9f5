//! The sandbox's boundary, for `pkg-template/lib/testing.js`: one object holding the state machine,
//! one call per request. Everything crosses as strings and bytes the shell reads cheaply.

use wasm_bindgen::prelude::*;

use crate::api::push_json_string;
use crate::mock::{parse_knowledge, parse_limits, parse_webhooks, parse_websites, Mock, MockOptions, Plan, Website};

/// Separates the field from the message in a thrown option error (as in `client.rs`).
const SEP: char = '\u{1f}';

fn option_error(message: &str) -> JsValue {
    // `websites[0].id: must be ...` -> field `websites[0].id`, message as is.
    let field = message.split_once(": ").map_or("options", |(f, _)| f);
    JsValue::from_str(&format!("{field}{SEP}{message}"))
}

/// The sandbox's state machine (`MockAsyntai` holds one).
#[wasm_bindgen]
#[derive(Debug)]
pub struct MockCore {
    inner: Mock,
}

#[wasm_bindgen]
impl MockCore {
    /// `plan` is `starter`, `standard`, `pro` or `free`; `websites_json` the JSON of the `websites`
    /// option (an array of `{id, name?, domain?, is_primary?}`); `limits_json` the JSON of the `limits`
    /// option (`{messagesPerMonth?, uploadCharsPerDay?, spreadsheetRows?}`); `knowledge_json` and
    /// `webhooks_json` those of the seed options `knowledge` and `webhooks`, added as made at `now_ms`.
    ///
    /// # Errors
    /// Throws the string `"<field>\u{1f}<message>"` for an invalid option; the shell turns it into a
    /// `ValidationError`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        api_key: String,
        plan: &str,
        websites_json: Option<String>,
        limits_json: Option<String>,
        knowledge_json: Option<String>,
        webhooks_json: Option<String>,
        now_ms: f64,
    ) -> Result<MockCore, JsValue> {
        let Some(plan) = Plan::parse(plan) else {
            let shown: String = plan.chars().filter(|c| !c.is_control()).take(40).collect();
            return Err(option_error(&format!(
                "plan: must be \"starter\", \"standard\", \"pro\" or \"free\", got \"{shown}\""
            )));
        };
        if api_key.is_empty() {
            return Err(option_error("apiKey: must be a non-empty string"));
        }
        let websites = match websites_json {
            Some(json) => parse_websites(&json).map_err(|e| option_error(&e))?,
            None => vec![Website::default_primary()],
        };
        let limits = match limits_json {
            Some(json) => Some(parse_limits(&json, plan.limits()).map_err(|e| option_error(&e))?),
            None => None,
        };
        let knowledge = match knowledge_json {
            Some(json) => parse_knowledge(&json).map_err(|e| option_error(&e))?,
            None => Vec::new(),
        };
        let webhooks = match webhooks_json {
            Some(json) => parse_webhooks(&json).map_err(|e| option_error(&e))?,
            None => Vec::new(),
        };
        let mut inner = Mock::new(MockOptions {
            api_key,
            plan,
            websites,
            limits,
        });
        inner.seed(knowledge, webhooks, now_ms).map_err(|e| option_error(&e))?;
        Ok(MockCore { inner })
    }

    /// Answers one request. `headers` is `name\nvalue\nname\nvalue...` (header values never hold a
    /// line feed). Returns `"<status>\n<deliveries>\n<body>"` where `<deliveries>` is a JSON array of
    /// `{url, event, body, signature}` on one line (`[]` when none) and `<body>` the JSON body.
    pub fn handle(&mut self, method: &str, target: &str, headers: &str, body: &[u8], now_ms: f64) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut lines = headers.split('\n');
        while let (Some(name), Some(value)) = (lines.next(), lines.next()) {
            pairs.push((name.to_ascii_lowercase(), value.to_owned()));
        }
        let r = self.inner.handle(method, target, &pairs, body, now_ms);
        let mut out = String::with_capacity(r.body.len() + 8);
        out.push_str(&r.status.to_string());
        out.push('\n');
        out.push('[');
        for (i, d) in r.deliveries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"url\":");
            push_json_string(&mut out, &d.url);
            out.push_str(",\"event\":");
            push_json_string(&mut out, &d.event);
            out.push_str(",\"body\":");
            push_json_string(&mut out, &d.body);
            out.push_str(",\"signature\":");
            push_json_string(&mut out, &d.signature);
            out.push('}');
        }
        out.push_str("]\n");
        out.push_str(&r.body);
        out
    }
}
