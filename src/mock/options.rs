//! How a sandbox is set up: the plan, its quotas, the account's websites, and the parsers of the
//! JavaScript options that carry them.

use serde_json::Value;

/// An Asyntai subscription plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Plan {
    /// No API access: every authenticated request gets 403.
    Free,
    /// The default.
    #[default]
    Starter,
    /// Standard.
    Standard,
    /// Pro.
    Pro,
}

impl Plan {
    /// `"free"`, `"starter"`, `"standard"` or `"pro"` (exactly, lower-case).
    pub fn parse(name: &str) -> Option<Plan> {
        match name {
            "free" => Some(Plan::Free),
            "starter" => Some(Plan::Starter),
            "standard" => Some(Plan::Standard),
            "pro" => Some(Plan::Pro),
            _ => None,
        }
    }

    /// The plan's name as `GET /account/` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Starter => "starter",
            Plan::Standard => "standard",
            Plan::Pro => "pro",
        }
    }

    /// The plan's published limits.
    pub fn limits(self) -> Limits {
        let (messages, upload, rows) = match self {
            Plan::Free => (100, 0, 0),
            Plan::Starter => (2_500, 100_000, 500),
            Plan::Standard => (15_000, 500_000, 2_000),
            Plan::Pro => (50_000, 2_000_000, 10_000),
        };
        Limits {
            messages_per_month: messages,
            upload_chars_per_day: upload,
            spreadsheet_rows: rows,
        }
    }
}

/// A plan's quotas. Tests can set smaller ones than the plan's ([`MockOptions::limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Chat messages per calendar month (UTC); the next one gets 429.
    pub messages_per_month: u64,
    /// Knowledge characters uploaded per day (UTC): text content + URL + spreadsheet row text.
    pub upload_chars_per_day: u64,
    /// Spreadsheet rows kept per upload; the rest are cut.
    pub spreadsheet_rows: u64,
}

/// One website of the account, as `GET /websites/` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Website {
    /// Positive integer id.
    pub id: u64,
    /// Display name.
    pub name: String,
    /// Domain, e.g. `example.com`.
    pub domain: String,
    /// The default website of chat and knowledge requests. Exactly one is primary.
    pub is_primary: bool,
}

impl Website {
    /// The default website: id 1, `example.com`, primary.
    pub fn default_primary() -> Website {
        Website {
            id: 1,
            name: "Sandbox Website".into(),
            domain: "example.com".into(),
            is_primary: true,
        }
    }
}

/// How to set up a sandbox.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// The only key accepted (default `test_key`).
    pub api_key: String,
    /// The plan (default starter).
    pub plan: Plan,
    /// The account's websites (default: one primary website, id 1). Empty means the default; when
    /// none is primary the first is; ids must be unique (later duplicates are dropped).
    pub websites: Vec<Website>,
    /// Overrides the plan's limits (for tests of the quotas).
    pub limits: Option<Limits>,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            api_key: "test_key".into(),
            plan: Plan::Starter,
            websites: vec![Website::default_primary()],
            limits: None,
        }
    }
}

pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses the `websites` option: a JSON array of `{id, name?, domain?, is_primary?}`.
///
/// # Errors
/// A message starting with the option's path (`websites[1].id: ...`) when the value is not a
/// non-empty array of such objects with unique positive integer ids and at most one primary.
pub fn parse_websites(json: &str) -> Result<Vec<Website>, String> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json) else {
        return Err("websites: must be a non-empty array of {id, name, domain, is_primary}".into());
    };
    if items.is_empty() {
        return Err("websites: must be a non-empty array of {id, name, domain, is_primary}".into());
    }
    let mut out: Vec<Website> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(map) = item else {
            return Err(format!("websites[{i}]: must be an object, got {}", json_type(item)));
        };
        for key in map.keys() {
            if !matches!(key.as_str(), "id" | "name" | "domain" | "is_primary") {
                let shown: String = key.chars().filter(|c| !c.is_control()).take(40).collect();
                return Err(format!(
                    "websites[{i}].{shown}: unknown field (expected id, name, domain, is_primary)"
                ));
            }
        }
        let id = match map.get("id") {
            Some(Value::Number(n)) => n.as_u64().filter(|&id| id > 0 && id <= 1 << 53),
            _ => None,
        }
        .ok_or_else(|| format!("websites[{i}].id: must be a positive integer"))?;
        if out.iter().any(|w| w.id == id) {
            return Err(format!("websites[{i}].id: {id} is used twice"));
        }
        let text = |field: &str, default: String| -> Result<String, String> {
            match map.get(field) {
                None | Some(Value::Null) => Ok(default),
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
                Some(_) => Err(format!("websites[{i}].{field}: must be a non-empty string")),
            }
        };
        let name = text("name", format!("Website {id}"))?;
        let domain = text("domain", format!("site{id}.example.com"))?;
        let is_primary = match map.get("is_primary") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(format!("websites[{i}].is_primary: must be a boolean")),
        };
        if is_primary && out.iter().any(|w| w.is_primary) {
            return Err(format!("websites[{i}].is_primary: only one website can be primary"));
        }
        out.push(Website {
            id,
            name,
            domain,
            is_primary,
        });
    }
    Ok(out)
}

/// Parses the `limits` option: a JSON object with any of `messagesPerMonth`, `uploadCharsPerDay`,
/// `spreadsheetRows` (non-negative integers) over `base`, the plan's limits.
///
/// # Errors
/// A message starting with the option's path (`limits.messagesPerMonth: ...`).
pub fn parse_limits(json: &str, base: Limits) -> Result<Limits, String> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(json) else {
        return Err("limits: must be an object {messagesPerMonth?, uploadCharsPerDay?, spreadsheetRows?}".into());
    };
    let mut limits = base;
    for (key, value) in &map {
        let slot = match key.as_str() {
            "messagesPerMonth" => &mut limits.messages_per_month,
            "uploadCharsPerDay" => &mut limits.upload_chars_per_day,
            "spreadsheetRows" => &mut limits.spreadsheet_rows,
            other => {
                let shown: String = other.chars().filter(|c| !c.is_control()).take(40).collect();
                return Err(format!(
                    "limits.{shown}: unknown limit (expected messagesPerMonth, uploadCharsPerDay, spreadsheetRows)"
                ));
            }
        };
        match value {
            Value::Null => {}
            Value::Number(n) => {
                *slot = n
                    .as_u64()
                    .ok_or_else(|| format!("limits.{key}: must be a non-negative integer"))?;
            }
            _ => return Err(format!("limits.{key}: must be a non-negative integer")),
        }
    }
    Ok(limits)
}

