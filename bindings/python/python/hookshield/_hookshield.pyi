"""Type stubs of the native module `hookshield._hookshield`.

`Verifier(provider, ...)` is generic in the events its provider sends, so
`verifier.verify(...)` returns a union of one class per documented event type (with
`type: Literal[...]` and a TypedDict `data`) plus `UnknownEvent` for the untyped ones
(an undocumented type, data not matching its documented shape, no type, a body that is
not an object: `untyped_reason` says which). After ruling the untyped one out
(`if event.documented is False: ...`), comparing `event.type` narrows `event.data`:

    event = hookshield.Verifier("sentinel", secret).verify(body, headers)
    if event.documented is False:
        return                                  # untyped: event.data is whatever json.loads gives
    if event.type == "document.completed":
        event.data["document_id"]               # str
"""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, Literal, TypedDict, TypeVar, Union, final, overload, type_check_only

from typing_extensions import NotRequired, TypeAlias, disjoint_base

from ._support import ClaimState
from ._worker import Worker

__all__ = [
    "Answer",
    "Claim",
    "ERROR_CODES",
    "Event",
    "Inbox",
    "Job",
    "MemoryStore",
    "OVERRIDES",
    "Outcome",
    "PROVIDERS",
    "RedisStore",
    "Router",
    "Verifier",
    "__version__",
    "sample",
    "sample_types",
    "sign",
]
__version__: str
PROVIDERS: tuple[str, ...]
OVERRIDES: tuple[str, ...]
ERROR_CODES: tuple[str, ...]

Body: TypeAlias = Union[bytes, bytearray, memoryview, str]
HeadersLike: TypeAlias = Union[
    Mapping[str, str], Mapping[str, bytes], Iterable[tuple[str, str]], Iterable[tuple[bytes, bytes]]
]
Secret: TypeAlias = Union[str, bytes, bytearray]
Secrets: TypeAlias = Union[Secret, Sequence[Secret]]
Clock: TypeAlias = Callable[[], Union[int, float]]
ProviderName: TypeAlias = Literal["sentinel", "docintell", "sentrasa", "kyc", "sensei", "github", "standard", "stripe", "svix", "slack", "shopify", "paddle", "custom"]
UntypedReason: TypeAlias = Literal["undocumented_type", "data_mismatch", "missing_type", "not_an_object"]

@disjoint_base
class Event:
    """A verified delivery. `data`, `raw` and `timestamp` are built when first read."""

    @property
    def provider(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def id(self) -> str | None: ...
    @property
    def timestamp(self) -> datetime.datetime | None: ...
    @property
    def data(self) -> Any:
        """What `json.loads` gives for the data's text (None where there is none)."""
    @property
    def raw(self) -> Any:
        """What `json.loads` gives for the whole document."""
    @property
    def idempotency_key(self) -> str: ...
    @property
    def documented(self) -> bool: ...
    @property
    def untyped_reason(self) -> UntypedReason | None: ...
    @property
    def untyped_detail(self) -> str | None: ...
    def matches(self, pattern: str) -> bool: ...

@type_check_only
class UnknownEvent(Event):
    """An untyped event: an undocumented type, data that does not match its documented
    shape, no type member, or a body that is not an object (`untyped_reason` says
    which). Its data is whatever `json.loads` gives, or None where there is none."""

    @property
    def documented(self) -> Literal[False]: ...
    @property
    def untyped_reason(self) -> UntypedReason: ...
    @property
    def untyped_detail(self) -> str: ...
    @property
    def data(self) -> Any: ...

_E = TypeVar("_E", bound=Event, covariant=True)

@type_check_only
class SignatureCheck(TypedDict):
    timestamp: int | None
    id: str | None
    event: str | None

@final
class Verifier(Generic[_E]):
    """Verifies deliveries from one provider against one or more secrets."""

    @overload
    def __new__(cls, provider: Literal["sentinel"], secrets: Secrets, *, tolerance: int = 300, max_body_bytes: int = 1048576, clock: Clock | None = None, **overrides: str | None) -> Verifier[SentinelEvent]: ...
    @overload
    def __new__(cls, provider: Literal["docintell"], secrets: Secrets, *, tolerance: int = 300, max_body_bytes: int = 1048576, clock: Clock | None = None, **overrides: str | None) -> Verifier[DocIntellEvent]: ...
    @overload
    def __new__(cls, provider: Literal["sentrasa"], secrets: Secrets, *, tolerance: int = 300, max_body_bytes: int = 1048576, clock: Clock | None = None, **overrides: str | None) -> Verifier[SentrasaEvent]: ...
    @overload
    def __new__(cls, provider: Literal["kyc"], secrets: Secrets, *, tolerance: int = 300, max_body_bytes: int = 1048576, clock: Clock | None = None, **overrides: str | None) -> Verifier[KycEvent]: ...
    @overload
    def __new__(cls, provider: Literal["sensei"], secrets: Secrets, *, tolerance: int = 300, max_body_bytes: int = 1048576, clock: Clock | None = None, **overrides: str | None) -> Verifier[SenseiEvent]: ...
    @overload
    def __new__(cls, provider: Literal["github", "standard", "stripe", "svix", "slack", "shopify", "paddle", "custom"], secrets: Secrets, *, tolerance: int = 300, max_body_bytes: int = 1048576, clock: Clock | None = None, **overrides: str | None) -> Verifier[UnknownEvent]: ...
    @overload
    def __new__(cls, provider: str, secrets: Secrets, *, tolerance: int = 300, max_body_bytes: int = 1048576, clock: Clock | None = None, **overrides: str | None) -> Verifier[AnyEvent]: ...
    @property
    def provider(self) -> str: ...
    @property
    def tolerance(self) -> int: ...
    @property
    def max_body_bytes(self) -> int: ...
    def check_body_size(self, size: int) -> None:
        """Raises the `body_too_large` `PayloadError` if `size` is over `max_body_bytes`."""
    def refuse_body_size(self, size: int) -> Outcome[_E] | None:
        """The rejected `Outcome` (`body_too_large`, 413) if `size` is over
        `max_body_bytes`, else None."""
    def verify(self, body: Body, headers: HeadersLike) -> _E:
        """Verifies a delivery; raises a `VerificationError` subclass when it fails."""
    def verify_signature(self, body: Body, headers: HeadersLike) -> SignatureCheck: ...
    def process(
        self,
        body: Body,
        headers: HeadersLike,
        store: Store,
        handler: Callable[[_E], object],
        *,
        lease_seconds: float = 30.0,
        retention_seconds: float | None = None,
    ) -> Outcome[_E]: ...
    async def process_async(
        self,
        body: Body,
        headers: HeadersLike,
        store: Store,
        handler: Callable[[_E], object],
        *,
        lease_seconds: float = 30.0,
        retention_seconds: float | None = None,
    ) -> Outcome[_E]: ...
    def claim(
        self,
        body: Body,
        headers: HeadersLike,
        store: Store,
        *,
        lease_seconds: float = 30.0,
        retention_seconds: float | None = None,
    ) -> Claim[_E] | Outcome[_E]: ...
    def __class_getitem__(cls, item: Any) -> Any: ...

OutcomeKind: TypeAlias = Literal["processed", "queued", "duplicate", "in_progress", "rejected", "handler_failed", "store_unavailable"]

@final
class Answer:
    """The HTTP answer to a delivery, the same from every helper in every language: a
    status and the JSON body `{"outcome": ..., "idempotency_key": ..., "error": {"code":
    ..., "message": ...}}` (the key once the delivery verified, the error when it
    failed), sent as `application/json`."""

    @staticmethod
    def processed(event: Event) -> Answer:
        """The answer to a delivery the receiver's own code processed."""
    @staticmethod
    def queued(event: Event) -> Answer:
        """The answer to a delivery appended to an inbox."""
    @property
    def status(self) -> int: ...
    @property
    def body(self) -> str:
        """The JSON body, as text."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class Outcome(Generic[_E]):
    """What happened to a delivery, and the HTTP answer to send."""

    @property
    def kind(self) -> OutcomeKind: ...
    @property
    def status(self) -> int:
        """`answer.status`."""
    @property
    def answer(self) -> Answer: ...
    @property
    def acknowledged(self) -> bool: ...
    @property
    def event(self) -> _E | None: ...
    @property
    def error(self) -> Exception | None: ...
    @property
    def exception(self) -> BaseException | None: ...
    @property
    def message(self) -> str | None: ...

@final
class Claim(Generic[_E]):
    """A verified event whose key this worker holds; `finish` records the result."""

    @property
    def event(self) -> _E: ...
    def finish(self, exception: BaseException | None = None) -> Outcome[_E]: ...

@final
class MemoryStore:
    """A bounded, thread-safe, in-process idempotency store."""

    def __new__(cls, capacity: int = 100000) -> MemoryStore: ...
    @property
    def capacity(self) -> int: ...
    def begin(self, key: str, lease_seconds: float = 30.0) -> ClaimState: ...
    def complete(self, key: str, retention_seconds: float | None = None) -> None: ...
    def release(self, key: str) -> None: ...

@final
class RedisStore:
    """The idempotency store in Redis, shared by every receiver process and machine.

    `url` is `redis://[user:password@]host:port/db` (or `rediss://`, `unix://`); it is
    never shown in a repr or an error. Calls wait at most `timeout` seconds, then raise
    `StoreUnavailableError`; a malformed URL raises `ConfigurationError`.
    """

    def __new__(cls, url: str, *, prefix: str = "hookshield:", timeout: float = 2.0) -> RedisStore: ...
    @property
    def prefix(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    def begin(self, key: str, lease_seconds: float = 30.0) -> ClaimState: ...
    def complete(self, key: str, retention_seconds: float | None = None) -> None: ...
    def release(self, key: str) -> None: ...

Store: TypeAlias = Union[MemoryStore, RedisStore]

@type_check_only
class InboxStats(TypedDict):
    pending: int
    in_flight: int
    done: int
    dead: int
    oldest_pending_seconds: float | None

@type_check_only
class DeadLetter(TypedDict):
    idempotency_key: str
    provider: str
    attempts: int
    last_error: str
    failed_at: float

@final
class Inbox:
    """A durable inbox of verified deliveries: `sqlite:PATH` (one machine, several
    processes) or `redis://[user:password@]host:port/db` (many machines). The URL's
    password is never shown. Every call that waits for the disk or the network
    releases the interpreter; failures raise `StoreUnavailableError`, a malformed URL
    `ConfigurationError`."""

    def __new__(cls, url: str) -> Inbox: ...
    def accept(self, verifier: Verifier[_E], body: Body, headers: HeadersLike) -> Outcome[_E]:
        """Verifies and appends durably: `queued` (200), `duplicate` (200),
        `store_unavailable` (503) or `rejected`. Never raises for a delivery."""
    def stats(self) -> InboxStats: ...
    def dead_letters(self, limit: int = 100) -> list[DeadLetter]: ...
    def replay(self, keys: list[str]) -> int: ...
    def replay_all_dead(self) -> int: ...
    def worker(
        self,
        handler: Callable[[Any, Job], object] | Router,
        *,
        verifier: Verifier[Any] | None = None,
        verifiers: Iterable[Verifier[Any]] | None = None,
        concurrency: int = 1,
        max_attempts: int = 10,
        lease: float = 30.0,
        backoff: float = 1.0,
        max_backoff: float = 3600.0,
        poll_interval: float = 0.2,
    ) -> Worker:
        """A worker running `handler(event, job)` (a `Router`: `router(event)`) on each
        delivery: `.run()` in threads, `await .run_async()` on an event loop."""

@final
class Job:
    """A delivery a worker holds, the handler's second argument."""

    @property
    def event(self) -> AnyEvent: ...
    @property
    def attempt(self) -> int:
        """1 for the first attempt."""
    @property
    def idempotency_key(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def received_at(self) -> float:
        """When the receiver accepted the delivery, in Unix seconds."""
    def _finish(self, error: str | None = None) -> Literal["done", "retrying", "dead"]: ...
    def _release(self) -> None: ...

@final
@type_check_only
class _Claimer:
    def next(self) -> Job | None: ...

_F = TypeVar("_F", bound=Callable[..., Any])

@final
class Router:
    """Handlers by pattern (`*`, `family.*` or `family/*`, exact type); itself a handler."""

    def __new__(cls) -> Router: ...
    @overload
    def on(self, pattern: str, handler: None = None) -> Callable[[_F], _F]: ...
    @overload
    def on(self, pattern: str, handler: _F) -> _F: ...
    def handlers_for(self, event_type: str) -> list[Callable[..., Any]]: ...
    @property
    def routes(self) -> list[tuple[str, Callable[..., Any]]]: ...
    def __len__(self) -> int: ...
    def __call__(self, event: Event) -> Any: ...

def sign(
    provider: str,
    secret: Secret,
    body: Body,
    *,
    timestamp: int | float | datetime.datetime | None = None,
    id: str | None = None,
    event: str | None = None,
    **overrides: str | None,
) -> dict[str, str]:
    """The headers `provider` would send with `body`, signed with `secret`."""

def sample(provider: str, event_type: str, *, timestamp: int | float | datetime.datetime | None = None) -> bytes:
    """The sample body of a documented event type, from the provider's document, with
    its event time stamped `timestamp` (now by default)."""

def sample_types(provider: str) -> list[str]: ...

# BEGIN GENERATED EVENTS
@type_check_only
class SentinelDocumentCompletedData(TypedDict):
    document_id: str
    tenant_id: NotRequired[str | None]
    user_id: NotRequired[str | None]
    document_type: NotRequired[str | None]
    pages: NotRequired[int | None]
    extractions: NotRequired[SentinelExtractions | None]
    confidence: NotRequired[SentinelConfidence | None]
    processing_time_ms: NotRequired[int | None]

@type_check_only
class SentinelExtractions(TypedDict):
    holdings_count: NotRequired[int | None]
    total_aum: NotRequired[float | None]
    currency: NotRequired[str | None]

@type_check_only
class SentinelConfidence(TypedDict):
    average: NotRequired[float | None]
    minimum: NotRequired[float | None]

@type_check_only
class SentinelDocumentFailedData(TypedDict):
    document_id: str
    error_code: NotRequired[str | None]
    error_message: NotRequired[str | None]
    stage: NotRequired[str | None]
    retryable: NotRequired[bool | None]

@type_check_only
class SentinelChatSessionClosedData(TypedDict):
    session_id: str
    user_id: NotRequired[str | None]
    message_count: NotRequired[int | None]
    token_usage: NotRequired[SentinelTokenUsage | None]
    summary: NotRequired[str | None]

@type_check_only
class SentinelTokenUsage(TypedDict):
    input: NotRequired[int | None]
    output: NotRequired[int | None]

@type_check_only
class SentinelReportGeneratedData(TypedDict):
    report_id: str
    report_type: NotRequired[str | None]
    client_id: NotRequired[str | None]
    url: NotRequired[str | None]
    format: NotRequired[str | None]
    generated_by: NotRequired[str | None]

@type_check_only
class DocIntellDocumentUploadedData(TypedDict):
    document_id: str
    job_id: str
    tenant_id: NotRequired[str | None]
    status: NotRequired[str | None]

@type_check_only
class DocIntellProcessingCompletedData(TypedDict):
    document_id: str
    job_id: str
    tenant_id: NotRequired[str | None]
    status: NotRequired[str | None]
    processing_time_seconds: NotRequired[float | None]
    page_count: NotRequired[int | None]
    ir_version: NotRequired[str | None]

@type_check_only
class DocIntellProcessingFailedData(TypedDict):
    document_id: str
    job_id: str
    tenant_id: NotRequired[str | None]
    status: NotRequired[str | None]
    error_message: NotRequired[str | None]

@type_check_only
class SentrasaJobData(TypedDict):
    job_id: NotRequired[str | None]
    workspace_id: NotRequired[str | None]
    status: NotRequired[str | None]

@type_check_only
class SentrasaAlertData(TypedDict):
    alert_id: NotRequired[str | None]
    workspace_id: NotRequired[str | None]
    severity: NotRequired[str | None]

@type_check_only
class KycSessionData(TypedDict):
    session_id: NotRequired[str | None]
    status: NotRequired[str | None]
    previous_status: NotRequired[str | None]

@type_check_only
class KycWatchlistData(TypedDict):
    subject_id: NotRequired[str | None]
    status: NotRequired[str | None]
    matches: NotRequired[list[Any] | None]

@type_check_only
class SenseiMigrationData(TypedDict):
    migration_id: NotRequired[str | None]
    migration_name: NotRequired[str | None]
    status: NotRequired[str | None]

@type_check_only
class SenseiPhaseData(TypedDict):
    migration_id: NotRequired[str | None]
    migration_name: NotRequired[str | None]
    phase: NotRequired[str | None]
    phase_number: NotRequired[int | None]
    total_phases: NotRequired[int | None]

@type_check_only
class SenseiPhaseCompletedData(TypedDict):
    migration_id: str
    migration_name: str
    phase: str
    phase_number: int
    total_phases: int
    duration_seconds: int
    records_processed: int
    errors_recovered: int
    errors_escalated: int

@type_check_only
class SenseiApprovalData(TypedDict):
    approval_id: NotRequired[str | None]
    migration_id: NotRequired[str | None]

@type_check_only
class SenseiErrorData(TypedDict):
    error_id: NotRequired[str | None]
    migration_id: NotRequired[str | None]
    message: NotRequired[str | None]

@type_check_only
class SenseiValidationData(TypedDict):
    migration_id: NotRequired[str | None]
    validation_id: NotRequired[str | None]

@type_check_only
class SenseiCertificateData(TypedDict):
    migration_id: NotRequired[str | None]
    certificate_id: NotRequired[str | None]
    url: NotRequired[str | None]

@type_check_only
class SentinelDocumentCompleted(Event):
    @property
    def provider(self) -> Literal["sentinel"]: ...
    @property
    def type(self) -> Literal["document.completed"]: ...
    @property
    def family(self) -> Literal["document"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SentinelDocumentCompletedData: ...

@type_check_only
class SentinelDocumentFailed(Event):
    @property
    def provider(self) -> Literal["sentinel"]: ...
    @property
    def type(self) -> Literal["document.failed"]: ...
    @property
    def family(self) -> Literal["document"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SentinelDocumentFailedData: ...

@type_check_only
class SentinelChatSessionClosed(Event):
    @property
    def provider(self) -> Literal["sentinel"]: ...
    @property
    def type(self) -> Literal["chat.session.closed"]: ...
    @property
    def family(self) -> Literal["chat"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SentinelChatSessionClosedData: ...

@type_check_only
class SentinelReportGenerated(Event):
    @property
    def provider(self) -> Literal["sentinel"]: ...
    @property
    def type(self) -> Literal["report.generated"]: ...
    @property
    def family(self) -> Literal["report"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SentinelReportGeneratedData: ...

@type_check_only
class DocIntellDocumentUploaded(Event):
    @property
    def provider(self) -> Literal["docintell"]: ...
    @property
    def type(self) -> Literal["document.uploaded"]: ...
    @property
    def family(self) -> Literal["document"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> DocIntellDocumentUploadedData: ...

@type_check_only
class DocIntellProcessingCompleted(Event):
    @property
    def provider(self) -> Literal["docintell"]: ...
    @property
    def type(self) -> Literal["document.processing.completed"]: ...
    @property
    def family(self) -> Literal["document"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> DocIntellProcessingCompletedData: ...

@type_check_only
class DocIntellProcessingFailed(Event):
    @property
    def provider(self) -> Literal["docintell"]: ...
    @property
    def type(self) -> Literal["document.processing.failed"]: ...
    @property
    def family(self) -> Literal["document"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> DocIntellProcessingFailedData: ...

@type_check_only
class SentrasaJobCompleted(Event):
    @property
    def provider(self) -> Literal["sentrasa"]: ...
    @property
    def type(self) -> Literal["job.completed"]: ...
    @property
    def family(self) -> Literal["job"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SentrasaJobData: ...

@type_check_only
class SentrasaJobFailed(Event):
    @property
    def provider(self) -> Literal["sentrasa"]: ...
    @property
    def type(self) -> Literal["job.failed"]: ...
    @property
    def family(self) -> Literal["job"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SentrasaJobData: ...

@type_check_only
class SentrasaAlertTriggered(Event):
    @property
    def provider(self) -> Literal["sentrasa"]: ...
    @property
    def type(self) -> Literal["alert.triggered"]: ...
    @property
    def family(self) -> Literal["alert"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SentrasaAlertData: ...

@type_check_only
class KycSessionEvent(Event):
    @property
    def provider(self) -> Literal["kyc"]: ...
    @property
    def type(self) -> str: ...
    @property
    def family(self) -> Literal["session"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> KycSessionData: ...

@type_check_only
class KycWatchlistEvent(Event):
    @property
    def provider(self) -> Literal["kyc"]: ...
    @property
    def type(self) -> str: ...
    @property
    def family(self) -> Literal["watchlist"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> KycWatchlistData: ...

@type_check_only
class SenseiMigrationCreated(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["migration.created"]: ...
    @property
    def family(self) -> Literal["migration"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiMigrationData: ...

@type_check_only
class SenseiMigrationStarted(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["migration.started"]: ...
    @property
    def family(self) -> Literal["migration"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiMigrationData: ...

@type_check_only
class SenseiMigrationPaused(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["migration.paused"]: ...
    @property
    def family(self) -> Literal["migration"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiMigrationData: ...

@type_check_only
class SenseiMigrationResumed(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["migration.resumed"]: ...
    @property
    def family(self) -> Literal["migration"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiMigrationData: ...

@type_check_only
class SenseiMigrationCompleted(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["migration.completed"]: ...
    @property
    def family(self) -> Literal["migration"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiMigrationData: ...

@type_check_only
class SenseiMigrationFailed(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["migration.failed"]: ...
    @property
    def family(self) -> Literal["migration"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiMigrationData: ...

@type_check_only
class SenseiMigrationCancelled(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["migration.cancelled"]: ...
    @property
    def family(self) -> Literal["migration"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiMigrationData: ...

@type_check_only
class SenseiPhaseStarted(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["migration.phase.started"]: ...
    @property
    def family(self) -> Literal["migration.phase"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiPhaseData: ...

@type_check_only
class SenseiPhaseCompleted(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["migration.phase.completed"]: ...
    @property
    def family(self) -> Literal["migration.phase"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiPhaseCompletedData: ...

@type_check_only
class SenseiPhaseFailed(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["migration.phase.failed"]: ...
    @property
    def family(self) -> Literal["migration.phase"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiPhaseData: ...

@type_check_only
class SenseiApprovalRequired(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["approval.required"]: ...
    @property
    def family(self) -> Literal["approval"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiApprovalData: ...

@type_check_only
class SenseiApprovalGranted(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["approval.granted"]: ...
    @property
    def family(self) -> Literal["approval"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiApprovalData: ...

@type_check_only
class SenseiApprovalDenied(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["approval.denied"]: ...
    @property
    def family(self) -> Literal["approval"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiApprovalData: ...

@type_check_only
class SenseiApprovalTimeout(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["approval.timeout"]: ...
    @property
    def family(self) -> Literal["approval"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiApprovalData: ...

@type_check_only
class SenseiErrorOccurred(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["error.occurred"]: ...
    @property
    def family(self) -> Literal["error"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiErrorData: ...

@type_check_only
class SenseiErrorRecovered(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["error.recovered"]: ...
    @property
    def family(self) -> Literal["error"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiErrorData: ...

@type_check_only
class SenseiErrorEscalated(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["error.escalated"]: ...
    @property
    def family(self) -> Literal["error"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiErrorData: ...

@type_check_only
class SenseiErrorResolved(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["error.resolved"]: ...
    @property
    def family(self) -> Literal["error"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiErrorData: ...

@type_check_only
class SenseiValidationStarted(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["validation.started"]: ...
    @property
    def family(self) -> Literal["validation"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiValidationData: ...

@type_check_only
class SenseiValidationCompleted(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["validation.completed"]: ...
    @property
    def family(self) -> Literal["validation"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiValidationData: ...

@type_check_only
class SenseiValidationFailed(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["validation.failed"]: ...
    @property
    def family(self) -> Literal["validation"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiValidationData: ...

@type_check_only
class SenseiCertificateGenerated(Event):
    @property
    def provider(self) -> Literal["sensei"]: ...
    @property
    def type(self) -> Literal["certificate.generated"]: ...
    @property
    def family(self) -> Literal["validation"]: ...
    @property
    def documented(self) -> Literal[True]: ...
    @property
    def untyped_reason(self) -> None: ...
    @property
    def untyped_detail(self) -> None: ...
    @property
    def data(self) -> SenseiCertificateData: ...

SentinelEvent: TypeAlias = Union[
    SentinelDocumentCompleted,
    SentinelDocumentFailed,
    SentinelChatSessionClosed,
    SentinelReportGenerated,
    UnknownEvent,
]
DocIntellEvent: TypeAlias = Union[
    DocIntellDocumentUploaded,
    DocIntellProcessingCompleted,
    DocIntellProcessingFailed,
    UnknownEvent,
]
SentrasaEvent: TypeAlias = Union[
    SentrasaJobCompleted,
    SentrasaJobFailed,
    SentrasaAlertTriggered,
    UnknownEvent,
]
KycEvent: TypeAlias = Union[
    KycSessionEvent,
    KycWatchlistEvent,
    UnknownEvent,
]
SenseiEvent: TypeAlias = Union[
    SenseiMigrationCreated,
    SenseiMigrationStarted,
    SenseiMigrationPaused,
    SenseiMigrationResumed,
    SenseiMigrationCompleted,
    SenseiMigrationFailed,
    SenseiMigrationCancelled,
    SenseiPhaseStarted,
    SenseiPhaseCompleted,
    SenseiPhaseFailed,
    SenseiApprovalRequired,
    SenseiApprovalGranted,
    SenseiApprovalDenied,
    SenseiApprovalTimeout,
    SenseiErrorOccurred,
    SenseiErrorRecovered,
    SenseiErrorEscalated,
    SenseiErrorResolved,
    SenseiValidationStarted,
    SenseiValidationCompleted,
    SenseiValidationFailed,
    SenseiCertificateGenerated,
    UnknownEvent,
]
GitHubEvent: TypeAlias = UnknownEvent
StandardEvent: TypeAlias = UnknownEvent
CustomEvent: TypeAlias = UnknownEvent
AnyEvent: TypeAlias = Union[
    SentinelDocumentCompleted,
    SentinelDocumentFailed,
    SentinelChatSessionClosed,
    SentinelReportGenerated,
    DocIntellDocumentUploaded,
    DocIntellProcessingCompleted,
    DocIntellProcessingFailed,
    SentrasaJobCompleted,
    SentrasaJobFailed,
    SentrasaAlertTriggered,
    KycSessionEvent,
    KycWatchlistEvent,
    SenseiMigrationCreated,
    SenseiMigrationStarted,
    SenseiMigrationPaused,
    SenseiMigrationResumed,
    SenseiMigrationCompleted,
    SenseiMigrationFailed,
    SenseiMigrationCancelled,
    SenseiPhaseStarted,
    SenseiPhaseCompleted,
    SenseiPhaseFailed,
    SenseiApprovalRequired,
    SenseiApprovalGranted,
    SenseiApprovalDenied,
    SenseiApprovalTimeout,
    SenseiErrorOccurred,
    SenseiErrorRecovered,
    SenseiErrorEscalated,
    SenseiErrorResolved,
    SenseiValidationStarted,
    SenseiValidationCompleted,
    SenseiValidationFailed,
    SenseiCertificateGenerated,
    UnknownEvent,
]
# END GENERATED EVENTS
