"""What the binding takes from the core rather than deciding itself: the HTTP answer
(`Answer`, `Outcome.answer`) and the checks of every option (`hookshield::options`)."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import pytest

import hookshield

SECRET = "whsec_core_rules"
BODY = hookshield.sample("sensei", "approval.required")


def delivery() -> tuple[bytes, dict[str, str]]:
    return BODY, hookshield.sign("sensei", SECRET, BODY)


def test_outcome_answer_is_the_cores() -> None:
    verifier = hookshield.Verifier("sensei", SECRET)
    body, headers = delivery()
    outcome = verifier.process(body, headers, hookshield.MemoryStore(), lambda event: None)
    assert isinstance(outcome.answer, hookshield.Answer)
    assert (outcome.answer.status, outcome.answer.body) == (
        200,
        '{"outcome":"processed","idempotency_key":"evt_sensei010"}',
    )
    assert outcome.answer == hookshield.Answer.processed(verifier.verify(body, headers))
    assert repr(outcome.answer) == (
        """Answer(status=200, body='{"outcome":"processed","idempotency_key":"evt_sensei010"}')"""
    )
    forged = verifier.process(body, hookshield.sign("sensei", "nope", body), hookshield.MemoryStore(), print)
    assert forged.answer.status == forged.status == 401
    assert isinstance(forged.error, hookshield.VerificationError)
    assert json.loads(forged.answer.body) == {
        "outcome": "rejected",
        "error": {"code": "signature_mismatch", "message": forged.error.message},
    }


def test_a_handlers_error_is_kept_but_never_answered() -> None:
    verifier = hookshield.Verifier("sensei", SECRET)

    def failing(event: Any) -> None:
        raise RuntimeError("password=hunter2")

    failed = verifier.process(*delivery(), hookshield.MemoryStore(), failing)
    assert failed.message == "RuntimeError: password=hunter2"
    assert "hunter2" not in failed.answer.body
    assert json.loads(failed.answer.body)["error"] == {
        "code": "handler_failed",
        "message": "the handler failed; the delivery will be retried",
    }


def test_refuse_body_size() -> None:
    verifier = hookshield.Verifier("sentinel", SECRET, max_body_bytes=10)
    assert verifier.refuse_body_size(10) is None
    refused = verifier.refuse_body_size(11)
    assert refused is not None
    assert (refused.kind, refused.status, refused.event, refused.acknowledged) == ("rejected", 413, None, False)
    assert json.loads(refused.answer.body) == {
        "outcome": "rejected",
        "error": {"code": "body_too_large", "message": "body too large: 11 bytes, limit is 10 bytes"},
    }
    with pytest.raises(hookshield.PayloadError) as raised:
        verifier.check_body_size(11)
    assert raised.value.message == "body too large: 11 bytes, limit is 10 bytes"


BAD_SECONDS = [0, 0.0, -1, math.nan, math.inf, 11 * 365 * 24 * 3600]


@pytest.mark.parametrize("seconds", BAD_SECONDS)
def test_every_lease_and_retention_is_checked_by_the_core(seconds: float) -> None:
    """0 is refused everywhere, with the core's one message."""
    lease = "invalid configuration: the lease must be a positive number of seconds (at most ten years), found "
    retention = "invalid configuration: the retention must be a positive number of seconds (at most ten years), found "
    store, verifier = hookshield.MemoryStore(), hookshield.Verifier("sensei", SECRET)
    body, headers = delivery()
    calls: list[Any] = [
        (lease, lambda: store.begin("k", lease_seconds=seconds)),
        (retention, lambda: store.complete("k", retention_seconds=seconds)),
        (lease, lambda: verifier.process(body, headers, store, print, lease_seconds=seconds)),
        (retention, lambda: verifier.process(body, headers, store, print, retention_seconds=seconds)),
        (lease, lambda: verifier.claim(body, headers, store, lease_seconds=seconds)),
        (retention, lambda: verifier.claim(body, headers, store, retention_seconds=seconds)),
        (lease, lambda: asyncio.run(verifier.process_async(body, headers, store, print, lease_seconds=seconds))),
    ]
    for message, call in calls:
        with pytest.raises(hookshield.ConfigurationError) as raised:
            call()
        assert raised.value.code == "invalid_config"
        assert raised.value.message.startswith(message)
    assert store.begin("k") == "fresh"  # nothing was claimed


def test_sizes_and_tolerance_are_checked_by_the_core() -> None:
    assert hookshield.Verifier("sentinel", SECRET, tolerance=0).tolerance == 0
    cases: list[tuple[str, Any]] = [
        ("invalid configuration: the tolerance must be a whole number of at least 0, found -1", lambda: hookshield.Verifier("sentinel", SECRET, tolerance=-1)),
        ("invalid configuration: max_body_bytes must be a whole number of at least 1, found 0", lambda: hookshield.Verifier("sentinel", SECRET, max_body_bytes=0)),
        ("invalid configuration: the capacity must be a whole number of at least 1, found 0", lambda: hookshield.MemoryStore(capacity=0)),
        ("invalid configuration: the capacity must be a whole number of at least 1, found -5", lambda: hookshield.MemoryStore(capacity=-5)),
    ]
    for message, call in cases:
        with pytest.raises(hookshield.ConfigurationError) as raised:
            call()
        assert (raised.value.code, raised.value.message) == ("invalid_config", message)
