"""The sandbox server (`npx asyntai-edge sandbox`) driven by a client that is not this package:
Python's standard library, as the vendor's own Python clients are (they send `Authorization: Bearer`,
a User-Agent of their own, JSON bodies with `website_id` as a number, and page newest first with
`before`). A local receiver (http.server) verifies every webhook delivery's signature with hmac.

Expected values come from the contract (../shared asyntai-api.md and sdk-spec.md: the reference, and
its last section, "what the vendor's own published clients send and read"), never from the sandbox's
code. Run from tests/ (make test-sandbox): the bin is the packed tarball's, installed as a user has it.
"""

import datetime as dt
import hashlib
import hmac
import http.client
import http.server
import json
import os
import queue
import re
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("SANDBOX_BIN", os.path.join(HERE, "..", "node_modules", ".bin", "asyntai-edge"))
KEY = "sk_python_suite"
SEED_SECRET = "whsec_preset_for_the_python_receiver"
USER_AGENT = "asyntai-python-suite/1.0 (urllib)"

# The contract's fields (asyntai-api.md).
ERROR_KEYS = {"success", "error"}
TICKET_KEYS = {
    "ticket_number", "session_id", "status", "priority", "subject", "visitor_email", "page_url",
    "website_id", "channel", "assigned_to", "created_at", "first_assigned_at", "first_response_at",
    "resolved_at",
}
SESSION_KEYS = {"session_id", "source", "message_count", "first_message", "first_message_at",
                "last_message_at", "website_domain"}
LEAD_KEYS = {"session_id", "email", "phone", "page_url", "started_at"}
EVENTS = ["conversation.started", "message.received", "lead.captured", "escalation.requested", "ticket.created"]

WEBSITES = [
    {"id": 1, "name": "Shop", "domain": "shop.example", "is_primary": True},
    {"id": 2, "name": "Docs", "domain": "docs.example", "is_primary": False},
    {"id": 3, "name": "Paging", "domain": "paging.example", "is_primary": False},
    {"id": 4, "name": "Tickets", "domain": "tickets.example", "is_primary": False},
]
HOURS = "We are open from 9am to 5pm, Monday to Friday."
SHIPPING = "Orders ship within two business days from our warehouse in Lyon."


def when(text):
    """An ISO 8601 timestamp as an aware datetime."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class Receiver:
    """A webhook receiver on loopback: records each delivery and whether its signature verifies
    (hex HMAC-SHA256 of the raw body, keyed with the secret configured for the path)."""

    def __init__(self):
        self.secrets = {}
        self.got = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                signature = self.headers.get("X-Webhook-Signature", "")
                secret = receiver.secrets.get(self.path)
                expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest() if secret else ""
                verified = bool(secret) and hmac.compare_digest(expected, signature)
                event = json.loads(body)
                receiver.got.append({
                    "path": self.path, "event": event.get("event"), "payload": event.get("payload"),
                    "envelope": sorted(event), "verified": verified, "signature": signature,
                    "content_type": self.headers.get("Content-Type"),
                })
                answer = b"ok" if verified else b"bad signature"
                self.send_response(200 if verified else 400)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # the sandbox's kept-alive connection closed when it stops: not an error here

        self.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def at(self, path):
        return [d for d in self.got if d["path"] == path]


class Sandbox:
    """`asyntai-edge sandbox --port 0 ...` in a child process; its output lines are collected."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [BIN, "sandbox", "--port", "0", "--key", KEY, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.output = []
        threading.Thread(target=self._read, daemon=True).start()
        first = self.lines.get(timeout=60)
        match = re.fullmatch(r"asyntai-edge sandbox: (http://127\.0\.0\.1:\d+/api/v1/)", first or "")
        if not match:
            raise AssertionError(f"no base URL in the first line: {first!r}; stderr: {self.proc.stderr.read()}")
        self.base = match.group(1)

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self.output.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=15)

    def call(self, method, path, body=None, query=None, data=None, content_type=None, key=KEY, headers=None):
        """(status, parsed JSON body) of one request, as a vendor's client makes it."""
        url = self.base + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        sent = {"User-Agent": USER_AGENT}
        if key is not None:
            sent["Authorization"] = f"Bearer {key}"
        if body is not None:
            data, content_type = json.dumps(body).encode(), "application/json"
        if content_type:
            sent["Content-Type"] = content_type
        sent.update(headers or {})
        request = urllib.request.Request(url, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=60) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def ok(self, method, path, body=None, **kw):
        status, answer = self.call(method, path, body, **kw)
        assert status == 200 and answer.get("success") is True, (method, path, status, answer)
        return answer


def connection():
    """A raw HTTP/1.1 connection to the sandbox."""
    url = urllib.parse.urlsplit(SANDBOX.base)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def multipart(fields, files):
    """A multipart/form-data body: fields {name: text}, files {name: (filename, bytes)}."""
    boundary = "----asyntaiPythonSuite7MA4YWxkTrZu0gW"
    out = b""
    for name, value in fields.items():
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n').encode()
    for name, (filename, data) in files.items():
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: text/csv\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


RECEIVER = None
SANDBOX = None
SEED_FILE = None


def setUpModule():
    global RECEIVER, SANDBOX, SEED_FILE
    RECEIVER = Receiver()
    RECEIVER.secrets["/seeded"] = SEED_SECRET
    seed = {
        "websites": WEBSITES,
        "knowledge": [
            {"title": "Opening hours", "content": HOURS},
            {"url": "https://shop.example/shipping", "title": "Shipping", "content": SHIPPING},
        ],
        "webhooks": [
            {"url": RECEIVER.url("/seeded"), "events": EVENTS, "secret": SEED_SECRET, "website_id": 4},
        ],
    }
    fd, SEED_FILE = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(seed, f)
    SANDBOX = Sandbox("--seed", SEED_FILE)


def tearDownModule():
    code = SANDBOX.stop(signal.SIGTERM)
    os.unlink(SEED_FILE)
    RECEIVER.server.shutdown()
    assert code == 0, f"exit code {code} on SIGTERM"
    assert any("SIGTERM: stopping" in line for line in SANDBOX.output), SANDBOX.output[-3:]


class Contract(unittest.TestCase):
    def assert_error(self, answer, status, expected_status):
        self.assertEqual(status, expected_status, answer)
        self.assertEqual(set(answer), ERROR_KEYS, answer)
        self.assertIs(answer["success"], False)
        self.assertIsInstance(answer["error"], str)
        self.assertTrue(answer["error"])

    # -- auth, account, websites -------------------------------------------------------------

    def test_auth_account_and_websites(self):
        answer = SANDBOX.ok("GET", "account/")
        account = answer["account"]
        self.assertEqual(set(account), {"email", "plan", "messages_used", "messages_limit"})
        self.assertEqual(account["plan"], "starter")
        self.assertEqual(account["messages_limit"], 2500)  # Starter: 2,500 messages a month
        self.assertIsInstance(account["messages_used"], int)
        status, answer = SANDBOX.call("GET", "account/", key=None, headers={"X-API-Key": KEY})
        self.assertEqual(status, 200, answer)
        status, answer = SANDBOX.call("GET", "account/", key=None)
        self.assert_error(answer, status, 401)
        status, answer = SANDBOX.call("GET", "account/", key="sk_live_WRONG_key_123")
        self.assert_error(answer, status, 401)
        self.assertNotIn("WRONG", answer["error"])
        self.assertEqual(SANDBOX.ok("GET", "websites/")["websites"], WEBSITES)

    # -- knowledge ---------------------------------------------------------------------------

    def test_knowledge_takes_website_id_as_an_integer_or_a_string(self):
        made = []
        for website_id in (2, "2"):
            text = SANDBOX.ok("POST", "knowledge/text/", {
                "title": f"Install ({type(website_id).__name__})",
                "content": "The installer runs on Linux and macOS; Windows users install with WSL.",
                "website_id": website_id,
            })
            self.assertEqual(set(text), {"success", "id", "title", "chunks_created"})
            page = SANDBOX.ok("POST", "knowledge/url/", {"url": "https://docs.example/getting-started", "website_id": website_id})
            self.assertEqual(set(page), {"success", "id", "title", "url", "chunks_created"})
            self.assertEqual(page["url"], "https://docs.example/getting-started")
            made += [text["id"], page["id"]]
        entries = SANDBOX.ok("GET", "knowledge/", query={"website_id": 2})["entries"]
        self.assertEqual([e["id"] for e in entries], made[::-1], "newest first, all on website 2")
        for e in entries:
            self.assertTrue({"id", "type", "title", "description", "created_at"} <= set(e), e)
            when(e["created_at"])
            self.assertIsInstance(e.get("chunks_count", 0), int)
        self.assertNotIn(made[0], [e["id"] for e in SANDBOX.ok("GET", "knowledge/")["entries"]], "not on the primary website")
        # Chat on website 2 (an integer, as /chat/ documents, and as a string) is answered from its knowledge.
        for website_id in (2, "2"):
            answer = SANDBOX.ok("POST", "chat/", {"message": "Does the installer run on macOS?", "website_id": website_id})
            self.assertEqual(answer["response"], "The installer runs on Linux and macOS; Windows users install with WSL.")
        for bad in ("two", 1.5, -2, "", [2], True):
            status, answer = SANDBOX.call("POST", "knowledge/text/", {"title": "T", "content": "0123456789", "website_id": bad})
            self.assert_error(answer, status, 400)
        for unknown in (99, "99"):
            status, answer = SANDBOX.call("POST", "knowledge/url/", {"url": "https://x.example/", "website_id": unknown})
            self.assert_error(answer, status, 404)
        status, answer = SANDBOX.call("POST", "knowledge/text/", {"title": "T", "content": "too short"})
        self.assert_error(answer, status, 400)
        # Delete: once, then 404.
        self.assertEqual(SANDBOX.ok("DELETE", f"knowledge/{made[0]}/")["success"], True)
        status, answer = SANDBOX.call("DELETE", f"knowledge/{made[0]}/")
        self.assert_error(answer, status, 404)

    def test_spreadsheet_upload_is_multipart(self):
        data, content_type = multipart({"website_id": "2"}, {"file": ("parts.csv", b"sku,part,price\r\nX-9,Titanium sprocket,41.50\r\nX-10,Brass hinge,3.20\r\n")})
        answer = SANDBOX.ok("POST", "knowledge/spreadsheet/", data=data, content_type=content_type)
        self.assertEqual(set(answer), {"success", "id", "title", "rows_processed", "chunks_created"})
        self.assertEqual(answer["rows_processed"], 2)  # the first row holds the column headers
        reply = SANDBOX.ok("POST", "chat/", {"message": "price of the titanium sprocket?", "website_id": 2})["response"]
        self.assertIn("Titanium sprocket", reply)
        self.assertIn("41.50", reply)
        data, content_type = multipart({"website_id": "nine"}, {"file": ("a.csv", b"k\nv\n")})
        status, answer = SANDBOX.call("POST", "knowledge/spreadsheet/", data=data, content_type=content_type)
        self.assert_error(answer, status, 400)

    # -- chat, conversations, sessions --------------------------------------------------------

    def test_chat_is_grounded_in_the_seeded_knowledge_and_kept_as_history(self):
        first = SANDBOX.ok("POST", "chat/", {"message": "When are you open?"})
        self.assertTrue({"success", "response", "session_id"} <= set(first))
        self.assertEqual(first["response"], HOURS)
        sid = first["session_id"]
        second = SANDBOX.ok("POST", "chat/", {"message": "How fast do orders ship?", "session_id": sid, "website_id": 1})
        self.assertEqual(second["session_id"], sid)
        self.assertEqual(second["response"], SHIPPING)
        history = SANDBOX.ok("GET", "conversations/", query={"session_id": sid})
        self.assertEqual(history["session_id"], sid)
        self.assertEqual([(m["role"], m["content"]) for m in history["messages"]], [
            ("user", "When are you open?"), ("assistant", HOURS),
            ("user", "How fast do orders ship?"), ("assistant", SHIPPING),
        ])
        for m in history["messages"]:
            when(m["timestamp"])
        last = SANDBOX.ok("GET", "conversations/", query={"session_id": sid, "limit": 1})["messages"]
        self.assertEqual([m["content"] for m in last], [SHIPPING])
        status, answer = SANDBOX.call("GET", "conversations/", query={"session_id": "no-such-session"})
        self.assert_error(answer, status, 404)
        sessions = SANDBOX.ok("GET", "sessions/", query={"website_id": "1", "source": "api", "limit": 100})["sessions"]
        mine = [s for s in sessions if s["session_id"] == sid]
        self.assertEqual(len(mine), 1)
        self.assertTrue(SESSION_KEYS <= set(mine[0]), mine[0])
        self.assertEqual(mine[0]["message_count"], 4)
        self.assertEqual(mine[0]["first_message"], "When are you open?")
        self.assertEqual(mine[0]["website_domain"], "shop.example")
        self.assertEqual(SANDBOX.ok("GET", "sessions/", query={"source": "whatsapp"})["sessions"], [])
        status, answer = SANDBOX.call("GET", "sessions/", query={"source": "email"})
        self.assert_error(answer, status, 400)
        status, answer = SANDBOX.call("POST", "chat/", {"message": "hi", "website_id": 42})
        self.assert_error(answer, status, 404)

    # -- paging, newest first -----------------------------------------------------------------

    def page_all(self, path, key, field, **query):
        """Every item, asking each next page with before = the page's oldest `field`, as the
        vendor's Singer tap does; an error if a page repeats."""
        items, before, pages = [], None, []
        while True:
            q = dict(query, limit=2)
            if before:
                q["before"] = before
            page = SANDBOX.ok("GET", path, query=q)[key]
            ids = [json.dumps(i, sort_keys=True) for i in page]
            self.assertNotIn(ids, pages, "Loop detected in pagination")
            pages.append(ids)
            items += page
            if len(page) < 2:
                return items, len(pages)
            before = page[-1][field]

    def test_paging_50_sessions_and_leads_newest_first_each_once(self):
        made = []
        for i in range(50):
            answer = SANDBOX.ok("POST", "chat/", {"message": f"Hello! Write to me at visitor{i}@paging.example", "website_id": 3})
            made.append(answer["session_id"])
        self.assertEqual(len(set(made)), 50)

        sessions, pages = self.page_all("sessions/", "sessions", "started_at", website_id=3)
        self.assertEqual([s["session_id"] for s in sessions], made[::-1], "each session once, newest first")
        self.assertLessEqual(pages, 26)
        starts = [when(s["started_at"]) for s in sessions]
        self.assertEqual(starts, sorted(starts, reverse=True))
        self.assertEqual(len(set(starts)), 50, "no two sessions share a started_at")

        leads, _ = self.page_all("leads/", "leads", "started_at", website_id="3")
        self.assertEqual([lead["session_id"] for lead in leads], made[::-1])
        self.assertEqual([lead["email"] for lead in leads], [f"visitor{i}@paging.example" for i in reversed(range(50))])
        for lead in leads:
            self.assertEqual(set(lead), LEAD_KEYS)

        # since is inclusive, before exclusive, on started_at; any ISO 8601 spelling of the instant.
        tenth = sessions[9]["started_at"]
        instant = when(tenth)
        spellings = [tenth, instant.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat(timespec="microseconds"),
                     instant.astimezone(dt.timezone(dt.timedelta(hours=-5, minutes=-30))).isoformat(timespec="milliseconds")]
        for spelled in spellings:
            newer = SANDBOX.ok("GET", "sessions/", query={"website_id": 3, "limit": 100, "since": spelled})["sessions"]
            self.assertEqual([s["session_id"] for s in newer], made[::-1][:10], spelled)
            older = SANDBOX.ok("GET", "leads/", query={"website_id": 3, "limit": 100, "before": spelled})["leads"]
            self.assertEqual([lead["session_id"] for lead in older], made[::-1][10:], spelled)
        yesterday = (instant - dt.timedelta(days=1)).date().isoformat()  # a date alone: midnight UTC
        self.assertEqual(len(SANDBOX.ok("GET", "sessions/", query={"website_id": 3, "limit": 100, "since": yesterday})["sessions"]), 50)
        self.assertEqual(SANDBOX.ok("GET", "leads/", query={"website_id": 3, "before": "2000-01-01"})["leads"], [])
        for bad in ("yesterday", "2024-13-01", "1705312800"):
            for path in ("sessions/", "leads/", "tickets/"):
                status, answer = SANDBOX.call("GET", path, query={"since": bad})
                self.assert_error(answer, status, 400)

        # The email filter: an exact match.
        found = SANDBOX.ok("GET", "leads/", query={"email": "visitor7@paging.example"})["leads"]
        self.assertEqual([lead["session_id"] for lead in found], [made[7]])
        self.assertEqual(SANDBOX.ok("GET", "leads/", query={"email": "visitor7@paging"})["leads"], [])
        self.assertEqual(SANDBOX.ok("GET", "leads/", query={"email": "nobody@paging.example"})["leads"], [])

    # -- tickets -------------------------------------------------------------------------------

    def test_asking_for_a_human_opens_a_ticket_delivered_signed(self):
        before = len(RECEIVER.at("/seeded"))
        answer = SANDBOX.ok("POST", "chat/", {
            "message": "My email is pat@tickets.example. Can I talk to a human, please?", "website_id": 4})
        sid = answer["session_id"]
        tickets = SANDBOX.ok("GET", "tickets/", query={"website_id": 4})["tickets"]
        mine = [t for t in tickets if t["session_id"] == sid]
        self.assertEqual(len(mine), 1, tickets)
        ticket = mine[0]
        self.assertEqual(set(ticket), TICKET_KEYS)
        self.assertRegex(ticket["ticket_number"], r"^TKT-\d{5}$")
        self.assertEqual(ticket["website_id"], 4)
        self.assertIsInstance(ticket["website_id"], int)
        self.assertEqual(ticket["visitor_email"], "pat@tickets.example")
        for field in ("status", "priority", "subject", "channel"):
            self.assertIsInstance(ticket[field], str)
        when(ticket["created_at"])
        self.assertEqual(SANDBOX.ok("GET", "tickets/", query={"website_id": "4"})["tickets"], tickets)

        # The seeded webhook (website 4, a preset secret) got the events, made before the answer.
        got = RECEIVER.at("/seeded")[before:]
        self.assertEqual([d["event"] for d in got],
                         ["conversation.started", "message.received", "lead.captured", "escalation.requested", "ticket.created"])
        for d in got:
            self.assertTrue(d["verified"], d)
            self.assertEqual(d["envelope"], ["event", "payload"])
            self.assertEqual(d["content_type"], "application/json")
            self.assertRegex(d["signature"], r"^[0-9a-f]{64}$")
        self.assertEqual(got[-1]["payload"], ticket)
        self.assertEqual(got[2]["payload"]["email"], "pat@tickets.example")
        self.assertEqual(got[2]["payload"]["session_id"], sid)

        # More tickets, paged newest first with before on created_at.
        for i in range(4):
            SANDBOX.ok("POST", "chat/", {"message": f"I need a real person ({i})", "website_id": "4"})
        paged, _ = self.page_all("tickets/", "tickets", "created_at", website_id=4)
        numbers = [t["ticket_number"] for t in paged]
        self.assertEqual(len(numbers), 5)
        self.assertEqual(len(set(numbers)), 5)
        created = [when(t["created_at"]) for t in paged]
        self.assertEqual(created, sorted(created, reverse=True))
        self.assertEqual(paged[-1]["ticket_number"], ticket["ticket_number"])

    # -- webhooks ------------------------------------------------------------------------------

    def test_webhooks_made_through_the_api_deliver_signed_events(self):
        url = RECEIVER.url("/api-hook")
        made = SANDBOX.ok("POST", "webhooks/", {"url": url, "events": EVENTS, "website_id": 1})["webhook"]
        self.assertEqual(set(made), {"id", "url", "events", "secret", "created_at"})
        self.assertTrue(made["secret"].startswith("whsec_"))
        RECEIVER.secrets["/api-hook"] = made["secret"]
        listed = [w for w in SANDBOX.ok("GET", "webhooks/")["webhooks"] if w["id"] == made["id"]]
        self.assertEqual(len(listed), 1)
        self.assertEqual(set(listed[0]), {"id", "url", "events", "is_active", "created_at"})

        before = len(RECEIVER.at("/api-hook"))
        answer = SANDBOX.ok("POST", "chat/", {"message": "Call me back on +1 415 555 0100, I'm Sam (sam@shop.example)"})
        got = RECEIVER.at("/api-hook")[before:]
        self.assertEqual([d["event"] for d in got], ["conversation.started", "message.received", "lead.captured"])
        self.assertTrue(all(d["verified"] for d in got), got)
        self.assertEqual(got[1]["payload"]["session_id"], answer["session_id"])
        self.assertEqual(got[1]["payload"]["response"], answer["response"])
        lead = got[2]["payload"]
        self.assertTrue({"email", "phone", "page_url", "country", "website_domain", "session_id", "started_at"} <= set(lead))
        self.assertEqual(lead["email"], "sam@shop.example")

        self.assertEqual(SANDBOX.ok("DELETE", f"webhooks/{made['id']}/")["success"], True)
        status, answer = SANDBOX.call("DELETE", f"webhooks/{made['id']}/")
        self.assert_error(answer, status, 404)
        SANDBOX.ok("POST", "chat/", {"message": "anyone there?"})
        self.assertEqual(len(RECEIVER.at("/api-hook")), before + 3, "a deleted webhook gets nothing")
        for bad in ({"url": "http://example.com/hook", "events": ["message.received"]},
                    {"url": url, "events": ["not.an.event"]}, {"url": url, "events": []}, {"url": url}):
            status, answer = SANDBOX.call("POST", "webhooks/", bad)
            self.assert_error(answer, status, 400)

    # -- bad input -----------------------------------------------------------------------------

    def test_bad_input_gets_the_documented_error_form(self):
        cases = [
            (("POST", "chat/"), {"data": b"{not json", "content_type": "application/json"}, 400),
            (("POST", "chat/"), {"data": b"[1, 2]", "content_type": "application/json"}, 400),
            (("POST", "chat/"), {"data": b"", "content_type": "application/json"}, 400),
            (("POST", "chat/"), {"data": b"\xff\xfe{}", "content_type": "application/json"}, 400),
            (("POST", "knowledge/text/"), {"data": b"x" * (20 * 1024 * 1024), "content_type": "application/json"}, 413),
            (("POST", "knowledge/spreadsheet/"), {"data": b"--b\r\ngarbage", "content_type": "multipart/form-data"}, 400),
            (("POST", "knowledge/spreadsheet/"), {"data": b"garbage", "content_type": "multipart/form-data; boundary=b"}, 400),
            (("POST", "knowledge/spreadsheet/"), {"data": b"{}", "content_type": "application/json"}, 400),
            (("GET", "nope/"), {}, 404),
            (("GET", "chat"), {}, 404),
            (("GET", "chat/"), {}, 405),
            (("GET", "sessions/"), {"query": {"limit": 0}}, 400),
            (("GET", "sessions/"), {"query": {"limit": 101}}, 400),
        ]
        for (method, path), kw, expected in cases:
            status, answer = SANDBOX.call(method, path, **kw)
            self.assert_error(answer, status, expected)
        # Outside /api/v1/: the same form.
        for path in ("/", "/chat/", "/api/v2/chat/"):
            conn = connection()
            conn.request("GET", path, headers={"Authorization": f"Bearer {KEY}"})
            res = conn.getresponse()
            self.assert_error(json.loads(res.read()), res.status, 404)
            conn.close()
        # Still serving.
        self.assertEqual(SANDBOX.ok("GET", "account/")["account"]["plan"], "starter")

    # -- the server itself ---------------------------------------------------------------------

    def test_keep_alive_and_one_log_line_per_request(self):
        conn = connection()
        sockets = set()
        for _ in range(30):
            conn.request("GET", "/api/v1/websites/", headers={"Authorization": f"Bearer {KEY}", "User-Agent": USER_AGENT})
            res = conn.getresponse()
            self.assertEqual(res.status, 200)
            self.assertEqual(res.getheader("Content-Type"), "application/json")
            json.loads(res.read())
            sockets.add(id(conn.sock))
        conn.close()
        self.assertEqual(len(sockets), 1, "30 requests on one kept-alive connection")
        deadline = time.time() + 5
        line = re.compile(r"^GET /api/v1/websites/ 200 \d+\.\d ms$")
        while time.time() < deadline and sum(1 for entry in SANDBOX.output if line.match(entry)) < 30:
            time.sleep(0.05)
        self.assertGreaterEqual(sum(1 for entry in SANDBOX.output if line.match(entry)), 30, SANDBOX.output[-5:])


if __name__ == "__main__":
    unittest.main()
