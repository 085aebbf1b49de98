"""Type narrowing, checked by mypy and pyright (tests/test_typing.py) and run by pytest.

For every documented event type of every provider: once the undocumented case is ruled
out, comparing `event.type` narrows `event.data` to that type's TypedDict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from typing_extensions import assert_type

import hookshield
if TYPE_CHECKING:
    from hookshield._hookshield import (
        DocIntellDocumentUploadedData,
        DocIntellProcessingCompletedData,
        DocIntellProcessingFailedData,
        KycSessionData,
        KycWatchlistData,
        SenseiApprovalData,
        SenseiCertificateData,
        SenseiErrorData,
        SenseiMigrationData,
        SenseiPhaseCompletedData,
        SenseiPhaseData,
        SenseiValidationData,
        SentinelChatSessionClosedData,
        SentinelDocumentCompletedData,
        SentinelDocumentFailedData,
        SentinelReportGeneratedData,
        SentrasaAlertData,
        SentrasaJobData,
        UntypedReason,
    )

SECRET = "whsec_typing"


def deliver(provider: str, event_type: str) -> tuple[bytes, dict[str, str]]:
    body = hookshield.sample(provider, event_type)
    return body, hookshield.sign(provider, SECRET, body)


def check_sentinel(event_type: str) -> str:
    event = hookshield.Verifier("sentinel", SECRET).verify(*deliver("sentinel", event_type))
    if event.documented is False:
        assert_type(event.data, "Any")
        assert_type(event.untyped_reason, "UntypedReason")
        assert_type(event.untyped_detail, "str")
        return "unknown"
    assert_type(event.untyped_reason, "None")
    if event.type == "document.completed":
        assert_type(event.data, "SentinelDocumentCompletedData")
        assert_type(event.family, "Literal['document']")
        return event.type
    elif event.type == "document.failed":
        assert_type(event.data, "SentinelDocumentFailedData")
        assert_type(event.family, "Literal['document']")
        return event.type
    elif event.type == "chat.session.closed":
        assert_type(event.data, "SentinelChatSessionClosedData")
        assert_type(event.family, "Literal['chat']")
        return event.type
    elif event.type == "report.generated":
        assert_type(event.data, "SentinelReportGeneratedData")
        assert_type(event.family, "Literal['report']")
        return event.type
    else:
        raise AssertionError(event.type)


def check_docintell(event_type: str) -> str:
    event = hookshield.Verifier("docintell", SECRET).verify(*deliver("docintell", event_type))
    if event.documented is False:
        assert_type(event.data, "Any")
        return "unknown"
    if event.type == "document.uploaded":
        assert_type(event.data, "DocIntellDocumentUploadedData")
        assert_type(event.family, "Literal['document']")
        return event.type
    elif event.type == "document.processing.completed":
        assert_type(event.data, "DocIntellProcessingCompletedData")
        assert_type(event.family, "Literal['document']")
        return event.type
    elif event.type == "document.processing.failed":
        assert_type(event.data, "DocIntellProcessingFailedData")
        assert_type(event.family, "Literal['document']")
        return event.type
    else:
        raise AssertionError(event.type)


def check_sentrasa(event_type: str) -> str:
    event = hookshield.Verifier("sentrasa", SECRET).verify(*deliver("sentrasa", event_type))
    if event.documented is False:
        assert_type(event.data, "Any")
        return "unknown"
    if event.type == "job.completed":
        assert_type(event.data, "SentrasaJobData")
        assert_type(event.family, "Literal['job']")
        return event.type
    elif event.type == "job.failed":
        assert_type(event.data, "SentrasaJobData")
        assert_type(event.family, "Literal['job']")
        return event.type
    elif event.type == "alert.triggered":
        assert_type(event.data, "SentrasaAlertData")
        assert_type(event.family, "Literal['alert']")
        return event.type
    else:
        raise AssertionError(event.type)


def check_sensei(event_type: str) -> str:
    event = hookshield.Verifier("sensei", SECRET).verify(*deliver("sensei", event_type))
    if event.documented is False:
        assert_type(event.data, "Any")
        return "unknown"
    if event.type == "migration.created":
        assert_type(event.data, "SenseiMigrationData")
        assert_type(event.family, "Literal['migration']")
        return event.type
    elif event.type == "migration.started":
        assert_type(event.data, "SenseiMigrationData")
        assert_type(event.family, "Literal['migration']")
        return event.type
    elif event.type == "migration.paused":
        assert_type(event.data, "SenseiMigrationData")
        assert_type(event.family, "Literal['migration']")
        return event.type
    elif event.type == "migration.resumed":
        assert_type(event.data, "SenseiMigrationData")
        assert_type(event.family, "Literal['migration']")
        return event.type
    elif event.type == "migration.completed":
        assert_type(event.data, "SenseiMigrationData")
        assert_type(event.family, "Literal['migration']")
        return event.type
    elif event.type == "migration.failed":
        assert_type(event.data, "SenseiMigrationData")
        assert_type(event.family, "Literal['migration']")
        return event.type
    elif event.type == "migration.cancelled":
        assert_type(event.data, "SenseiMigrationData")
        assert_type(event.family, "Literal['migration']")
        return event.type
    elif event.type == "migration.phase.started":
        assert_type(event.data, "SenseiPhaseData")
        assert_type(event.family, Literal["migration.phase"])
        return event.type
    elif event.type == "migration.phase.completed":
        assert_type(event.data, "SenseiPhaseCompletedData")
        assert_type(event.family, Literal["migration.phase"])
        return event.type
    elif event.type == "migration.phase.failed":
        assert_type(event.data, "SenseiPhaseData")
        assert_type(event.family, Literal["migration.phase"])
        return event.type
    elif event.type == "approval.required":
        assert_type(event.data, "SenseiApprovalData")
        assert_type(event.family, "Literal['approval']")
        return event.type
    elif event.type == "approval.granted":
        assert_type(event.data, "SenseiApprovalData")
        assert_type(event.family, "Literal['approval']")
        return event.type
    elif event.type == "approval.denied":
        assert_type(event.data, "SenseiApprovalData")
        assert_type(event.family, "Literal['approval']")
        return event.type
    elif event.type == "approval.timeout":
        assert_type(event.data, "SenseiApprovalData")
        assert_type(event.family, "Literal['approval']")
        return event.type
    elif event.type == "error.occurred":
        assert_type(event.data, "SenseiErrorData")
        assert_type(event.family, "Literal['error']")
        return event.type
    elif event.type == "error.recovered":
        assert_type(event.data, "SenseiErrorData")
        assert_type(event.family, "Literal['error']")
        return event.type
    elif event.type == "error.escalated":
        assert_type(event.data, "SenseiErrorData")
        assert_type(event.family, "Literal['error']")
        return event.type
    elif event.type == "error.resolved":
        assert_type(event.data, "SenseiErrorData")
        assert_type(event.family, "Literal['error']")
        return event.type
    elif event.type == "validation.started":
        assert_type(event.data, "SenseiValidationData")
        assert_type(event.family, "Literal['validation']")
        return event.type
    elif event.type == "validation.completed":
        assert_type(event.data, "SenseiValidationData")
        assert_type(event.family, "Literal['validation']")
        return event.type
    elif event.type == "validation.failed":
        assert_type(event.data, "SenseiValidationData")
        assert_type(event.family, "Literal['validation']")
        return event.type
    elif event.type == "certificate.generated":
        assert_type(event.data, "SenseiCertificateData")
        assert_type(event.family, "Literal['validation']")
        return event.type
    else:
        raise AssertionError(event.type)


def check_kyc(event_type: str) -> str:
    event = hookshield.Verifier("kyc", SECRET).verify(*deliver("kyc", event_type))
    if event.documented is False:
        return "unknown"
    if event.family == "session":
        assert_type(event.data, "KycSessionData")
        return event.data.get("session_id") or ""
    assert_type(event.data, "KycWatchlistData")
    return event.data.get("subject_id") or ""


def check_fields() -> None:
    event = hookshield.Verifier("sensei", SECRET).verify(*deliver("sensei", "migration.phase.completed"))
    if event.documented is not False and event.type == "migration.phase.completed":
        assert_type(event.data["records_processed"], "int")
        assert_type(event.data["migration_name"], "str")
    event2 = hookshield.Verifier("sentinel", SECRET).verify(*deliver("sentinel", "document.completed"))
    if event2.documented is False:
        return
    if event2.type == "document.completed":
        assert_type(event2.data["document_id"], "str")
        assert_type(event2.data.get("pages"), "int | None")


def handle(event: hookshield.SentinelEvent) -> str:
    """The README's example: the public alias narrows like the rest."""
    if event.documented is False:
        return "ignored"
    if event.type == "document.completed":
        assert_type(event.data, "SentinelDocumentCompletedData")
        return f"{event.data['document_id']}: {event.data.get('pages')} pages"
    if event.type == "document.failed":
        assert_type(event.data.get("error_code"), "str | None")
        return "failed"
    return event.type


def check_outcome() -> None:
    verifier = hookshield.Verifier("sensei", SECRET)
    outcome = verifier.process(*deliver("sensei", "approval.required"), hookshield.MemoryStore(), lambda e: None)
    assert_type(outcome, "hookshield.Outcome[hookshield.SenseiEvent]")
    event = outcome.event
    if event is not None and event.documented is not False and event.type == "approval.required":
        assert_type(event.data, "SenseiApprovalData")
    assert_type(hookshield.Verifier("github", SECRET), "hookshield.Verifier[hookshield.UnknownEvent]")


def check_redis_store() -> None:
    """Type-checked only (it would need a Redis): RedisStore goes wherever MemoryStore does."""
    store = hookshield.RedisStore("redis://127.0.0.1:6379/0", prefix="app:", timeout=1.5)
    assert_type(store.begin("evt_1", lease_seconds=10), "hookshield.ClaimState")
    assert_type(store.complete("evt_1", retention_seconds=3600), None)
    verifier = hookshield.Verifier("sensei", SECRET)
    outcome = verifier.process(*deliver("sensei", "approval.required"), store, lambda e: None)
    assert_type(outcome, "hookshield.Outcome[hookshield.SenseiEvent]")
    claimed = verifier.claim(*deliver("sensei", "approval.required"), store)
    assert_type(claimed, "hookshield.Claim[hookshield.SenseiEvent] | hookshield.Outcome[hookshield.SenseiEvent]")
    error = outcome.error
    if isinstance(error, hookshield.StoreError):
        assert_type(error.code, str)


def run_all() -> None:
    assert handle(hookshield.Verifier("sentinel", SECRET).verify(*deliver("sentinel", "document.completed"))) == "doc_abc123: 4 pages"
    check_outcome()
    for provider, check in [
        ("sentinel", check_sentinel),
        ("docintell", check_docintell),
        ("sentrasa", check_sentrasa),
        ("sensei", check_sensei),
        ("kyc", check_kyc),
    ]:
        for event_type in hookshield.sample_types(provider):
            result = check(event_type)
            assert result != "unknown", (provider, event_type)
    check_fields()
