"""Verify + typed parse of a 1 KiB delivery: hookshield against the providers' documented
snippet, `standardwebhooks` and `svix`, side by side in one process.

    cd bindings/python
    .venv/bin/python -m pytest benches --benchmark-only --benchmark-group-by=group \
        --benchmark-columns=min,median,mean,ops --benchmark-sort=mean

Every benchmark first checks that its verifier accepts the delivery and returns the
event, so each side does the same work: check the signature and give the parsed event.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import hookshield
from payloads import (
    BODY,
    SENTINEL_HEADERS,
    SENTINEL_SECRET,
    STANDARD_BODY,
    STANDARD_HEADERS,
    STANDARD_HEADERS_LOWER,
    STANDARD_SECRET,
    documented_snippet,
)

standardwebhooks = pytest.importorskip("standardwebhooks")
svix_webhooks = pytest.importorskip("svix.webhooks")

SENTINEL = hookshield.Verifier("sentinel", SENTINEL_SECRET)
STANDARD = hookshield.Verifier("standard", STANDARD_SECRET)


@pytest.mark.benchmark(group="sentinel 1 KiB")
def test_documented_snippet(benchmark: Any) -> None:
    """Sentinel's `verify_webhook` (hmac.new().hexdigest() + hmac.compare_digest), the
    5-minute timestamp check the document advises, then json.loads: an untyped dict."""
    doc = benchmark(documented_snippet, BODY, SENTINEL_HEADERS, SENTINEL_SECRET)
    assert doc["data"]["document_id"] == "doc_abc123"


@pytest.mark.benchmark(group="sentinel 1 KiB")
def test_hookshield_verify(benchmark: Any) -> None:
    """Signature, replay window, envelope, typed data and idempotency key; reads `type`."""

    def run() -> str:
        return SENTINEL.verify(BODY, SENTINEL_HEADERS).type

    assert benchmark(run) == "document.completed"


@pytest.mark.benchmark(group="sentinel 1 KiB")
def test_hookshield_verify_read_data(benchmark: Any) -> None:
    """As above, and builds the whole `data` dict (what json.loads gives the snippet)."""

    def run() -> Any:
        return SENTINEL.verify(BODY, SENTINEL_HEADERS).data

    assert benchmark(run)["document_id"] == "doc_abc123"


@pytest.mark.benchmark(group="standard webhooks 1 KiB")
def test_hookshield_standard(benchmark: Any) -> None:
    def run() -> Any:
        return STANDARD.verify(STANDARD_BODY, STANDARD_HEADERS).data

    assert benchmark(run)["document_id"] == "doc_abc123"


@pytest.mark.benchmark(group="standard webhooks 1 KiB")
def test_standardwebhooks(benchmark: Any) -> None:
    hook = standardwebhooks.Webhook(STANDARD_SECRET)
    doc = benchmark(hook.verify, STANDARD_BODY, STANDARD_HEADERS_LOWER)
    assert doc["data"]["document_id"] == "doc_abc123"


@pytest.mark.benchmark(group="standard webhooks 1 KiB")
def test_svix(benchmark: Any) -> None:
    hook = svix_webhooks.Webhook(STANDARD_SECRET)

    def run() -> Any:
        hook.verify(STANDARD_BODY, STANDARD_HEADERS_LOWER)  # returns None: parse as svix's docs do
        return json.loads(STANDARD_BODY)

    assert run()["data"]["document_id"] == "doc_abc123"
    benchmark(run)
