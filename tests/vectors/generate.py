#!/usr/bin/env python3
"""Writes the cross-language test vectors in this folder.

Signatures are made with Python's standard library (hmac, hashlib, base64), independent
of the Rust core; expected events follow the rules of the README's provider table and
security model, and the providers' documents. Deterministic: running it twice writes the same files.

    python3 tests/vectors/generate.py          # rewrite the files
    python3 tests/vectors/generate.py --check  # fail if they are out of date
"""
import base64
import hashlib
import hmac
import json
import re
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, quote_plus, urlencode

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent.parent / "crates" / "hookshield" / "samples"

# What each preset sends, from the providers' documents (see crates/hookshield/src/provider.rs).
SCHEMES = {
    "sentinel": dict(sig="X-Sentinel-Signature", ts="X-Sentinel-Timestamp"),
    "docintell": dict(sig="X-DocIntell-Signature", ts="X-DocIntell-Timestamp", event="X-DocIntell-Event"),
    "sentrasa": dict(sig="X-Sentrasa-Signature"),
    "kyc": dict(sig="X-Webhook-Signature", ts="X-Webhook-Timestamp", id="X-Webhook-ID", content="ts.body"),
    "sensei": dict(sig="X-Sensei-Signature"),
    "github": dict(sig="X-Hub-Signature-256", id="X-GitHub-Delivery", event="X-GitHub-Event"),
    "standard": dict(sig="webhook-signature", ts="webhook-timestamp", id="webhook-id", content="id.ts.body",
                     encoding="base64", prefix="v1,", secret="whsec_base64"),
    # https://docs.stripe.com/webhooks#verify-manually: `t=<unix>,v1=<hex>` over `{t}.{body}`.
    "stripe": dict(sig="Stripe-Signature", tskey="t", sep=",", prefix="v1=", content="ts.body"),
    # https://docs.svix.com/receiving/verifying-payloads/how-manual
    "svix": dict(sig="svix-signature", ts="svix-timestamp", id="svix-id", content="id.ts.body",
                 encoding="base64", prefix="v1,", secret="whsec_base64"),
    # https://api.slack.com/authentication/verifying-requests-from-slack
    "slack": dict(sig="X-Slack-Signature", ts="X-Slack-Request-Timestamp", prefix="v0=", content="v0:ts:body"),
    # https://shopify.dev/docs/apps/build/webhooks/verify-deliveries (and ignore-duplicates)
    "shopify": dict(sig="X-Shopify-Hmac-Sha256", id="X-Shopify-Event-Id", fallback_id="X-Shopify-Webhook-Id",
                    event="X-Shopify-Topic", encoding="base64", prefix=""),
    # https://developer.paddle.com/webhooks/signature-verification: `ts=<unix>;h1=<hex>` over `{ts}:{body}`.
    "paddle": dict(sig="Paddle-Signature", tskey="ts", sep=";", prefix="h1=", content="ts:body"),
}
# What each signed-content shorthand above signs.
CONTENT = {"body": "{body}", "ts.body": "{timestamp}.{body}", "id.ts.body": "{id}.{timestamp}.{body}",
           "v0:ts:body": "v0:{timestamp}:{body}", "ts:body": "{timestamp}:{body}"}
SECRETS = {
    "sentinel": "whsec_your_webhook_secret",
    "docintell": "whsec_abcdefghijklmnopqrstuvwxyz1234567890ABC",
    "sentrasa": "my_webhook_secret",
    "kyc": "kyc_generated_secret_a1b2",
    "sensei": "whsec_your_signing_secret",
    "github": "It's a Secret to Everybody",
    "standard": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "stripe": "whsec_test_secret",  # stripe-node's webhook tests
    "svix": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",  # Svix's documented example
    "slack": "8f742231b10e8888abcd99yyyzzz85a5",  # Slack's documented example
    "shopify": "shpss_hookshield_client_secret",
    "paddle": "pdl_ntfset_01hv8x2af9x7cyye9qhmxb1yv6_hookshield",
}
NOW = {
    "sentinel": 1778839500, "docintell": 1764757800, "sentrasa": 1774000800, "kyc": 1767225600,
    "sensei": 1770043530, "github": 1767225600, "standard": 1767225600, "custom": 1767225600,
    "stripe": 1767225600, "svix": 1767225600, "slack": 1767225600, "shopify": 1767225600, "paddle": 1767225600,
}
SAMPLE_ORDER = {
    "sentinel": ["document.completed", "document.failed", "chat.session.closed", "report.generated"],
    "docintell": ["document.uploaded", "document.processing.completed", "document.processing.failed"],
    "sentrasa": ["job.completed", "job.failed", "alert.triggered"],
    "kyc": ["kyc.session.created", "kyc.session.completed", "kyc.session.processed", "kyc.session.status_changed",
            "kyc.watchlist.match_found", "kyc.watchlist.status_changed"],
    "sensei": ["migration.created", "migration.started", "migration.paused", "migration.resumed",
               "migration.completed", "migration.failed", "migration.cancelled", "migration.phase.started",
               "migration.phase.completed", "migration.phase.failed", "approval.required", "approval.granted",
               "approval.denied", "approval.timeout", "error.occurred", "error.recovered", "error.escalated",
               "error.resolved", "validation.started", "validation.completed", "validation.failed",
               "certificate.generated"],
    "github": ["ping", "issues.opened"],
    "standard": ["invoice.paid"],
    "stripe": ["payment_intent.succeeded"],
    "svix": ["message.attempt.exhausted"],
    "slack": ["app_mention"],
    "shopify": ["orders/create"],
    "paddle": ["transaction.completed"],
}
# Documented families (the documents' own groupings).
FAMILIES = {
    "sentinel": {"document.completed": "document", "document.failed": "document",
                 "chat.session.closed": "chat", "report.generated": "report"},
    "docintell": {t: "document" for t in SAMPLE_ORDER["docintell"]},
    "sentrasa": {"job.completed": "job", "job.failed": "job", "alert.triggered": "alert"},
    "sensei": {**{t: "migration" for t in SAMPLE_ORDER["sensei"][:7]},
               **{t: "migration.phase" for t in SAMPLE_ORDER["sensei"][7:10]},
               **{t: "approval" for t in SAMPLE_ORDER["sensei"][10:14]},
               **{t: "error" for t in SAMPLE_ORDER["sensei"][14:18]},
               **{t: "validation" for t in SAMPLE_ORDER["sensei"][18:22]}},
}

# The id a documented type is about, for idempotency keys.
RESOURCE_FIELDS = {
    "sentinel": {"document.completed": "document_id", "document.failed": "document_id",
                 "chat.session.closed": "session_id", "report.generated": "report_id"},
    "sentrasa": {"job.completed": "job_id", "job.failed": "job_id", "alert.triggered": "alert_id"},
}

def key_bytes(secret, fmt):
    if isinstance(secret, dict):
        return bytes.fromhex(secret["hex"])
    if fmt == "whsec_base64":
        return base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    return secret.encode()


def signature(scheme, secret, body: bytes, ts=None, msg_id=None):
    """`prefix` + the encoded tag (one entry of the signature header)."""
    template = CONTENT[scheme.get("content", "body")]
    before, after = template.split("{body}")
    fill = lambda text: text.replace("{id}", str(msg_id)).replace("{timestamp}", str(ts)).encode()
    message = fill(before) + body + fill(after)
    tag = hmac.new(key_bytes(secret, scheme.get("secret", "utf8")), message, hashlib.sha256).digest()
    encoded = base64.b64encode(tag).decode() if scheme.get("encoding") == "base64" else tag.hex()
    return scheme.get("prefix", "sha256=") + encoded


def signed_headers(provider, body: bytes, secret=None, ts=None, msg_id=None, event=None, scheme=None):
    scheme = scheme or SCHEMES[provider]
    secret = SECRETS[provider] if secret is None else secret
    ts = NOW.get(provider, 0) if ts is None else ts
    parsed = try_json(body)
    if msg_id is None and "id" in scheme:
        msg_id = parsed.get("id") if isinstance(parsed, dict) and isinstance(parsed.get("id"), str) else "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
    form = parsed is None and provider in FORMS
    headers = [["Content-Type", "application/x-www-form-urlencoded" if form else "application/json"]]
    if "ts" in scheme:
        headers.append([scheme["ts"], str(ts)])
    if "id" in scheme:
        headers.append([scheme["id"], msg_id])
    if "fallback_id" in scheme:
        headers.append([scheme["fallback_id"], msg_id])
    if "event" in scheme:
        if event is None and isinstance(parsed, dict):
            event = parsed.get("event") or parsed.get("type")
        headers.append([scheme["event"], event])
    value = signature(scheme, secret, body, ts, msg_id)
    if "tskey" in scheme:
        value = f"{scheme['tskey']}={ts}{scheme['sep']}{value}"
    headers.append([scheme["sig"], value])
    return headers


def try_json(body: bytes):
    try:
        return json.loads(body)
    except ValueError:
        return None


def iso_ms(text):
    """Unix milliseconds of an RFC 3339 date-time (finer digits cut off, as the core does)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int(moment.replace(microsecond=0).timestamp()) * 1000 + moment.microsecond // 1000


# Where each preset's envelope keeps its type, id and event time (crates/hookshield/src/events/envelope.rs).
# Paths: `event.type` is the member `type` of the member `event`.
TYPE_KEYS = {"sentinel": ["event"], "docintell": ["event"], "sentrasa": ["event", "type"], "kyc": ["type"],
             "sensei": ["type"], "standard": ["type"], "custom": ["type", "event"], "stripe": ["type"],
             "svix": ["type"], "slack": ["event.type", "type", "command"], "shopify": [], "paddle": ["event_type"]}
TIME_KEYS = {"sentinel": ["timestamp"], "docintell": ["timestamp"], "sentrasa": ["timestamp", "created_at"],
             "kyc": ["created"], "sensei": ["created_at"], "standard": ["timestamp"],
             "custom": ["timestamp", "created_at", "created"], "stripe": ["created"], "svix": ["timestamp"],
             "slack": ["event_time"], "shopify": [], "paddle": ["occurred_at"]}
ID_KEYS = {"standard": [], "svix": [], "slack": ["event_id", "trigger_id"], "shopify": [], "paddle": ["event_id"]}
# Senders whose data is the whole document (no `data` member); senders whose bodies that are
# not JSON are signed here as forms (GitHub's form cases set their Content-Type themselves).
WHOLE_DATA = {"slack", "shopify"}
FORMS = {"slack"}
DATA_REQUIRED = {"sentinel", "docintell", "sentrasa", "kyc", "sensei"}
HOUR = 3600
# Default retention = replay horizon: each provider's retry horizon plus a day.
RETENTION = {"sentinel": 48 * HOUR + 24 * HOUR, "docintell": 15 + 24 * HOUR,
             "sensei": 34 * HOUR + 36 * 60 + 24 * HOUR}
DEFAULT_RETENTION = 72 * HOUR + 24 * HOUR


def skip_ws(text, i):
    while i < len(text) and text[i] in " \t\n\r":
        i += 1
    return i


def member_texts(text):
    """The raw text of each top-level member of a JSON object (the last one of a name wins)."""
    decoder, spans = json.JSONDecoder(), {}
    i = skip_ws(text, 0) + 1
    i = skip_ws(text, i)
    while text[i] != "}":
        key, i = json.decoder.scanstring(text, i + 1)
        i = skip_ws(text, skip_ws(text, i) + 1)
        _, end = decoder.raw_decode(text, i)
        spans[key] = text[i:end]
        i = skip_ws(text, end)
        i = skip_ws(text, i + 1) if text[i] == "," else i
    return spans


def digest_of_json(text: str) -> str:
    """SHA-256 (hex, first 128 bits) of JSON text without the whitespace between tokens."""
    out, in_string, escaped = [], False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch in " \t\n\r":
            continue
        elif ch == '"':
            in_string = True
        out.append(ch)
    return hashlib.sha256("".join(out).encode()).hexdigest()[:32]


def join_key(*parts):
    """Key parts joined with `:`, each escaped (`%` -> `%25`, `:` -> `%3A`) so joins cannot collide."""
    return ":".join(p.replace("%", "%25").replace(":", "%3A") for p in parts)


def github_json(body: bytes):
    """GitHub's JSON: the body, or the `payload` field of a form-encoded delivery."""
    try:
        return json.loads(body), None
    except ValueError:
        payload = parse_qs(body.decode())["payload"][0]
        return json.loads(payload), payload


MISSING = object()


def at_path(raw, path):
    """The value at `path` (`event.type`: the member `type` of the member `event`)."""
    for segment in path.split("."):
        if not isinstance(raw, dict) or segment not in raw:
            return MISSING
        raw = raw[segment]
    return raw


def first_string(raw, keys):
    """The first of `keys` (paths) present in `raw`, if it is a non-empty string."""
    for key in keys:
        value = at_path(raw, key)
        if value is not MISSING:
            return value if isinstance(value, str) and value else None
    return None


def slack_json(body: bytes):
    """Slack's JSON: the body, a form's `payload` field, or a form's fields as strings."""
    try:
        return json.loads(body), body.decode()
    except ValueError:
        fields = parse_qsl(body.decode(), keep_blank_values=True)
        if "payload" in dict(fields):
            payload = dict(fields)["payload"]
            return json.loads(payload), payload
        obj = dict(fields)
        return obj, json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def expected_event(provider, body: bytes, headers, untyped=None):
    """The event every binding must produce, computed from the documented rules.

    `untyped` names the reason a documented type's data stays untyped when it does not
    match the documented shape (this generator does not re-implement every shape)."""
    h = {}
    for k, v in headers:
        h.setdefault(k.lower(), v)
    scheme = SCHEMES.get(provider, {})
    header_id = h.get(scheme["id"].lower()) if "id" in scheme else None
    header_event = h.get(scheme["event"].lower()) if "event" in scheme else None
    if "fallback_id" in scheme and header_id is None:
        header_id = h.get(scheme["fallback_id"].lower())
    header_ms = int(h[scheme["ts"].lower()]) * 1000 if "ts" in scheme else None
    if "tskey" in scheme:
        entries = re.split(r"[\s,;]+", h[scheme["sig"].lower()])
        header_ms = next(int(e.split("=", 1)[1]) * 1000 for e in entries if e.startswith(scheme["tskey"] + "="))
    if provider == "github":
        raw, _ = github_json(body)
        family = header_event
        action = raw.get("action") if isinstance(raw, dict) else None
        event_type = f"{family}.{action}" if isinstance(action, str) else family
        return dict(provider=provider, type=event_type, family=family, id=header_id, timestamp_ms=None,
                    idempotency_key=header_id, documented=False, untyped_reason="undocumented_type", data=raw)
    raw, text = slack_json(body) if provider == "slack" else (json.loads(body), body.decode())
    if not isinstance(raw, dict):
        event_type = header_event or ""
        return dict(provider=provider, type=event_type, family=fallback_family(event_type), id=header_id,
                    timestamp_ms=header_ms, idempotency_key=header_id or "sha256:" + hashlib.sha256(body).hexdigest(),
                    documented=False, untyped_reason="not_an_object", data=raw)
    members = member_texts(text)
    body_type = first_string(raw, TYPE_KEYS[provider])
    event_type = body_type or header_event
    msg_id = first_string(raw, ID_KEYS.get(provider, ["id"])) or header_id
    time_text, ts_ms = None, None
    for key in TIME_KEYS[provider]:
        if at_path(raw, key) not in (None, MISSING):
            value = at_path(raw, key)
            time_text = value if isinstance(value, str) else members[key]
            ts_ms = iso_ms(value) if isinstance(value, str) else (value * 1000 if isinstance(value, int) else None)
            break
    if ts_ms is None:
        ts_ms = header_ms
    data = raw if provider in WHOLE_DATA else raw.get("data")
    kyc_family = provider == "kyc" and event_type and event_type.split(".")[:2] in (["kyc", "session"], ["kyc", "watchlist"])
    if kyc_family:
        family, documented_type = event_type.split(".")[1], True
    elif event_type in FAMILIES.get(provider, {}):
        family, documented_type = FAMILIES[provider][event_type], True
    else:
        family, documented_type = fallback_family(event_type or ""), False
    if not event_type:
        reason = "missing_type"
    elif not documented_type:
        reason = "undocumented_type"
    elif "data" not in raw and provider in DATA_REQUIRED:
        reason = "data_mismatch"
    elif not isinstance(data, dict):
        reason = "data_mismatch"
    else:
        reason = untyped
    typed = reason is None
    data_text = text if provider in WHOLE_DATA else members.get("data", text)
    ids = [(k, v) for k, v in (data.items() if isinstance(data, dict) else []) if k.endswith("_id") and isinstance(v, str)]
    if any(not v.isascii() and any("\ud800" <= c <= "\udfff" for c in v) for _, v in ids):
        ids = []  # an id no Rust string can hold: the core reads no ids from such data
    if msg_id:
        key = msg_id
    elif not event_type:
        key = "sha256:" + hashlib.sha256(body).hexdigest()
    elif provider == "docintell" and isinstance(data, dict) and isinstance(data.get("document_id"), str) \
            and isinstance(data.get("job_id"), str):
        key = join_key(event_type, data["document_id"], data["job_id"])
    else:
        field = RESOURCE_FIELDS.get(provider, {}).get(event_type) if typed else None
        resource = data.get(field) if field else None
        if not isinstance(resource, str):
            resource = ids[0][1] if ids else ""
        key = join_key(event_type, resource, time_text or "", digest_of_json(data_text))
    return dict(provider=provider, type=event_type or "", family=family, id=msg_id, timestamp_ms=ts_ms,
                idempotency_key=key, documented=typed, untyped_reason=reason, data=data)


def fallback_family(event_type):
    return event_type.rsplit(".", 1)[0] if "." in event_type else event_type


def sample(provider, event_type) -> bytes:
    return (SAMPLES / provider / f"{event_type}.json").read_bytes()


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def case(name, provider, body: bytes, headers, expect, *, secrets=None, options=None, now=None, check=None):
    c = {"name": name, "provider": provider,
         "secrets": [SECRETS.get(provider, "custom_secret")] if secrets is None else secrets}
    if options:
        c["options"] = options
    c["now"] = NOW[provider] if now is None else now
    try:
        c["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        c["body_hex"] = body.hex()
    c["headers"] = headers
    if check:
        c["check"] = check
    c["expect"] = expect
    return c


def valid(provider, name, body, headers, untyped=None, omit_data=False, **kw):
    event = expected_event(provider, body, headers, untyped)
    if omit_data:
        # Data no JSON vector file can hold (an unpaired surrogate, nesting past serde_json's
        # limit): each binding checks it against its own JSON parser instead.
        del event["data"]
    return case(name, provider, body, headers, {"event": event}, **kw)


def err(name, provider, body, headers, code, **kw):
    return case(name, provider, body, headers, {"error": code}, **kw)


def provider_files():
    files = {}
    for provider, types in SAMPLE_ORDER.items():
        cases = []
        for event_type in types:
            body = sample(provider, event_type)
            event = "ping" if event_type == "ping" else ("issues" if provider == "github" else None)
            event = event_type if provider == "shopify" else event
            headers = signed_headers(provider, body, event=event,
                                     msg_id="72d3162e-cc78-11e3-81ab-4c9367dc0958" if provider == "github" else None)
            cases.append(valid(provider, event_type, body, headers))
        files[provider] = cases

    # Headers arrive in any case.
    body = sample("sentinel", "document.failed")
    headers = [[k.lower(), v] for k, v in signed_headers("sentinel", body)]
    files["sentinel"].append(valid("sentinel", "lower-case header names", body, headers))
    # An undocumented type is not an error; unknown fields are kept.
    body = compact({"event": "document.archived", "timestamp": "2026-05-15T10:20:00Z",
                    "data": {"document_id": "doc_abc123", "archived_by": "usr_456"}})
    files["sentinel"].append(valid("sentinel", "undocumented type arrives untyped", body, signed_headers("sentinel", body)))
    body = compact({"event": "document.completed", "timestamp": "2026-05-15T10:05:00Z",
                    "data": {"document_id": "doc_new", "pages": 2, "new_field": {"nested": [1, 2]}},
                    "api_version": "2026-06"})
    files["sentinel"].append(valid("sentinel", "unknown fields are kept", body, signed_headers("sentinel", body)))
    body = compact({"event": "chat.session.closed", "timestamp": "2026-05-15T10:11:00Z",
                    "data": {"user_id": "usr_456", "session_id": "ses_def456"}})
    files["sentinel"].append(valid("sentinel", "key uses the session, not the first *_id", body,
                                   signed_headers("sentinel", body)))
    body = compact({"event": "report.generated", "data": {"report_id": "rpt_1"}})
    files["sentinel"].append(valid("sentinel", "no envelope timestamp: header time, body-hash key", body,
                                   signed_headers("sentinel", body)))
    # Text that is not ASCII (two-, three- and four-byte UTF-8; a surrogate pair in
    # JavaScript), escapes and whitespace before and inside `data`, which comes first.
    data = {"document_id": "doc_é☃😀", "error_code": "E\u2028\"|:,", "stage": "ocr ✓"}
    for name, envelope in [
        ("before and in data", {"event": "document.failed", "note": "é😀\\\"", "data": data,
                                "timestamp": "2026-05-15T10:06:00Z"}),
        ("in data, which comes first", {"data": data, "note": "é😀", "event": "document.failed"}),
    ]:
        body = json.dumps(envelope, ensure_ascii=False, indent=2).encode()
        files["sentinel"].append(valid("sentinel", f"text that is not ASCII {name}", body,
                                       signed_headers("sentinel", body)))
    # Sentrasa with `type` instead of `event`.
    body = compact({"type": "alert.triggered", "timestamp": "2026-03-20T10:05:00Z", "data": {"alert_id": "alr_1"}})
    files["sentrasa"].append(valid("sentrasa", "envelope with type instead of event", body, signed_headers("sentrasa", body)))
    # Sensei: an undocumented type in a documented family.
    body = compact({"id": "evt_new1", "type": "migration.phase.skipped", "created_at": "2026-02-02T15:00:00.500Z",
                    "data": {"migration_id": "mig_xyz789"}, "metadata": {}})
    files["sensei"].append(valid("sensei", "undocumented phase event", body, signed_headers("sensei", body)))
    # KYC: any session action is typed by its family.
    body = compact({"id": "evt_kyc999", "type": "kyc.session.expired", "created": 1767229200,
                    "data": {"session_id": "ses_1", "status": "expired"}})
    files["kyc"].append(valid("kyc", "session family action not in the samples", body, signed_headers("kyc", body)))
    # GitHub: the published vector (docs: "Validating webhook deliveries").
    body = b"Hello, World!"
    gh = [["X-GitHub-Event", "ping"], ["X-GitHub-Delivery", "d1"],
          ["X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"]]
    assert signed_headers("github", body, msg_id="d1", event="ping")[-1] == gh[-1], "the published GitHub vector"
    files["github"].append(case("published vector: signature holds", "github", body, gh, {"ok": True}, check="signature"))
    files["github"].append(err("published vector: the body is not JSON", "github", body, gh, "invalid_json"))
    # Standard Webhooks: several signatures, other versions skipped.
    body = sample("standard", "invoice.paid")
    headers = signed_headers("standard", body, msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek")
    good = headers[-1][1]
    other = signature(SCHEMES["standard"], "whsec_" + base64.b64encode(b"old key").decode(), body,
                      NOW["standard"], "msg_p5jXN8AQM9LWM0D4loKWxJek")
    headers[-1][1] = f"v1a,c29tZWVkMjU1MTk= {other} {good}"
    files["standard"].append(valid("standard", "several signatures, one matching", body, headers))
    # Custom: base64, no prefix, {timestamp}.{body}.
    custom = dict(sig="X-Acme-Signature", ts="X-Acme-Timestamp", content="ts.body", encoding="base64", prefix="")
    overrides = {"signature_header": "X-Acme-Signature", "timestamp_header": "X-Acme-Timestamp",
                 "encoding": "base64", "prefix": "", "signed_content": "{timestamp}.{body}"}
    body = compact({"type": "order.shipped", "id": "ord_evt_1", "timestamp": "2026-01-01T00:00:00Z",
                    "data": {"order_id": "ord_1"}})
    headers = signed_headers("custom", body, secret="custom_secret", scheme=custom)
    files["custom"] = [valid("custom", "base64, no prefix, timestamp signed", body, headers,
                             options={"overrides": overrides})]
    files["custom"].append(err("custom: timestamp is signed", "custom", body,
                               [h if h[0] != "X-Acme-Timestamp" else [h[0], str(NOW["custom"] + 1)] for h in headers],
                               "signature_mismatch", options={"overrides": overrides}))
    raw_key = {"hex": "00ff10ee20dd"}
    headers = signed_headers("custom", body, secret=raw_key, scheme=dict(sig="X-Signature"))
    files["custom"].append(valid("custom", "raw key bytes, default custom scheme", body, headers, secrets=[raw_key]))
    for provider, cases in new_preset_cases().items():
        files[provider] += cases
    return files


def put(headers, name, value):
    return [[k, value if k.lower() == name.lower() else v] for k, v in headers]


def drop(headers, name):
    return [h for h in headers if h[0].lower() != name.lower()]


def one_byte_changed(body: bytes) -> bytes:
    """`body` with its last non-space byte changed (`}` -> `]`, else `x` -> `y`)."""
    i = len(body.rstrip()) - 1
    return body[:i] + (b"]" if body[i:i + 1] == b"}" else bytes([body[i] ^ 1])) + body[i + 1:]


def new_preset_cases():
    """Stripe, Svix, Slack, Shopify and Paddle: their documents' published examples where
    they publish any, and the shapes of their headers."""
    out = {}
    # Stripe: stripe-node's webhook tests sign JSON.stringify({id, object}, null, 2) with
    # whsec_test_secret into `t=<ts>,v1=<hex>` (generateTestHeaderString).
    payload = json.dumps({"id": "evt_test_webhook", "object": "event"}, indent=2).encode()
    sh = signed_headers("stripe", payload)
    sig = sh[-1][1]
    good = sig.split(",", 1)[1]
    other = signature(SCHEMES["stripe"], "whsec_rolled_secret", payload, NOW["stripe"])
    v0 = "v0=" + "6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"
    event = json.loads(sample("stripe", "payment_intent.succeeded"))
    event["created"] = NOW["stripe"] - 60
    ebody = json.dumps(event, indent=2).encode()
    out["stripe"] = [
        valid("stripe", "stripe-node's test payload and header", payload, sh),
        valid("stripe", "a v1=potato entry beside the real one (stripe-node)", payload,
              put(sh, "Stripe-Signature", sig + ",v1=potato")),
        valid("stripe", "rolling secrets: two v1 signatures and a v0", payload,
              put(sh, "Stripe-Signature", f"t={NOW['stripe']},{other},{good},{v0}")),
        valid("stripe", "an event with its type, id and created time", ebody, signed_headers("stripe", ebody)),
        err("stripe: one byte of the body changed", "stripe", one_byte_changed(payload), sh, "signature_mismatch"),
        err("stripe: the signed timestamp changed", "stripe", payload,
            put(sh, "Stripe-Signature", sig.replace(f"t={NOW['stripe']}", f"t={NOW['stripe'] + 1}")),
            "signature_mismatch"),
        err("stripe: only a v0 signature (another scheme)", "stripe", payload,
            put(sh, "Stripe-Signature", f"t={NOW['stripe']},{v0}"), "malformed_signature"),
        err("stripe: no t= entry", "stripe", payload, put(sh, "Stripe-Signature", good), "missing_timestamp"),
        err("stripe: t= is not Unix seconds", "stripe", payload,
            put(sh, "Stripe-Signature", f"t=yesterday,{good}"), "malformed_timestamp"),
        err("stripe: t= older than the tolerance", "stripe", payload, sh, "timestamp_too_old",
            now=NOW["stripe"] + 301),
    ]
    # Svix: the documented example of "Verifying Webhooks Manually" and the libraries' tests.
    doc_body = b'{"test": 2432232314}'
    doc = [["svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"], ["svix-timestamp", "1614265330"],
           ["svix-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="]]
    assert signed_headers("svix", doc_body, ts=1614265330, msg_id=doc[0][1])[-1] == doc[-1], "Svix's example"
    out["svix"] = [
        valid("svix", "Svix's documented example", doc_body, doc, now=1614265330),
        err("svix: one byte of the documented body changed", "svix", one_byte_changed(doc_body), doc,
            "signature_mismatch", now=1614265330),
        err("svix: webhook- headers are not svix- headers", "svix", doc_body,
            [[k.replace("svix-", "webhook-"), v] for k, v in doc], "missing_header", now=1614265330),
    ]
    # Slack: the documented example of "Verifying requests from Slack" (a slash command).
    slash = (b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
             b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
             b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
             b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
    documented = [["Content-Type", "application/x-www-form-urlencoded"],
                  ["X-Slack-Request-Timestamp", "1531420618"],
                  ["X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"]]
    assert signed_headers("slack", slash, ts=1531420618) == documented, "Slack's documented example"
    action = {"type": "block_actions", "trigger_id": "13345224609.738474920.8088930838d88f008e0",
              "user": {"id": "U0CA5"}, "actions": [{"action_id": "approve", "value": "yes"}]}
    interactive = urlencode({"payload": json.dumps(action)}).encode()
    challenge = compact({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                         "type": "url_verification"})
    out["slack"] = [
        valid("slack", "Slack's documented example (a slash command)", slash, documented, now=1531420618),
        err("slack: one byte of the documented body changed", "slack", one_byte_changed(slash), documented,
            "signature_mismatch", now=1531420618),
        err("slack: the documented example 301 s later", "slack", slash, documented, "timestamp_too_old",
            now=1531420618 + 301),
        valid("slack", "interactivity: the payload field's JSON", interactive, signed_headers("slack", interactive)),
        valid("slack", "the Events API's url_verification", challenge, signed_headers("slack", challenge)),
    ]
    # Shopify: the key is X-Shopify-Event-Id, else X-Shopify-Webhook-Id.
    order = sample("shopify", "orders/create")
    both = signed_headers("shopify", order, event="orders/create", msg_id="evt-7d6f8a1c")
    both = put(both, "X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    out["shopify"] = [
        valid("shopify", "X-Shopify-Event-Id and X-Shopify-Webhook-Id: the event's id", order, both),
        valid("shopify", "without X-Shopify-Event-Id: the delivery's id", order, drop(both, "X-Shopify-Event-Id")),
        err("shopify: neither id header", "shopify", order,
            drop(drop(both, "X-Shopify-Event-Id"), "X-Shopify-Webhook-Id"), "missing_header"),
        err("shopify: without X-Shopify-Topic", "shopify", order, drop(both, "X-Shopify-Topic"), "missing_header"),
        err("shopify: one byte of the body changed", "shopify", one_byte_changed(order), both, "signature_mismatch"),
    ]
    # Paddle: `ts=…;h1=…`, two h1 while a secret is rotated.
    txn = sample("paddle", "transaction.completed")
    ph = signed_headers("paddle", txn)
    rotated = signature(SCHEMES["paddle"], "pdl_ntfset_previous_secret", txn, NOW["paddle"])
    out["paddle"] = [
        valid("paddle", "two h1 signatures while a secret rotates", txn, put(ph, "Paddle-Signature", f"{ph[-1][1]};{rotated}")),
        err("paddle: one byte of the body changed", "paddle", one_byte_changed(txn), ph, "signature_mismatch"),
        err("paddle: ts= older than the tolerance", "paddle", txn, ph, "timestamp_too_old", now=NOW["paddle"] + 301),
    ]
    return out


def error_cases():
    sbody = sample("sentinel", "document.completed")
    sh = signed_headers("sentinel", sbody)
    drop = lambda hs, name: [h for h in hs if h[0].lower() != name.lower()]
    put = lambda hs, name, value: [[k, value if k.lower() == name.lower() else v] for k, v in hs]
    cases = [
        err("missing signature header", "sentinel", sbody, drop(sh, "X-Sentinel-Signature"), "missing_header"),
        err("kyc without X-Webhook-ID", "kyc", sample("kyc", "kyc.session.processed"),
            drop(signed_headers("kyc", sample("kyc", "kyc.session.processed")), "X-Webhook-ID"), "missing_header"),
        err("docintell without X-DocIntell-Event", "docintell", sample("docintell", "document.uploaded"),
            drop(signed_headers("docintell", sample("docintell", "document.uploaded")), "X-DocIntell-Event"),
            "missing_header"),
        err("signature not hex", "sentinel", sbody, put(sh, "X-Sentinel-Signature", "sha256=" + "zz" * 32),
            "malformed_signature"),
        err("signature too short", "sentinel", sbody, put(sh, "X-Sentinel-Signature", "sha256=abc123"),
            "malformed_signature"),
        err("signature with another scheme", "sentinel", sbody,
            put(sh, "X-Sentinel-Signature", "md5=" + "ab" * 16), "malformed_signature"),
        err("empty signature header", "sentinel", sbody, put(sh, "X-Sentinel-Signature", ""), "malformed_signature"),
        err("standard signature not base64", "standard", sample("standard", "invoice.paid"),
            put(signed_headers("standard", sample("standard", "invoice.paid")), "webhook-signature", "v1,@@@"),
            "malformed_signature"),
        err("wrong secret", "sentinel", sbody, signed_headers("sentinel", sbody, secret="whsec_attacker"),
            "signature_mismatch"),
        err("body changed after signing", "sentinel", sbody.replace(b"12500000", b"99500000"), sh,
            "signature_mismatch"),
        err("missing timestamp header", "sentinel", sbody, drop(sh, "X-Sentinel-Timestamp"), "missing_timestamp"),
        err("timestamp as ISO 8601", "sentinel", sbody, put(sh, "X-Sentinel-Timestamp", "2026-05-15T10:05:00Z"),
            "malformed_timestamp"),
        err("negative timestamp", "sentinel", sbody, put(sh, "X-Sentinel-Timestamp", "-5"), "malformed_timestamp"),
        err("fractional timestamp", "sentinel", sbody, put(sh, "X-Sentinel-Timestamp", "1778839500.5"),
            "malformed_timestamp"),
        err("timestamp too old", "sentinel", sbody, sh, "timestamp_too_old", now=NOW["sentinel"] + 301),
        err("timestamp in the future", "sentinel", sbody, sh, "timestamp_in_future", now=NOW["sentinel"] - 301),
        err("body too large", "sentinel", sbody, sh, "body_too_large", options={"max_body_bytes": 100}),
        err("signed body is not JSON", "sensei", b"not json", signed_headers("sensei", b"not json"), "invalid_json"),
        err("signed body is not UTF-8", "sensei", b"\xff\xfe{}", signed_headers("sensei", b"\xff\xfe{}"),
            "invalid_json"),
    ]
    def signed_err(name, provider, obj, code, **kw):
        body = obj if isinstance(obj, bytes) else compact(obj)
        return err(name, provider, body, signed_headers(provider, body, **kw), code)
    cases += [
        signed_err("docintell event header disagrees with the body", "docintell",
                   json.loads(sample("docintell", "document.processing.failed")), "header_mismatch",
                   event="document.processing.completed"),
        signed_err("kyc id header disagrees with the body", "kyc",
                   json.loads(sample("kyc", "kyc.session.processed")), "header_mismatch", msg_id="evt_other"),
        err("no secret", "sentinel", sbody, sh, "no_secret", secrets=[]),
        err("empty secret", "sentinel", sbody, sh, "no_secret", secrets=[""]),
        err("standard secret that is not base64", "standard", sbody, sh, "invalid_config", secrets=["whsec_***"]),
        err("unknown override", "sentinel", sbody, sh, "invalid_config",
            options={"overrides": {"colour": "red"}}),
        # The order of checks.
        err("order: size before signature", "sentinel", sbody, put(sh, "X-Sentinel-Signature", "sha256=00"),
            "body_too_large", options={"max_body_bytes": 10}),
        err("order: signature before window", "sentinel", sbody,
            signed_headers("sentinel", sbody, secret="whsec_attacker"), "signature_mismatch",
            now=NOW["sentinel"] + 10_000),
        err("order: nothing parsed before the signature holds", "sensei", b"not json",
            signed_headers("sensei", b"not json", secret="whsec_attacker"), "signature_mismatch"),
        err("order: window before JSON", "sentinel", b"not json", signed_headers("sentinel", b"not json"),
            "timestamp_too_old", now=NOW["sentinel"] + 301),
    ]
    return cases


def boundary_cases():
    body = sample("sentinel", "report.generated")
    sh = signed_headers("sentinel", body)
    t = NOW["sentinel"]
    kbody = sample("kyc", "kyc.session.created")
    kh = signed_headers("kyc", kbody)
    k = NOW["kyc"]
    return [
        valid("sentinel", "exactly tolerance old", body, sh, now=t + 300),
        err("one second past tolerance, old", "sentinel", body, sh, "timestamp_too_old", now=t + 301),
        valid("sentinel", "exactly tolerance ahead", body, sh, now=t - 300),
        err("one second past tolerance, ahead", "sentinel", body, sh, "timestamp_in_future", now=t - 301),
        valid("kyc", "custom tolerance 60: exactly 60 old", kbody, kh, now=k + 60, options={"tolerance": 60}),
        err("custom tolerance 60: 61 old", "kyc", kbody, kh, "timestamp_too_old", now=k + 61,
            options={"tolerance": 60}),
        valid("sensei", "no timestamp header: no window", sample("sensei", "migration.completed"),
              signed_headers("sensei", sample("sensei", "migration.completed")), now=NOW["sensei"] + 86400),
    ] + horizon_cases() + [
        valid("sentinel", "body exactly at the size limit", body, sh, options={"max_body_bytes": len(body)}),
        err("body one byte over the size limit", "sentinel", body, sh, "body_too_large",
            options={"max_body_bytes": len(body) - 1}),
    ]


def horizon_cases():
    """The replay horizon: a signed event time older than the provider's default retention."""
    cases = []
    for provider, event_type in [("sensei", "migration.completed"), ("sentinel", "report.generated"),
                                 ("kyc", "kyc.session.created"), ("docintell", "document.uploaded"),
                                 ("sentrasa", "job.completed")]:
        body = sample(provider, event_type)
        raw = json.loads(body)
        value = next(raw[k] for k in TIME_KEYS[provider] if k in raw)
        event_time = iso_ms(value) // 1000 if isinstance(value, str) else value
        edge = event_time + RETENTION.get(provider, DEFAULT_RETENTION)
        # The timestamp header (where there is one) is fresh: only the signed event time is old.
        headers = signed_headers(provider, body, ts=edge)
        cases.append(valid(provider, f"{provider}: event time exactly at the replay horizon", body, headers, now=edge))
        cases.append(err(f"{provider}: event time one second past the replay horizon", provider, body,
                         signed_headers(provider, body, ts=edge + 1), "timestamp_too_old", now=edge + 1))
    return cases


def drift_cases():
    """Authentic deliveries that differ from what hookshield expects: each is an event."""
    def signed(name, provider, obj, untyped=None, omit_data=False, **kw):
        body = obj if isinstance(obj, bytes) else compact(obj)
        return valid(provider, name, body, signed_headers(provider, body, **kw), untyped=untyped, omit_data=omit_data)
    completed = json.loads(sample("sentinel", "document.completed"))
    def sentinel_data(**changes):
        return {**completed, "data": {**completed["data"], **changes}}
    failed = json.loads(sample("sentinel", "document.failed"))
    di_done = json.loads(sample("docintell", "document.processing.completed"))
    di_data = di_done["data"]
    no_job = {k: v for k, v in di_data.items() if k != "job_id"}
    deep = json.loads("[" * 200 + "1" + "]" * 200)
    return [
        signed("a whole number written 4.0 types", "sentinel", sentinel_data(pages=4.0)),
        signed("a whole number in exponent form types", "sentinel", sentinel_data(processing_time_ms=4.5e4)),
        signed("pages as a string: untyped", "sentinel", sentinel_data(pages="4"), untyped="data_mismatch"),
        signed("retryable as a string: untyped", "sentinel",
               {**failed, "data": {**failed["data"], "retryable": "true"}}, untyped="data_mismatch"),
        signed("docintell without job_id: untyped", "docintell", {**di_done, "data": no_job},
               untyped="data_mismatch"),
        signed("docintell with a numeric job_id: untyped", "docintell",
               {**di_done, "data": {**di_data, "job_id": 550}}, untyped="data_mismatch"),
        signed("docintell page_count 12.0 types", "docintell", {**di_done, "data": {**di_data, "page_count": 12.0}}),
        signed("kyc session with empty data types (the document shows no fields)", "kyc",
               {"id": "evt_kyc_empty", "type": "kyc.session.created", "created": 1767225600, "data": {}}),
        signed("standard body without a type", "standard", {"test": 2432232314}, msg_id="msg_no_type"),
        signed("body is an array", "sentinel", [1, 2]),
        signed("envelope without event", "sentinel", {"timestamp": "2026-05-15T10:05:00Z", "data": {}}),
        signed("data is not an object", "sentinel",
               {"event": "document.completed", "timestamp": "2026-05-15T10:05:00Z", "data": "done"}),
        signed("documented type without data", "sentinel",
               {"event": "report.generated", "timestamp": "2026-05-15T10:05:00Z"}),
        signed("sensei event without id", "sensei",
               {"type": "migration.created", "created_at": "2026-02-02T14:45:30.123Z", "data": {}}),
        signed("documented field of the wrong type", "sensei",
               {"id": "evt_x", "type": "migration.phase.completed", "created_at": "2026-02-02T14:45:30.123Z",
                "data": {"migration_id": "mig_1", "migration_name": "n", "phase": "p", "phase_number": "three",
                         "total_phases": 5, "duration_seconds": 1, "records_processed": 1,
                         "errors_recovered": 0, "errors_escalated": 0}}, untyped="data_mismatch"),
        signed("envelope timestamp not a date: the header's time", "sentinel",
               {"event": "report.generated", "timestamp": "yesterday", "data": {"report_id": "r"}}),
        signed("an unpaired surrogate in a typed field: untyped", "sentinel",
               b'{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z",'
               b'"data":{"document_id":"\\ud83d"}}', untyped="data_mismatch", omit_data=True),
        signed("an unpaired surrogate in another field", "sentinel",
               b'{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z",'
               b'"data":{"document_id":"doc_1","note":"\\udc00 and \\ud83d\\ude00"}}', omit_data=True),
        signed("data nested 200 levels deep", "sentinel", sentinel_data(deep=deep), omit_data=True),
        valid("custom", "a years-old created member is not the event time (no replay horizon)",
              compact({"type": "user.updated", "id": "u_1", "created": 1400000000, "data": {}}),
              signed_headers("custom", compact({"type": "user.updated", "id": "u_1", "created": 1400000000,
                                                "data": {}}), secret="custom_secret", scheme=dict(sig="X-Signature"))),
        # JSON's grammar allows it; JavaScript and Python read it as infinity.
        signed("a number past the range of a double", "sentinel",
               b'{"event":"report.generated","timestamp":"2026-05-15T10:15:00Z",'
               b'"data":{"report_id":"rpt_1","size":4500e335}}', omit_data=True),
        signed("a big integer and a whole float", "sentinel",
               b'{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z",'
               b'"data":{"document_id":"doc_1","big":18446744073709551617,"float":4.0}}'),
    ]


def key_cases():
    """Two different events never share a key; joined parts cannot collide."""
    def signed(name, provider, obj, **kw):
        body = compact(obj)
        return valid(provider, name, body, signed_headers(provider, body, **kw))
    message = lambda text: {"event": "chat.message.created", "timestamp": "2026-05-15T10:05:00Z",
                            "data": {"session_id": "ses_1", "text": text}}
    uploaded = lambda document, job: {"event": "document.uploaded", "timestamp": "2025-12-03T10:30:00Z",
                                      "data": {"document_id": document, "job_id": job}}
    pretty = json.dumps(message("hi"), indent=3).encode()
    return [
        signed("two messages in one session in one second (1)", "sentinel", message("hi")),
        signed("two messages in one session in one second (2)", "sentinel", message("bye")),
        valid("sentinel", "the first message indented otherwise keeps its key", pretty,
              signed_headers("sentinel", pretty)),
        signed("docintell ids joined cannot collide (1)", "docintell", uploaded("doc:a", "b")),
        signed("docintell ids joined cannot collide (2)", "docintell", uploaded("doc", "a:b")),
        signed("a % in an id is escaped too", "docintell", uploaded("doc%3Aa", "b")),
    ]


def interop_cases():
    """What the reference libraries accept."""
    sbody = sample("standard", "invoice.paid")
    sh = signed_headers("standard", sbody, msg_id="msg_interop")
    good = sh[-1][1]
    skip_bad = [h if h[0] != "webhook-signature" else [h[0], f"v1,bm9wZQ== {good}"] for h in sh]
    padded = "whsec_" + base64.b64encode(b"a key of 25 bytes, padded").decode()
    assert padded.endswith("=")
    uh = signed_headers("standard", sbody, secret=padded, msg_id="msg_interop")
    unpadded = padded.rstrip("=")
    body = sample("sentinel", "document.failed")
    sh2 = signed_headers("sentinel", body)
    sig = sh2[-1]
    bad = ["X-Sentinel-Signature", "sha256=" + "00" * 32]
    gh_json = compact({"zen": "Design for failure.", "hook_id": 1, "hook": {"events": ["push"]}})
    form = b"payload=" + quote_plus(gh_json.decode()).encode()
    gh = [["Content-Type", "application/x-www-form-urlencoded"]] + \
        signed_headers("github", form, event="ping", msg_id="d-form")[1:]
    return [
        valid("standard", "a malformed entry beside a usable one is skipped", sbody, skip_bad),
        err("only malformed entries", "standard", sbody,
            [h if h[0] != "webhook-signature" else [h[0], "v1,bm9wZQ=="] for h in sh], "malformed_signature"),
        valid("standard", "an unpadded whsec_ secret is the same key", sbody, uh, secrets=[unpadded]),
        valid("sentinel", "a repeated signature header: the second holds", body, sh2[:-1] + [bad, sig]),
        valid("sentinel", "a repeated signature header: the first holds", body, sh2[:-1] + [sig, bad]),
        valid("sentinel", "signatures joined with a comma", body, sh2[:-1] + [[sig[0], f"{bad[1]}, {sig[1]}"]]),
        valid("github", "a form-encoded delivery", form, gh),
    ]


def rotation_cases():
    body = sample("docintell", "document.processing.completed")
    old, new = "whsec_old_secret_before_rotation", "whsec_new_secret_after_rotation"
    sbody = sample("standard", "invoice.paid")
    std_old = "whsec_" + base64.b64encode(b"old standard key").decode()
    std_new = "whsec_" + base64.b64encode(b"new standard key").decode()
    sh = signed_headers("standard", sbody, secret=std_old)
    sh[-1][1] += " " + signature(SCHEMES["standard"], std_new, sbody, NOW["standard"], sh[2][1])
    return [
        valid("docintell", "signed with the new secret", body, signed_headers("docintell", body, secret=new),
              secrets=[new, old]),
        valid("docintell", "signed with the old secret", body, signed_headers("docintell", body, secret=old),
              secrets=[new, old]),
        err("signed with neither", "docintell", body, signed_headers("docintell", body, secret="whsec_other"),
            "signature_mismatch", secrets=[new, old]),
        valid("standard", "sender signs with both keys, receiver knows only the new", sbody, sh, secrets=[std_new]),
        valid("standard", "sender signs with both keys, receiver knows only the old", sbody, sh, secrets=[std_old]),
        valid("sentinel", "a secret given as raw bytes equals its text", sample("sentinel", "document.failed"),
              signed_headers("sentinel", sample("sentinel", "document.failed")),
              secrets=[{"hex": SECRETS["sentinel"].encode().hex()}]),
    ]


# What each outcome answers (crates/hookshield/src/answer.rs): status by the provider's
# retry policy, and one JSON body shape.
HANDLER_FAILED = "the handler failed; the delivery will be retried"
STORE_UNAVAILABLE = "the idempotency store is unavailable; the delivery will be retried"


def answer(provider, outcome, key=None, code=None, message=None):
    status = {"processed": 200, "duplicate": 200, "queued": 200, "handler_failed": 500, "store_unavailable": 503,
              "in_progress": 503 if provider == "docintell" else 409}.get(outcome)
    if outcome == "rejected":
        status = {"body_too_large": 413, "invalid_json": 400, "header_mismatch": 400}.get(code, 401)
    body = {"outcome": outcome}
    if key is not None:
        body["idempotency_key"] = key
    if outcome == "handler_failed":
        code, message = "handler_failed", HANDLER_FAILED
    elif outcome == "store_unavailable":
        code, message = "store_unavailable", STORE_UNAVAILABLE
    if code:
        body["error"] = {"code": code} if message is None else {"code": code, "message": message}
    return {"outcome": outcome, "status": status, "answer": body}


def answered_deliveries():
    """Per provider, a sample delivery for the answer vectors: (provider, body, headers,
    signing extras, idempotency key)."""
    first = {"sentinel": "document.completed", "docintell": "document.uploaded", "sentrasa": "job.completed",
             "kyc": "kyc.session.created", "sensei": "migration.created", "github": "ping",
             "standard": "invoice.paid", "stripe": "payment_intent.succeeded", "svix": "message.attempt.exhausted",
             "slack": "app_mention", "shopify": "orders/create", "paddle": "transaction.completed"}
    for provider, event_type in first.items():
        body = sample(provider, event_type)
        extra = {"github": dict(event="ping", msg_id="d-outcome"),
                 "shopify": dict(event="orders/create", msg_id="d-outcome")}.get(provider, {})
        headers = signed_headers(provider, body, **extra)
        yield provider, body, headers, extra, expected_event(provider, body, headers)["idempotency_key"]


def rejections(provider, body, headers, extra, run):
    """The common rejections of a delivery, answered alike by `process` and the inbox:
    `run(name, expect, h=headers, b=body, **case options)` records each."""
    sig = SCHEMES[provider]["sig"]
    forged = signed_headers(provider, body, secret="whsec_attacker", **extra)
    run("forged", answer(provider, "rejected", code="signature_mismatch",
                         message=f"signature mismatch: none of the 1 signature(s) in `{sig}` matches any of "
                                 "the 1 configured secret(s)"), h=forged)
    run("no signature header", answer(provider, "rejected", code="missing_header",
                                      message=f"missing header `{sig}`"),
        h=[x for x in headers if x[0] != sig])
    run("too large", answer(provider, "rejected", code="body_too_large",
                            message=f"body too large: {len(body)} bytes, limit is 16 bytes"),
        options={"max_body_bytes": 16})
    not_json = b"not json"
    names_event = {"github": "ping", "docintell": "document.uploaded", "shopify": "orders/create"}.get(provider)
    run("not JSON", answer(provider, "rejected", code="invalid_json"), b=not_json,
        h=signed_headers(provider, not_json, event=names_event, msg_id=extra.get("msg_id")))
    if "ts" in SCHEMES[provider] or "tskey" in SCHEMES[provider]:
        run("stale", answer(provider, "rejected", code="timestamp_too_old",
                            message="timestamp too old: sent 301 s ago, tolerance is 300 s"),
            now=NOW[provider] + 301)


def outcome_cases():
    """What `process` answers, per provider: every outcome and the common rejections."""
    cases = []
    for provider, body, headers, extra, key in answered_deliveries():
        def run(name, expect, store="memory", before=None, handler="ok", b=body, h=headers, **kw):
            c = case(f"{provider}: {name}", provider, b, h, expect, **kw)
            c["process"] = {"store": store, "before": before, "handler": handler}
            cases.append(c)

        run("processed", answer(provider, "processed", key))
        run("duplicate", answer(provider, "duplicate", key), before="processed")
        run("in progress", answer(provider, "in_progress", key), before="claimed")
        run("handler failed", answer(provider, "handler_failed", key), handler="fail")
        run("store unavailable", answer(provider, "store_unavailable", key), store="unavailable")
        rejections(provider, body, headers, extra, run)
    return cases


def inbox_cases():
    """What `Inbox::accept` answers, per provider: queued, duplicate and the common
    rejections (answered as `process` answers them)."""
    cases = []
    for provider, body, headers, extra, key in answered_deliveries():
        def run(name, expect, before=None, b=body, h=headers, **kw):
            c = case(f"{provider}: {name}", provider, b, h, expect, **kw)
            c["inbox"] = {"before": before}
            cases.append(c)

        run("queued", answer(provider, "queued", key))
        run("duplicate", answer(provider, "duplicate", key), before="queued")
        rejections(provider, body, headers, extra, run)
    return cases


def files():
    out = {}
    for provider, cases in provider_files().items():
        out[f"{provider}.json"] = {"description": f"Valid {provider} deliveries: every sample event type and the "
                                                  "provider's particular cases.", "cases": cases}
    out["errors.json"] = {"description": "Every error code, and the order in which checks run.",
                          "cases": error_cases()}
    out["boundaries.json"] = {"description": "Replay window and size limit at and one past their bounds.",
                              "cases": boundary_cases()}
    out["rotation.json"] = {"description": "Several secrets (rotation) and several signatures.",
                            "cases": rotation_cases()}
    out["drift.json"] = {"description": "Authentic deliveries unlike what hookshield expects: every one is an event, "
                                        "typed where it can be, untyped with the reason where not.",
                         "cases": drift_cases()}
    out["keys.json"] = {"description": "Idempotency keys: different events never share one, a redelivery keeps it.",
                        "cases": key_cases()}
    out["process/outcomes.json"] = {"description": "What process answers (outcome, HTTP status, JSON body) for every "
                                           "outcome and the common rejections, per provider.",
                            "cases": outcome_cases()}
    out["process/inbox.json"] = {"description": "What Inbox::accept answers (outcome, HTTP status, JSON body) for a "
                                                "new delivery, one already in the inbox and the common rejections, "
                                                "per provider.",
                                 "cases": inbox_cases()}
    out["interop.json"] = {"description": "What the reference libraries accept: malformed entries skipped, "
                                          "repeated headers, unpadded secrets, GitHub form deliveries.",
                           "cases": interop_cases()}
    return {name: json.dumps(content, indent=1, ensure_ascii=False) + "\n" for name, content in out.items()}


def main():
    check = "--check" in sys.argv
    stale = []
    for name, text in files().items():
        path = HERE / name
        path.parent.mkdir(exist_ok=True)
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        sys.exit(f"out of date: {', '.join(stale)}; run python3 tests/vectors/generate.py")


if __name__ == "__main__":
    main()
