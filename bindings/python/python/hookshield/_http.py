"""What the framework helpers share, without importing a framework: the JSON body of
each answer, the store they use when given none, and what they log."""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from ._errors import StoreError, VerificationError
from ._hookshield import MemoryStore, Outcome, Verifier

logger = logging.getLogger("hookshield")

# How much of a body the helpers ask their framework for at a time.
READ_CHUNK = 64 * 1024

_default_stores: weakref.WeakKeyDictionary[Verifier[Any], MemoryStore] = weakref.WeakKeyDictionary()
_default_stores_lock = threading.Lock()


def default_store(verifier: Verifier[Any]) -> MemoryStore:
    """The ``MemoryStore`` a helper given no store claims events in: one per verifier,
    for as long as the verifier lives, so every helper of one verifier shares it."""
    with _default_stores_lock:
        store = _default_stores.get(verifier)
        if store is None:
            store = _default_stores[verifier] = MemoryStore()
        return store


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


def log_rejection(provider: str, error: VerificationError) -> None:
    """Logs a refused delivery: its code, the provider and the status answered (never
    the message's details, and so never a signature)."""
    logger.warning("rejected a %s delivery: %s (answered %d)", provider, error.code, error.status)


def log_outcome(provider: str, outcome: Outcome[Any]) -> None:
    """Logs what a receiver must hear about: a rejection, an unavailable store, and a
    handler's exception with its traceback."""
    error = outcome.error
    if outcome.kind == "rejected" and isinstance(error, VerificationError):
        log_rejection(provider, error)
    elif outcome.kind == "store_unavailable" and isinstance(error, StoreError):
        logger.error(
            "the idempotency store failed on a %s delivery: %s (answered %d)",
            provider,
            error.code,
            outcome.status,
        )
    if outcome.exception is not None:
        logger.exception(
            "the %s webhook handler failed (answered %d, so the provider retries)",
            provider,
            outcome.status,
            exc_info=outcome.exception,
        )
