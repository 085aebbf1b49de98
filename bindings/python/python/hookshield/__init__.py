"""hookshield: receiver-side webhook verification.

Constant-time HMAC-SHA256 signatures, two-sided replay windows, typed events for every
documented event of every provider, and exactly-once processing helpers, in one Rust
core. This package translates it::

    import hookshield

    verifier = hookshield.Verifier("sentinel", "whsec_...")
    event = verifier.verify(request_body, request_headers)   # or raises VerificationError

``hookshield.Inbox`` queues verified deliveries durably (SQLite or Redis) for workers
(``inbox.worker(handler, verifier=verifier).run()``). ``hookshield.wsgi`` and
``hookshield.asgi`` hold applications any framework can mount; ``hookshield.flask``,
``hookshield.fastapi`` and ``hookshield.django`` hold helpers for those frameworks, which
import their framework only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import (
    ConfigurationError,
    PayloadError,
    SignatureError,
    StoreError,
    StoreUnavailableError,
    TimestampError,
    VerificationError,
)
from ._hookshield import (
    ERROR_CODES,
    OVERRIDES,
    PROVIDERS,
    Answer,
    Claim,
    Event,
    Inbox,
    Job,
    MemoryStore,
    Outcome,
    RedisStore,
    Router,
    Verifier,
    __version__,
    sample,
    sample_types,
    sign,
)
from ._support import ClaimState
from ._worker import Worker

# The per-provider event unions exist for type checkers (see `_hookshield.pyi`). At run
# time, where an annotation is evaluated (FastAPI reads endpoint annotations), each
# of them is `Event`, the class every event actually is.
_EVENT_UNIONS = (
    "AnyEvent",
    "CustomEvent",
    "DocIntellEvent",
    "GitHubEvent",
    "KycEvent",
    "SenseiEvent",
    "SentinelEvent",
    "SentrasaEvent",
    "StandardEvent",
    "UnknownEvent",
)

if TYPE_CHECKING:
    from ._hookshield import (
        AnyEvent,
        CustomEvent,
        DocIntellEvent,
        GitHubEvent,
        KycEvent,
        SenseiEvent,
        SentinelEvent,
        SentrasaEvent,
        StandardEvent,
        UnknownEvent,
    )
else:

    def __getattr__(name: str) -> Any:
        if name in _EVENT_UNIONS:
            return Event
        raise AttributeError(f"module 'hookshield' has no attribute {name!r}")

__all__ = [
    "AnyEvent",
    "CustomEvent",
    "DocIntellEvent",
    "GitHubEvent",
    "KycEvent",
    "SenseiEvent",
    "SentinelEvent",
    "SentrasaEvent",
    "StandardEvent",
    "UnknownEvent",
    "ERROR_CODES",
    "OVERRIDES",
    "PROVIDERS",
    "Answer",
    "Claim",
    "ClaimState",
    "ConfigurationError",
    "Event",
    "Inbox",
    "Job",
    "MemoryStore",
    "Outcome",
    "PayloadError",
    "RedisStore",
    "Router",
    "SignatureError",
    "StoreError",
    "StoreUnavailableError",
    "TimestampError",
    "VerificationError",
    "Verifier",
    "Worker",
    "__version__",
    "sample",
    "sample_types",
    "sign",
]
