//! Seeding knowledge and webhooks before the first request (`--seed`, `new MockAsyntai({knowledge,
//! webhooks})`).

use super::*;

fn seeded(knowledge: Value, webhooks: Value) -> Result<Mock, String> {
    let mut m = Mock::new(MockOptions {
        websites: vec![
            Website { id: 1, name: "A".into(), domain: "a.example".into(), is_primary: true },
            Website { id: 7, name: "B".into(), domain: "b.example".into(), is_primary: false },
        ],
        limits: Some(Limits { messages_per_month: 100, upload_chars_per_day: 0, spreadsheet_rows: 10 }),
        ..MockOptions::default()
    });
    let k = parse_knowledge(&knowledge.to_string())?;
    let w = parse_webhooks(&webhooks.to_string())?;
    m.seed(k, w, NOW)?;
    Ok(m)
}

#[test]
fn seeded_knowledge_answers_and_seeded_webhooks_sign_with_their_secret() {
    let mut m = seeded(
        json!([
            {"title": "Hours", "content": "We are open from 9am to 5pm, Monday to Friday."},
            {"url": "https://a.example/shipping-policy", "content": "Parcels ship within two business days."},
            {"url": "https://b.example/returns", "title": "Returns", "content": "Returns are free for 30 days.", "website_id": 7},
            {"url": "https://a.example/about-us"}
        ]),
        json!([
            {"url": "http://127.0.0.1:9999/hook", "events": ["message.received", "ticket.created"], "secret": "whsec_preset"},
            {"url": "https://hooks.example/b", "events": ["message.received"], "website_id": "7"}
        ]),
    )
    .unwrap();
    // Not charged to the daily upload allowance (0 here).
    assert_eq!(chat(&mut m, "When are you open?", "s").body["response"], "We are open from 9am to 5pm, Monday to Friday.");
    assert_eq!(chat(&mut m, "how fast do parcels ship", "s").body["response"], "Parcels ship within two business days.");
    let entries = get(&mut m, "/knowledge/").body["entries"].clone();
    let titles: Vec<&str> = entries.as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["About Us - a.example", "Shipping Policy - a.example", "Hours"]);
    assert_eq!(entries[2]["created_at"], "2024-01-15T10:30:00Z");
    let a = post(&mut m, "/chat/", json!({"message": "returns?", "website_id": 7}));
    assert_eq!(a.body["response"], "Returns are free for 30 days.");
    assert_eq!(a.deliveries.len(), 1);
    assert_eq!(a.deliveries[0].url, "https://hooks.example/b");

    let a = chat(&mut m, "hello", "s2");
    assert_eq!(a.deliveries.len(), 1);
    // HMAC-SHA256 keyed with the preset secret (the verifier is checked against other implementations
    // in tests/webhook_vectors.rs).
    assert_eq!(a.deliveries[0].signature, crate::webhook::sign(b"whsec_preset", a.deliveries[0].body.as_bytes()));
    let hooks = get(&mut m, "/webhooks/").body["webhooks"].clone();
    assert_eq!(hooks.as_array().unwrap().len(), 2);
    assert_eq!(hooks[0]["url"], "http://127.0.0.1:9999/hook");
    assert!(!get(&mut m, "/webhooks/").raw.contains("whsec_preset"), "secrets are never listed");
}

#[test]
fn bad_seeds_name_the_item_and_field() {
    let k = |v: Value| parse_knowledge(&v.to_string()).unwrap_err();
    let w = |v: Value| parse_webhooks(&v.to_string()).unwrap_err();
    for (got, starts) in [
        (k(json!({})), "knowledge: must be an array"),
        (k(json!([1])), "knowledge[0]: must be an object"),
        (k(json!([{"content": "long enough text"}])), "knowledge[0].title: "),
        (k(json!([{"title": "T", "content": "short"}])), "knowledge[0].content: "),
        (k(json!([{"title": "T", "content": "long enough text", "website_id": "x"}])), "knowledge[0].website_id: "),
        (k(json!([{"title": "T", "content": "long enough text", "tags": []}])), "knowledge[0].tags: "),
        (k(json!([{"title": "T", "content": "0123456789"}, {"url": "ftp://x"}])), "knowledge[1].url: "),
        (k(json!([{"url": "https://x.example/", "title": ""}])), "knowledge[0].title: "),
        (w(json!([{"url": "http://example.com/", "events": ["message.received"]}])), "webhooks[0].url: "),
        (w(json!([{"url": "https://example.com/"}])), "webhooks[0].events: "),
        (w(json!([{"url": "https://example.com/", "events": ["message.received", "nope"]}])), "webhooks[0].events[1]: "),
        (w(json!([{"url": "https://example.com/", "events": ["lead.captured"], "secret": ""}])), "webhooks[0].secret: "),
        (w(json!([{"url": "https://example.com/", "events": ["lead.captured"], "secret": "a\nb"}])), "webhooks[0].secret: "),
        (w(json!([{"url": "https://example.com/", "events": ["lead.captured"], "id": "x"}])), "webhooks[0].id: "),
    ] {
        assert!(got.starts_with(starts), "{got:?} should start with {starts:?}");
    }
    // A website the account does not have: nothing is added.
    let err = seeded(json!([{"title": "T", "content": "0123456789", "website_id": 2}]), json!([])).unwrap_err();
    assert_eq!(err, "knowledge[0].website_id: no website 2 (the account's websites: 1, 7)");
    let err = seeded(json!([]), json!([{"url": "https://e.example/", "events": ["lead.captured"], "website_id": 3}])).unwrap_err();
    assert!(err.starts_with("webhooks[0].website_id: no website 3"), "{err}");
    let mut m = Mock::new(MockOptions::default());
    let k = parse_knowledge(&json!([{"title": "T", "content": "0123456789"}]).to_string()).unwrap();
    let w = parse_webhooks(&json!([{"url": "https://e.example/", "events": ["lead.captured"], "website_id": 3}]).to_string()).unwrap();
    assert!(m.seed(k, w, NOW).is_err());
    assert_eq!(get(&mut m, "/knowledge/").body["entries"], json!([]));
    assert_eq!(get(&mut m, "/webhooks/").body["webhooks"], json!([]));
}
