//! What the vendor's published clients send and read (asyntai-api.md, "Beyond the reference"):
//! `website_id` as an integer or a string everywhere, `since`/`before` paging newest first, the leads
//! `email` filter, `/tickets/` and `ticket.created`, the extra fields. Expected values are written
//! out from the contract.

use super::*;

fn two_sites() -> Mock {
    Mock::new(MockOptions {
        websites: vec![
            Website { id: 1, name: "A".into(), domain: "a.example".into(), is_primary: true },
            Website { id: 2, name: "B".into(), domain: "b.example".into(), is_primary: false },
        ],
        ..MockOptions::default()
    })
}

fn list(m: &mut Mock, target: &str, key: &str) -> Vec<Value> {
    let a = get(m, target);
    assert_eq!(a.status, 200, "{target}: {}", a.raw);
    a.body[key].as_array().unwrap().clone()
}

fn strings(items: &[Value], key: &str) -> Vec<String> {
    items.iter().map(|v| v[key].as_str().unwrap().to_owned()).collect()
}

#[test]
fn website_id_as_integer_or_string_on_every_endpoint() {
    let mut m = two_sites();
    for website_id in [json!(2), json!("2")] {
        let a = post(&mut m, "/knowledge/text/", json!({"title": "T", "content": "Text for site two.", "website_id": website_id}));
        assert_eq!(a.status, 200, "{website_id}: {}", a.raw);
        let a = post(&mut m, "/knowledge/url/", json!({"url": "https://b.example/faq", "website_id": website_id}));
        assert_eq!(a.status, 200, "{website_id}: {}", a.raw);
        let a = post(&mut m, "/webhooks/", json!({"url": "https://h.example/", "events": ["message.received"], "website_id": website_id}));
        assert_eq!(a.status, 200, "{website_id}: {}", a.raw);
        let a = post(&mut m, "/chat/", json!({"message": "hello", "website_id": website_id}));
        assert_eq!(a.status, 200, "{website_id}: {}", a.raw);
        assert_eq!(a.deliveries.len(), if website_id.is_number() { 1 } else { 2 }, "the site-2 webhooks");
    }
    // Every entry and session went to website 2.
    assert_eq!(list(&mut m, "/knowledge/?website_id=2", "entries").len(), 4);
    assert_eq!(list(&mut m, "/knowledge/", "entries").len(), 0);
    assert_eq!(list(&mut m, "/sessions/?website_id=2", "sessions").len(), 2);
    assert_eq!(list(&mut m, "/sessions/?website_id=1", "sessions").len(), 0);
    // A form field of the spreadsheet upload.
    let body = multipart_body("b", Some("s.csv"), b"k\nv\n", Some("2"));
    let mut headers = bearer();
    headers.push(("content-type".into(), "multipart/form-data; boundary=b".into()));
    let a = call_with(&mut m, "POST", "/knowledge/spreadsheet/", &headers, &body, NOW);
    assert_eq!(a.status, 200, "{}", a.raw);
    assert_eq!(list(&mut m, "/knowledge/?website_id=2", "entries").len(), 5);
    // Refused: not an integer, not digits; unknown websites are 404.
    for bad in [json!(-1), json!(1.5), json!("1.0"), json!(""), json!(" 1"), json!(true), json!([2]), json!({"id": 2})] {
        let a = post(&mut m, "/knowledge/text/", json!({"title": "T", "content": "0123456789", "website_id": bad}));
        expect_400(a, "website_id");
        let a = post(&mut m, "/chat/", json!({"message": "hi", "website_id": bad}));
        expect_400(a, "website_id");
    }
    for unknown in [json!(3), json!("3"), json!(0)] {
        assert_eq!(post(&mut m, "/knowledge/url/", json!({"url": "https://x.example/", "website_id": unknown})).status, 404);
    }
    for target in ["/sessions/?website_id=x", "/leads/?website_id=", "/tickets/?website_id=1e3", "/knowledge/?website_id=%2B1"] {
        expect_400(get(&mut m, target), "website_id");
    }
    assert_eq!(get(&mut m, "/tickets/?website_id=3").status, 404);
    // null is absent: the primary website.
    let a = post(&mut m, "/knowledge/text/", json!({"title": "T", "content": "0123456789", "website_id": null}));
    assert_eq!(a.status, 200);
    assert_eq!(list(&mut m, "/knowledge/?website_id=1", "entries").len(), 1);
}

/// `n` sessions, one per request, all at the same instant (a clock standing still); session i
/// leaves the email `v{i}@example.org`.
fn sessions_at_one_instant(m: &mut Mock, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let a = post(m, "/chat/", json!({"message": format!("hi, mail me at v{i}@example.org"), "website_id": 2}));
            assert_eq!(a.status, 200, "{}", a.raw);
            a.body["session_id"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// Pages `target` with `limit=2`, asking each next page with `before` = the oldest `field` of the
/// page, as the Singer tap does; stops after a short page.
fn page_all(m: &mut Mock, target: &str, key: &str, field: &str) -> (Vec<Value>, usize) {
    let mut seen: Vec<Value> = Vec::new();
    let mut before: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut t = format!("{target}{}limit=2", if target.contains('?') { '&' } else { '?' });
        if let Some(b) = &before {
            t.push_str(&format!("&before={b}"));
        }
        let page = list(m, &t, key);
        pages += 1;
        assert!(pages < 1000, "paging never ends");
        if let Some(last) = page.last() {
            before = Some(last[field].as_str().unwrap().to_owned());
        }
        let short = page.len() < 2;
        seen.extend(page);
        if short {
            return (seen, pages);
        }
    }
}

#[test]
fn sessions_and_leads_page_newest_first_with_before() {
    let mut m = two_sites();
    chat(&mut m, "on the other website", "other");
    let ids = sessions_at_one_instant(&mut m, 50);
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();

    let (sessions, pages) = page_all(&mut m, "/sessions/?website_id=2", "sessions", "started_at");
    assert_eq!(strings(&sessions, "session_id"), newest_first, "each session once, newest first");
    assert_eq!(pages, 26, "25 full pages, then an empty one");
    // 50 distinct started_at values 1 ms apart, from the instant of the first request.
    let starts = strings(&sessions, "started_at");
    assert_eq!(starts.last().unwrap(), "2024-01-15T10:30:00.001Z"); // 1 ms after the other website's session
    assert_eq!(starts.first().unwrap(), "2024-01-15T10:30:00.050Z");

    let (leads, _) = page_all(&mut m, "/leads/?website_id=2", "leads", "started_at");
    assert_eq!(strings(&leads, "session_id"), newest_first);
    assert_eq!(leads[0]["email"], "v49@example.org");
    assert_eq!(leads[49]["email"], "v0@example.org");
}

#[test]
fn since_is_inclusive_and_before_exclusive_in_any_iso_8601_spelling() {
    let mut m = mock();
    // Sessions at 10:00, 11:00, 12:00 (UTC) on 2024-01-15.
    let hour = 3_600_000.0;
    let at = |h: f64| 1_705_312_800_000.0 + (h - 10.0) * hour; // 10:00Z = 1705312800
    for (h, id) in [(10.0, "ten"), (11.0, "eleven"), (12.0, "noon")] {
        let a = post_at(&mut m, "/chat/", json!({"message": format!("hello, I am {id}@example.com"), "session_id": id}), at(h));
        assert_eq!(a.status, 200);
    }
    let ids = |m: &mut Mock, q: &str| -> Vec<String> {
        let out = strings(&list(m, &format!("/sessions/?{q}"), "sessions"), "session_id");
        let leads = strings(&list(m, &format!("/leads/?{q}"), "leads"), "session_id");
        assert_eq!(out, leads, "{q}: leads page as sessions do");
        out
    };
    assert_eq!(ids(&mut m, ""), ["noon", "eleven", "ten"]);
    assert_eq!(ids(&mut m, "since=2024-01-15T11:00:00Z"), ["noon", "eleven"]);
    assert_eq!(ids(&mut m, "before=2024-01-15T11:00:00Z"), ["ten"]);
    assert_eq!(ids(&mut m, "since=2024-01-15T11:00:00Z&before=2024-01-15T12:00:00Z"), ["eleven"]);
    assert_eq!(ids(&mut m, "since=2024-01-15T11:00:00.001Z"), ["noon"]);
    assert_eq!(ids(&mut m, "before=2024-01-15T11:00:00.001Z"), ["eleven", "ten"]);
    // The same instants with offsets, encoded and not (an unencoded + arrives as a space).
    assert_eq!(ids(&mut m, "since=2024-01-15T13:00:00%2B02:00"), ["noon", "eleven"]);
    assert_eq!(ids(&mut m, "since=2024-01-15T13:00:00+02:00"), ["noon", "eleven"]);
    assert_eq!(ids(&mut m, "before=2024-01-15T06:00:00-05:00"), ["ten"]);
    // A date alone is midnight UTC.
    assert_eq!(ids(&mut m, "since=2024-01-15"), ["noon", "eleven", "ten"]);
    assert!(ids(&mut m, "since=2024-01-16").is_empty());
    assert!(ids(&mut m, "before=2024-01-15").is_empty());
    assert_eq!(ids(&mut m, "before=2024-01-16&limit=1"), ["noon"]);
    // An empty window is an empty list, not an error.
    assert!(ids(&mut m, "since=2024-01-15T12:00:00Z&before=2024-01-15T10:00:00Z").is_empty());
    for target in ["/sessions/", "/leads/", "/tickets/"] {
        for bad in ["since=yesterday", "before=2024-13-01", "since=", "before=1705312800", "since=2024-01-15T25:00Z"] {
            let a = get(&mut m, &format!("{target}?{bad}"));
            expect_400(a, bad.split('=').next().unwrap());
        }
    }
}

#[test]
fn leads_email_filter_is_an_exact_match() {
    let mut m = mock();
    chat(&mut m, "I am ann@example.com", "a");
    chat(&mut m, "I am bob@example.com, or call +1 555 123 4567", "b");
    chat(&mut m, "just a phone: +44 20 7946 0958", "c");
    let by = |m: &mut Mock, email: &str| strings(&list(m, &format!("/leads/?email={email}"), "leads"), "session_id");
    assert_eq!(by(&mut m, "bob@example.com"), ["b"]);
    assert_eq!(by(&mut m, "bob%40example.com"), ["b"]);
    assert!(by(&mut m, "bob@example").is_empty());
    assert!(by(&mut m, "ob@example.com").is_empty());
    assert!(by(&mut m, "nobody@example.com").is_empty());
    assert_eq!(list(&mut m, "/leads/", "leads").len(), 3);
    expect_400(get(&mut m, "/leads/?email="), "email");
    // With since and limit together.
    assert_eq!(strings(&list(&mut m, "/leads/?email=ann@example.com&since=2024-01-15", "leads"), "session_id"), ["a"]);
}

#[test]
fn asking_for_a_human_opens_one_ticket_per_session_with_a_signed_delivery() {
    let mut m = two_sites();
    assert_eq!(get(&mut m, "/tickets/").body, json!({"success": true, "tickets": []}));
    let hook = post(&mut m, "/webhooks/", json!({"url": "https://h.example/t", "events": ["ticket.created"]}));
    let secret = hook.body["webhook"]["secret"].as_str().unwrap().to_owned();

    chat(&mut m, "My email is jo@example.org", "s1");
    let a = chat(&mut m, "I'd like to talk to a human please\nabout my order", "s1");
    assert_eq!(a.body["response"], ESCALATION_ANSWER);
    let expected = json!({
        "ticket_number": "TKT-00001", "session_id": "s1", "status": "open", "priority": "normal",
        "subject": "I'd like to talk to a human please", "visitor_email": "jo@example.org", "page_url": null,
        "website_id": 1, "channel": "api", "assigned_to": null, "created_at": "2024-01-15T10:30:00.000Z",
        "first_assigned_at": null, "first_response_at": null, "resolved_at": null
    });
    assert_eq!(a.deliveries.len(), 1);
    let d = &a.deliveries[0];
    assert_eq!(d.event, "ticket.created");
    assert_eq!(d.url, "https://h.example/t");
    assert_eq!(serde_json::from_str::<Value>(&d.body).unwrap(), json!({"event": "ticket.created", "payload": expected}));
    assert_eq!(d.signature, crate::webhook::sign(secret.as_bytes(), d.body.as_bytes()));
    assert_eq!(get(&mut m, "/tickets/").body, json!({"success": true, "tickets": [expected]}));

    // Asking again in the same session opens no second ticket; another session (another website) does.
    let a = chat(&mut m, "a real person, now!", "s1");
    assert!(a.deliveries.is_empty());
    let a = post(&mut m, "/chat/", json!({"message": "can I speak to someone?", "session_id": "s2", "website_id": 2}));
    assert!(a.deliveries.is_empty(), "the webhook is website 1's");
    let tickets = list(&mut m, "/tickets/", "tickets");
    assert_eq!(strings(&tickets, "ticket_number"), ["TKT-00002", "TKT-00001"]);
    assert_eq!(tickets[0]["website_id"], 2);
    assert_eq!(tickets[0]["visitor_email"], Value::Null);
    assert_eq!(tickets[0]["created_at"], "2024-01-15T10:30:00.001Z", "1 ms after the first: the clock stood still");
    assert_eq!(strings(&list(&mut m, "/tickets/?website_id=2", "tickets"), "session_id"), ["s2"]);
    assert_eq!(strings(&list(&mut m, "/tickets/?website_id=1", "tickets"), "session_id"), ["s1"]);
    assert_eq!(strings(&list(&mut m, "/tickets/?limit=1", "tickets"), "session_id"), ["s2"]);
    assert_eq!(
        strings(&list(&mut m, "/tickets/?before=2024-01-15T10:30:00.001Z", "tickets"), "session_id"),
        ["s1"]
    );
    assert_eq!(
        strings(&list(&mut m, "/tickets/?since=2024-01-15T10:30:00.001Z", "tickets"), "session_id"),
        ["s2"]
    );
    expect_400(get(&mut m, "/tickets/?limit=0"), "limit");
    assert_eq!(call_with(&mut m, "POST", "/tickets/", &bearer(), b"{}", NOW).status, 405);
    // The ticket's visitor_email follows the session's lead.
    chat(&mut m, "it's kim@example.net", "s2");
    assert_eq!(list(&mut m, "/tickets/?website_id=2", "tickets")[0]["visitor_email"], "kim@example.net");
}

#[test]
fn tickets_page_newest_first() {
    let mut m = mock();
    for i in 0..7 {
        assert_eq!(chat(&mut m, "human please", &format!("t{i}")).status, 200);
    }
    let (tickets, pages) = page_all(&mut m, "/tickets/", "tickets", "created_at");
    assert_eq!(
        strings(&tickets, "ticket_number"),
        ["TKT-00007", "TKT-00006", "TKT-00005", "TKT-00004", "TKT-00003", "TKT-00002", "TKT-00001"]
    );
    assert_eq!(pages, 4, "3 full pages and a short one");
}

#[test]
fn ticket_created_is_an_event_to_subscribe_to() {
    assert!(EVENTS.contains(&"ticket.created"));
    assert!(EVENTS.contains(&"lead.captured"));
    let mut m = mock();
    let a = post(&mut m, "/webhooks/", json!({"url": "https://h.example/", "events": ["ticket.created", "escalation.requested"]}));
    assert_eq!(a.status, 200, "{}", a.raw);
    let a = chat(&mut m, "operator!", "x");
    let events: Vec<&str> = a.deliveries.iter().map(|d| d.event.as_str()).collect();
    assert_eq!(events, ["escalation.requested", "ticket.created"]);
}

#[test]
fn knowledge_entries_count_their_chunks() {
    let mut m = mock();
    let long: String = (0..200).map(|i| format!("Sentence number {i} about the store. ")).collect();
    let a = post(&mut m, "/knowledge/text/", json!({"title": "Long", "content": long}));
    let created = a.body["chunks_created"].as_u64().unwrap();
    assert!(created > 1);
    let entries = list(&mut m, "/knowledge/", "entries");
    assert_eq!(entries[0]["chunks_count"], created);
}

#[test]
fn unknown_body_fields_are_ignored_as_a_server_does() {
    let mut m = mock();
    let a = post(&mut m, "/chat/", json!({"message": "hi", "metadata": {"page": "/x"}, "stream": false}));
    assert_eq!(a.status, 200, "{}", a.raw);
    let a = post(&mut m, "/knowledge/text/", json!({"title": "T", "content": "0123456789", "tags": ["a"]}));
    assert_eq!(a.status, 200, "{}", a.raw);
}
