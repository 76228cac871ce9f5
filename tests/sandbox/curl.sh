#!/usr/bin/env bash
# The sandbox server driven by curl: every endpoint, both spellings of website_id, a multipart upload
# (-F), the error form, a 20 MB body refused before it is sent (Expect: 100-continue), connection
# reuse, and a clean stop on Ctrl-C (SIGINT). Expected values come from the API contract
# (asyntai-api.md). Run from tests/ (make test-sandbox); prints `# pass N` / `# fail N`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SANDBOX_BIN:-node_modules/.bin/asyntai-edge}
KEY=curl_key
work=$(mktemp -d)
"$BIN" sandbox --port 0 --key "$KEY" >"$work/out" 2>"$work/err" &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  [ -n "${KEEP_OUT:-}" ] && cp "$work/out" "$KEEP_OUT"; rm -rf "$work"
}
trap cleanup EXIT

base=
for _ in $(seq 300); do
  base=$(sed -n 's|^asyntai-edge sandbox: \(http://.*/api/v1/\)$|\1|p' "$work/out")
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || { echo "the sandbox did not start:"; cat "$work/out" "$work/err"; exit 1; }
echo "# sandbox at $base"

pass=0
fail=0
requests=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok $((pass + fail)) - $1"; echo "#   $2"; }

# json EXPR: evaluates a Python expression on the last body (`d`).
json() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/body" "$1"; }

# req NAME STATUS METHOD PATH [curl args...]: one request with the key (KEYHDR=... to send another
# header instead); checks the status, and that an error body is exactly {success: false, error}.
req() {
  local name=$1 want=$2 method=$3 path=$4
  shift 4
  local got
  requests=$((requests + 1))
  got=$(curl -sS -o "$work/body" -w '%{http_code}' -X "$method" -H "${KEYHDR-Authorization: Bearer $KEY}" "$@" "$base$path")
  if [ "$got" != "$want" ]; then
    not_ok "$name" "status $got, expected $want: $(head -c 300 "$work/body")"
    return 0
  fi
  if [ "$want" != 200 ] && [ "$(json 'sorted(d) == ["error", "success"] and d["success"] is False')" != True ]; then
    not_ok "$name" "not the {success: false, error} form: $(head -c 300 "$work/body")"
    return 0
  fi
  ok "$name"
}

# expect NAME PYTHON-EXPR: a check on the last body.
expect() {
  if [ "$(json "$2")" = True ]; then ok "$1"; else not_ok "$1" "$2 on $(head -c 300 "$work/body")"; fi
}

J=(-H 'Content-Type: application/json')

req "account" 200 GET account/
expect "account: the starter plan, 2,500 messages" 'd["account"]["plan"] == "starter" and d["account"]["messages_limit"] == 2500'
KEYHDR="X-API-Key: $KEY" req "X-API-Key is accepted too" 200 GET account/
KEYHDR="X-Other: 1" req "no key: 401" 401 GET account/
req "websites" 200 GET websites/
expect "websites: one primary" '[w["is_primary"] for w in d["websites"]] == [True]'

req "knowledge/text with website_id 1 (a number)" 200 POST knowledge/text/ "${J[@]}" \
  -d '{"title":"Returns","content":"Returns are accepted within 30 days of delivery, with the receipt.","website_id":1}'
expect "knowledge/text answer" 'sorted(d) == ["chunks_created", "id", "success", "title"]'
req "knowledge/url with website_id \"1\" (a string)" 200 POST knowledge/url/ "${J[@]}" -d '{"url":"https://example.com/faq","website_id":"1"}'
expect "knowledge/url answer" 'd["url"] == "https://example.com/faq" and sorted(d) == ["chunks_created", "id", "success", "title", "url"]'
printf 'city,hours\nLyon,9am-6pm\nNantes,10am-4pm\n' >"$work/stores.csv"
req "knowledge/spreadsheet (multipart, -F)" 200 POST knowledge/spreadsheet/ -F "file=@$work/stores.csv;type=text/csv" -F website_id=1
expect "spreadsheet: 2 rows" 'd["rows_processed"] == 2'
req "knowledge list" 200 GET 'knowledge/?limit=10&website_id=1'
expect "knowledge list: 3 entries, newest first" '[e["type"] for e in d["entries"]] == ["spreadsheet", "url", "text"]'
entry=$(json 'd["entries"][2]["id"]')

req "chat" 200 POST chat/ "${J[@]}" -d '{"message":"How many days do I have for returns?","website_id":1}'
expect "chat: answered from the knowledge" '"30 days" in d["response"]'
session=$(json 'd["session_id"]')
req "chat, same session, website_id as a string" 200 POST chat/ "${J[@]}" \
  -d "{\"message\":\"Hours in Nantes? Mail me: lou@example.org\",\"session_id\":\"$session\",\"website_id\":\"1\"}"
expect "chat: same session" "d['session_id'] == '$session' and 'Nantes' in d['response']"
req "conversations" 200 GET "conversations/?session_id=$session"
expect "conversations: 4 messages" '[m["role"] for m in d["messages"]] == ["user", "assistant"] * 2'
req "sessions since a date" 200 GET 'sessions/?limit=5&since=2000-01-01&source=api'
expect "sessions: the session" "[s['session_id'] for s in d['sessions']] == ['$session']"
req "sessions before 2000" 200 GET 'sessions/?before=2000-01-01T00:00:00%2B01:00'
expect "sessions before 2000: none" 'd["sessions"] == []'
req "leads by email" 200 GET 'leads/?email=lou@example.org&website_id=1'
expect "leads: the lead" "[(l['session_id'], l['email']) for l in d['leads']] == [('$session', 'lou@example.org')]"

req "webhook create" 200 POST webhooks/ "${J[@]}" -d '{"url":"http://127.0.0.1:9/asyntai","events":["ticket.created","lead.captured"],"website_id":1}'
expect "webhook: a whsec_ secret" 'd["webhook"]["secret"].startswith("whsec_")'
hook=$(json 'd["webhook"]["id"]')
req "webhooks list" 200 GET webhooks/
expect "webhooks list: no secret" '"secret" not in d["webhooks"][0]'
req "chat asking for a human" 200 POST chat/ "${J[@]}" -d '{"message":"Can I speak to someone?"}'
human=$(json 'd["session_id"]')
req "tickets" 200 GET 'tickets/?website_id=1'
expect "tickets: one, for the session" "[t['session_id'] for t in d['tickets']] == ['$human'] and d['tickets'][0]['website_id'] == 1"
req "webhook delete" 200 DELETE "webhooks/$hook/"
req "webhook delete again: 404" 404 DELETE "webhooks/$hook/"
req "knowledge delete" 200 DELETE "knowledge/$entry/"
req "knowledge delete again: 404" 404 DELETE "knowledge/$entry/"

req "malformed JSON: 400" 400 POST chat/ "${J[@]}" -d '{"message":'
req "website_id not digits: 400" 400 POST knowledge/text/ "${J[@]}" -d '{"title":"T","content":"0123456789","website_id":"one"}'
req "bad since: 400" 400 GET 'leads/?since=last+week'
req "unknown path: 404" 404 GET nope/
req "wrong method: 405" 405 DELETE chat/
head -c $((20 * 1024 * 1024)) /dev/zero | tr '\0' 'x' >"$work/big"
req "a 20 MB body: 413, refused before it is sent" 413 POST knowledge/text/ "${J[@]}" --data-binary "@$work/big"
req "a bad multipart: 400" 400 POST knowledge/spreadsheet/ -H 'Content-Type: multipart/form-data; boundary=zz' --data-binary 'not multipart'

# One connection for several requests: curl reuses it when the server keeps it alive.
requests=$((requests + 3))
reused=$(curl -sS -v -o /dev/null -o /dev/null -o /dev/null -H "Authorization: Bearer $KEY" \
  "${base}account/" "${base}websites/" "${base}tickets/" 2>&1 | grep -ci 're-using existing connection' || true)
if [ "$reused" -ge 2 ]; then ok "keep-alive: 3 requests on one connection"; else not_ok "keep-alive" "curl reused the connection $reused times"; fi

# One log line per request (and one per webhook delivery, here a refused one).
if grep -qE '^  webhook ticket.created -> http://127.0.0.1:9/asyntai failed' "$work/out"; then ok "a refused delivery is logged"; else not_ok "delivery log" "$(grep webhook "$work/out")"; fi
lines=$(grep -cE '^(GET|POST|DELETE) /api/v1/[^ ]* [0-9]{3} [0-9]+\.[0-9] ms$' "$work/out" || true)
if [ "$lines" = "$requests" ]; then ok "a log line per request ($lines)"; else not_ok "log lines" "$lines for $requests requests; the others: $(grep -vE '^(GET|POST|DELETE) /api/v1/[^ ]* [0-9]{3} [0-9]+\.[0-9] ms$' "$work/out" | head -20)"; fi

# Ctrl-C: a clean stop, exit code 0.
kill -INT "$pid"
code=0
wait "$pid" || code=$?
if [ "$code" = 0 ] && grep -q '^SIGINT: stopping' "$work/out"; then ok "Ctrl-C (SIGINT): stopped, exit 0"; else not_ok "SIGINT" "exit $code: $(tail -2 "$work/out")"; fi

echo "# pass $pass"
echo "# fail $fail"
[ "$fail" = 0 ]
