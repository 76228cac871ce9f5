//! The hand-written TypeScript declarations (pkg-template/types/*.d.ts) against the Rust types they
//! describe: for each pair, the same property names, both ways. The Rust field names are read from the
//! types themselves (serde's own field list for requests; the serialized form for answers, which
//! writes every field), never restated here; so a field added, renamed or removed on one side fails
//! this test until the other side follows.
#![cfg(all(feature = "client", feature = "webhooks", not(target_arch = "wasm32")))]

use std::collections::{BTreeMap, BTreeSet};

use asyntai_edge::api::{self, *};
use asyntai_edge::{UploadSpreadsheetRequest, WebhookEvent};
use serde::de::{self, Deserialize, Visitor};

/// `interface Name [extends A, B] { prop?: type; ... }` of a .d.ts: property names (inherited ones
/// included), by interface name.
fn interfaces(files: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut raw: BTreeMap<String, (Vec<String>, BTreeSet<String>)> = BTreeMap::new();
    for file in files {
        let path = format!("{}/pkg-template/types/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let Some(rest) = line.strip_prefix("export interface ") else { continue };
            let head = rest.trim_end_matches('{').trim();
            let (name, parents) = match head.split_once(" extends ") {
                Some((n, p)) => (n.trim(), p.split(',').map(|s| s.trim().split('<').next().unwrap_or("").to_owned()).collect()),
                None => (head, Vec::new()),
            };
            let name = name.split('<').next().unwrap_or(name).to_owned();
            let mut props = BTreeSet::new();
            if !line.trim_end().ends_with('}') {
                for body in lines.by_ref() {
                    if body.starts_with('}') {
                        break;
                    }
                    let t = body.trim();
                    if t.starts_with("/*") || t.starts_with('*') || t.starts_with("//") {
                        continue;
                    }
                    if let Some((prop, _)) = t.split_once(':') {
                        let prop = prop.trim_start_matches("readonly ").trim_end_matches('?').trim();
                        if !prop.is_empty() && prop.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                            props.insert(prop.to_owned());
                        }
                    }
                }
            }
            raw.insert(name, (parents, props));
        }
    }
    fn resolve(name: &str, raw: &BTreeMap<String, (Vec<String>, BTreeSet<String>)>) -> BTreeSet<String> {
        let Some((parents, props)) = raw.get(name) else { return BTreeSet::new() };
        let mut all = props.clone();
        for p in parents {
            all.extend(resolve(p, raw));
        }
        all
    }
    raw.keys().map(|k| (k.clone(), resolve(k, &raw))).collect()
}

/// The field names serde's derive gives a struct (its `deserialize_struct` call).
fn request_fields<T: for<'de> Deserialize<'de>>() -> BTreeSet<String> {
    struct Names(Option<&'static [&'static str]>);
    impl<'de> de::Deserializer<'de> for &mut Names {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], _: V) -> Result<V::Value, Self::Error> {
            self.0 = Some(fields);
            Err(de::Error::custom("names read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct
            newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut names = Names(None);
    let _ = T::deserialize(&mut names);
    names.0.expect("a struct").iter().map(|s| (*s).to_owned()).collect()
}

/// The field names of an answer: its serialized form writes every field (none is skipped).
fn response_fields<T: Default + serde::Serialize>() -> BTreeSet<String> {
    match serde_json::to_value(T::default()) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        other => panic!("not an object: {other:?}"),
    }
}

fn check(ts: &BTreeMap<String, BTreeSet<String>>, name: &str, rust: &str, fields: BTreeSet<String>, problems: &mut Vec<String>) {
    let Some(declared) = ts.get(name) else {
        problems.push(format!("{name}: no such interface in the .d.ts (for {rust})"));
        return;
    };
    let only_ts: Vec<_> = declared.difference(&fields).collect();
    let only_rust: Vec<_> = fields.difference(declared).collect();
    if !only_ts.is_empty() || !only_rust.is_empty() {
        problems.push(format!("{name} (TypeScript) vs {rust} (Rust): only in TypeScript {only_ts:?}, only in Rust {only_rust:?}"));
    }
}

#[test]
fn every_declared_shape_matches_its_rust_type() {
    let ts = interfaces(&["client.d.ts", "webhooks.d.ts"]);
    let mut problems = Vec::new();
    macro_rules! requests {
        ($($ts:literal => $ty:ty),* $(,)?) => {$(
            check(&ts, $ts, stringify!($ty), request_fields::<$ty>(), &mut problems);
        )*};
    }
    macro_rules! responses {
        ($($ts:literal => $ty:ty),* $(,)?) => {$(
            check(&ts, $ts, stringify!($ty), response_fields::<$ty>(), &mut problems);
        )*};
    }
    requests! {
        "ChatSendParams" => ChatRequest,
        "ConversationListParams" => ListConversationsRequest,
        "SessionListParams" => ListSessionsRequest,
        "LeadListParams" => ListLeadsRequest,
        "TicketListParams" => ListTicketsRequest,
        "KnowledgeListParams" => ListKnowledgeRequest,
        "AddTextParams" => AddTextRequest,
        "AddUrlParams" => AddUrlRequest,
        "CreateWebhookParams" => CreateWebhookRequest,
    }
    responses! {
        "ChatResponse" => ChatResponse,
        "Website" => Website,
        "WebsiteList" => WebsiteList,
        "ConversationMessage" => ConversationMessage,
        "Conversation" => Conversation,
        "Session" => Session,
        "SessionList" => SessionList,
        "Lead" => Lead,
        "LeadList" => LeadList,
        "Account" => Account,
        "AccountResponse" => AccountResponse,
        "KnowledgeEntry" => KnowledgeEntry,
        "KnowledgeList" => KnowledgeList,
        "AddTextResponse" => AddTextResponse,
        "AddUrlResponse" => AddUrlResponse,
        "UploadSpreadsheetResponse" => UploadSpreadsheetResponse,
        "DeleteResponse" => DeleteResponse,
        "WebhookEndpoint" => WebhookEndpoint,
        "WebhookEndpointList" => WebhookEndpointList,
        "CreatedWebhook" => CreatedWebhook,
        "CreateWebhookResponse" => CreateWebhookResponse,
        "Ticket" => Ticket,
        "TicketList" => TicketList,
        "WebhookEventEnvelope" => WebhookEvent,
    }
    // The upload's file is a Blob in JavaScript and bytes in Rust, so it has no serde form: its fields
    // come from an exhaustive pattern, which stops compiling when a field is added or renamed.
    let UploadSpreadsheetRequest { file: _, filename: _, website_id: _ } = UploadSpreadsheetRequest::<Vec<u8>>::default();
    let upload = ["file", "filename", "website_id"].iter().map(|s| (*s).to_owned()).collect();
    check(&ts, "UploadSpreadsheetParams", "UploadSpreadsheetRequest", upload, &mut problems);
    assert!(problems.is_empty(), "the .d.ts and the Rust types disagree:\n{}", problems.join("\n"));
}

#[test]
fn the_parser_reads_what_it_is_given() {
    // The check above is only as good as the .d.ts reader: it must see every property of a known
    // interface, inherited ones included (ChatResponse: its own three, and `success` from the envelope).
    let ts = interfaces(&["client.d.ts"]);
    let chat: Vec<_> = ts["ChatResponse"].iter().map(String::as_str).collect();
    assert_eq!(chat, ["ai_disclosure", "response", "session_id", "success"]);
    assert!(ts.len() > 30, "{} interfaces read", ts.len());
    let _ = api::EVENTS;
}
