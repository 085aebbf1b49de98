"""The exceptions hookshield raises.

Every verification failure is a :class:`VerificationError` (a ``ValueError``) whose
``code`` is one of the contract's stable codes. Its class says which part of the
delivery was wrong, so ``except hookshield.SignatureError`` reads naturally. Messages
and ``details`` never contain a secret or an expected signature.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = [
    "VerificationError",
    "SignatureError",
    "TimestampError",
    "PayloadError",
    "ConfigurationError",
    "StoreError",
    "StoreUnavailableError",
]


class _CodedError(Exception):
    """What both kinds of hookshield error carry: a stable ``code``, the HTTP ``status``
    a receiver should answer, and ``details``; they pickle and print the same way."""

    code: str
    status: int
    details: Mapping[str, Any]

    def __init__(
        self,
        message: str,
        code: str,
        status: int,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.details = dict(details or {})

    @property
    def message(self) -> str:
        """The human-readable message (never a secret, a URL or a password)."""
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> Any:
        return (type(self), (self.message, self.code, self.status, self.details))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class VerificationError(_CodedError, ValueError):
    """A delivery failed verification (or a verifier could not be built).

    Attributes:
        code: the stable contract code, e.g. ``"signature_mismatch"``.
        status: the HTTP status a receiver should answer for it (401, 400, 413, 500).
        details: what the error says, as fields (header names, ages, limits, ...).
    """

    code: str
    status: int
    details: Mapping[str, Any]

    def __init__(
        self,
        message: str,
        code: str,
        status: int = 400,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code, status, details)


class SignatureError(VerificationError):
    """The signature is missing, malformed or wrong (``missing_header``,
    ``malformed_signature``, ``signature_mismatch``)."""


class TimestampError(VerificationError):
    """The timestamp is missing, malformed, too old or in the future
    (``missing_timestamp``, ``malformed_timestamp``, ``timestamp_too_old``,
    ``timestamp_in_future``)."""


class PayloadError(VerificationError):
    """The signed body is too large, not JSON, not the provider's envelope, or disagrees
    with a header (``body_too_large``, ``invalid_json``, ``invalid_envelope``,
    ``header_mismatch``)."""


class ConfigurationError(VerificationError):
    """The configuration is invalid: ``no_secret`` or ``invalid_config``. Raised when a
    ``Verifier`` (or a ``RedisStore``, for a malformed URL) is built, or when a
    verifier's ``clock`` fails; never for a delivery's content."""


class StoreError(_CodedError, RuntimeError):
    """The idempotency store failed. Not a verification failure: the delivery may be
    perfectly valid, and must not be acknowledged, so the provider retries it.

    Raised by ``MemoryStore``/``RedisStore`` methods, and carried (never raised) by the
    ``Outcome`` of ``process`` as ``outcome.error``.

    Attributes:
        code: a stable code (``"store_unavailable"``).
        status: the HTTP status a receiver should answer (503, which every provider
            retries).
        details: what the error says, as fields.
    """

    code: str
    status: int
    details: Mapping[str, Any]

    def __init__(
        self,
        message: str,
        code: str = "store_unavailable",
        status: int = 503,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code, status, details)


class StoreUnavailableError(StoreError):
    """The store could not be reached or did not answer within its timeout (code
    ``store_unavailable``), e.g. Redis is down."""
