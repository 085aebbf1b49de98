"""What the framework helpers answer: one JSON body per outcome, no framework imports."""

from __future__ import annotations

from typing import Any

from ._errors import StoreError, VerificationError
from ._hookshield import Outcome


def outcome_body(outcome: Outcome[Any]) -> dict[str, Any]:
    """The JSON body for an outcome: its kind, and for a rejection or a store failure
    the error's code and message (which never contain a secret, an expected signature
    or a store's URL)."""
    body: dict[str, Any] = {"status": outcome.kind}
    error = outcome.error
    if isinstance(error, (VerificationError, StoreError)):
        body["code"] = error.code
        body["message"] = error.message
    if outcome.event is not None:
        body["idempotency_key"] = outcome.event.idempotency_key
    return body


def error_body(error: VerificationError) -> dict[str, Any]:
    """The JSON body for a rejected delivery."""
    return {"status": "rejected", "code": error.code, "message": error.message}
