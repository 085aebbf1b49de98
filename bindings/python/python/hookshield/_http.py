"""What the framework helpers share, without importing a framework: the store they use
when given none, and what they log. What they answer is the core's ``Outcome.answer``:
its status, and its JSON body sent as ``application/json``."""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from ._errors import StoreError, VerificationError
from ._hookshield import MemoryStore, Outcome, Verifier

logger = logging.getLogger("hookshield")

# The Content-Type of every answer's body.
CONTENT_TYPE = "application/json"

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


def log_outcome(provider: str, outcome: Outcome[Any]) -> None:
    """Logs what a receiver must hear about: a rejection (its code, the provider and the
    status answered; never the message's details, and so never a signature), an
    unavailable store, and a handler's exception with its traceback."""
    error = outcome.error
    if outcome.kind == "rejected" and isinstance(error, VerificationError):
        logger.warning("rejected a %s delivery: %s (answered %d)", provider, error.code, outcome.status)
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
