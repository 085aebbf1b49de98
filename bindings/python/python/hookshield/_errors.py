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
    "StoreUnavailableError",
]


class VerificationError(ValueError):
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
        super().__init__(message)
        self.code = code
        self.status = status
        self.details = dict(details or {})

    @property
    def message(self) -> str:
        """The human-readable message."""
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> Any:
        return (type(self), (self.message, self.code, self.status, self.details))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


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
    """The verifier's configuration is invalid: ``no_secret`` or ``invalid_config``.
    Raised when a ``Verifier`` is built (or when its ``clock`` fails), never for a
    delivery's content."""


class StoreUnavailableError(RuntimeError):
    """The idempotency store failed (code ``store_unavailable``); the delivery must
    not be acknowledged."""

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
        super().__init__(message)
        self.code = code
        self.status = status
        self.details = dict(details or {})
