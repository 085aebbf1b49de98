"""hookshield: receiver-side webhook verification.

Constant-time HMAC-SHA256 signatures, two-sided replay windows, typed events for every
documented event of every provider, and exactly-once processing helpers, in one Rust
core. This package translates it::

    import hookshield

    verifier = hookshield.Verifier("sentinel", "whsec_...")
    event = verifier.verify(request_body, request_headers)   # or raises VerificationError

``hookshield.flask`` and ``hookshield.fastapi`` hold helpers for those frameworks; they
import their framework only when used.
"""

from __future__ import annotations

from ._errors import (
    ConfigurationError,
    PayloadError,
    SignatureError,
    StoreUnavailableError,
    TimestampError,
    VerificationError,
)
from ._hookshield import (
    ERROR_CODES,
    OVERRIDES,
    PROVIDERS,
    Claim,
    Event,
    MemoryStore,
    Outcome,
    Router,
    Verifier,
    __version__,
    sample,
    sample_types,
    sign,
)
from ._support import ClaimState

__all__ = [
    "ERROR_CODES",
    "OVERRIDES",
    "PROVIDERS",
    "Claim",
    "ClaimState",
    "ConfigurationError",
    "Event",
    "MemoryStore",
    "Outcome",
    "PayloadError",
    "Router",
    "SignatureError",
    "StoreUnavailableError",
    "TimestampError",
    "VerificationError",
    "Verifier",
    "__version__",
    "sample",
    "sample_types",
    "sign",
]
