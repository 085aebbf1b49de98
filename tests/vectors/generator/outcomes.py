"""process/outcomes.json and process/inbox.json: what `process` and `Inbox::accept` answer."""
from .cases import case, sample
from .events import expected_event
from .schemes import NOW, SCHEMES, signed_headers


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
