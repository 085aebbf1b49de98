"""errors.json: every error code, and the order in which checks run."""
import json

from .cases import compact, err, sample
from .schemes import NOW, signed_headers


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
