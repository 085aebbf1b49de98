"""boundaries.json: the replay window, the replay horizon and the size limit at and one
past their bounds."""
import json

from .cases import compact, err, sample, valid
from .events import TIME_KEYS, iso_ms
from .schemes import NOW, signed_headers


HOUR = 3600
# Default retention = replay horizon: each provider's retry horizon plus a day.
RETENTION = {"sentinel": 48 * HOUR + 24 * HOUR, "docintell": 15 + 24 * HOUR,
             "sensei": 34 * HOUR + 36 * 60 + 24 * HOUR}
DEFAULT_RETENTION = 72 * HOUR + 24 * HOUR


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
    ] + horizon_cases() + before_1970_cases() + [
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


def before_1970_cases():
    """An event time before 1970 is the event's time (negative Unix milliseconds), where
    the provider has no replay horizon: as a date-time, and as negative Unix seconds. One
    outside the years 0001 to 9999 (what every binding's date type holds) is no time."""
    standard = compact({"type": "invoice.paid", "timestamp": "1960-01-01T00:00:00Z",
                        "data": {"invoice_id": "inv_1960", "amount": 1999, "currency": "USD"}})
    custom = compact({"type": "user.updated", "id": "u_1960", "created": -315619200, "data": {}})
    return [
        valid("standard", "an event time before 1970 (a date-time)", standard,
              signed_headers("standard", standard, msg_id="msg_before_1970")),
        valid("custom", "an event time before 1970 (negative Unix seconds)", custom,
              signed_headers("custom", custom, secret="custom_secret", scheme=dict(sig="X-Signature"))),
    ] + [
        valid("custom", f"an event time {name}", body,
              signed_headers("custom", body, secret="custom_secret", scheme=dict(sig="X-Signature")))
        for name, created in [
            ("at the first second of year 1", -62_135_596_800),
            ("before year 1 is no time", -62_135_596_801),
            ("in year 0 (RFC 3339) is no time", "0000-06-01T00:00:00Z"),
            ("at the last second of year 9999", 253_402_300_799),
            ("after year 9999 is no time", 253_402_300_800),
        ]
        for body in [compact({"type": "user.updated", "id": "u_range", "created": created, "data": {}})]
    ]
