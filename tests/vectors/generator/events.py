"""The event every binding must produce from a delivery: the sample types and their
families, where each envelope keeps its type, id and event time, and idempotency keys."""
import hashlib
import json
import re
from datetime import datetime
from urllib.parse import parse_qs, parse_qsl

from .schemes import SCHEMES


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


# The Unix seconds an event time may be (crates/hookshield/src/timestamp.rs):
# 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, what every binding's date type holds.
EVENT_SECONDS = (-62_135_596_800, 253_402_300_799)


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
# Senders whose data is the whole document (no `data` member).
WHOLE_DATA = {"slack", "shopify"}
DATA_REQUIRED = {"sentinel", "docintell", "sentrasa", "kyc", "sensei"}


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
            if ts_ms is not None and not EVENT_SECONDS[0] <= ts_ms // 1000 <= EVENT_SECONDS[1]:
                ts_ms = None  # outside the years 0001 to 9999: no time
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
