"""The provider files (`<provider>.json`): every sample event type and each provider's
particular cases."""
import base64
import json

from .cases import case, compact, err, sample, valid
from .events import SAMPLE_ORDER
from .presets import new_preset_cases
from .schemes import NOW, SCHEMES, signature, signed_headers


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
