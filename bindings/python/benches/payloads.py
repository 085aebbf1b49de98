"""The deliveries the benchmarks verify: a 1 KiB Sentinel `document.completed` body, and
the same JSON as a Standard Webhooks delivery for `standardwebhooks` and `svix`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import hookshield

SENTINEL_SECRET = "whsec_benchmark_sentinel_secret"
STANDARD_SECRET = "whsec_" + base64.b64encode(b"benchmark-standard-webhooks-key!").decode()


def sentinel_body(size: int = 1024) -> bytes:
    """Sentinel's documented `document.completed` sample, padded to `size` bytes with a
    `summary` field (an undocumented field: kept, as the contract requires)."""
    doc = json.loads(hookshield.sample("sentinel", "document.completed"))
    doc["data"]["summary"] = ""
    base = len(json.dumps(doc, separators=(",", ":")).encode())
    doc["data"]["summary"] = "x" * (size - base)
    body = json.dumps(doc, separators=(",", ":")).encode()
    assert len(body) == size, len(body)
    return body


def standard_body(sentinel: bytes) -> bytes:
    """The same event as a Standard Webhooks payload (`type`, `timestamp`, `data`), the
    same size."""
    doc = json.loads(sentinel)
    doc = {"type": doc.pop("event"), **doc}
    doc["data"]["summary"] += "x" * (len(sentinel) - len(json.dumps(doc, separators=(",", ":"))))
    body = json.dumps(doc, separators=(",", ":")).encode()
    assert len(body) == len(sentinel)
    return body


BODY = sentinel_body()
STANDARD_BODY = standard_body(BODY)
NOW = int(time.time())
SENTINEL_HEADERS = hookshield.sign("sentinel", SENTINEL_SECRET, BODY, timestamp=NOW)
MSG_ID = "msg_2bKpZ8mXw1"
STANDARD_HEADERS = hookshield.sign("standard", STANDARD_SECRET, STANDARD_BODY, timestamp=NOW, id=MSG_ID)
# The Standard Webhooks libraries read lower-case header names from a dict.
STANDARD_HEADERS_LOWER = {k.lower(): v for k, v in STANDARD_HEADERS.items()}


def documented_snippet(payload: bytes, headers: dict[str, str], secret: str) -> dict:
    """What Sentinel's document shows (`verify_webhook`), with the check it advises beside
    it ("Reject webhooks with timestamps older than 5 minutes"), then `json.loads`: the
    same work as the Node benchmark's snippet, and the checks `verify` makes (signature,
    window) before it reads the JSON."""
    signature = headers["X-Sentinel-Signature"]
    expected = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(f"sha256={expected}", signature):
        raise ValueError("bad signature")
    if abs(time.time() - int(headers["X-Sentinel-Timestamp"])) > 300:
        raise ValueError("stale")
    return json.loads(payload)


def documented_code_only(payload: bytes, headers: dict[str, str], secret: str) -> dict:
    """The document's `verify_webhook` verbatim, then `json.loads`: no timestamp check."""
    signature = headers["X-Sentinel-Signature"]
    expected = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(f"sha256={expected}", signature):
        raise ValueError("bad signature")
    return json.loads(payload)
