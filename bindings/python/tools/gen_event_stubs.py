"""Writes the event part of `python/hookshield/_hookshield.pyi` (between the markers).

The documented types, families and fields follow the core's `events/*.rs`; run this
after the core adds an event type: `python tools/gen_event_stubs.py`.
"""

from __future__ import annotations

import pathlib
import re

O = "NotRequired[{} | None]"  # an `Option<T>` field: absent or null

# provider -> list of (class prefix, type, family, data TypedDict name)
SENTINEL = [
    ("SentinelDocumentCompleted", "document.completed", "document", "SentinelDocumentCompletedData"),
    ("SentinelDocumentFailed", "document.failed", "document", "SentinelDocumentFailedData"),
    ("SentinelChatSessionClosed", "chat.session.closed", "chat", "SentinelChatSessionClosedData"),
    ("SentinelReportGenerated", "report.generated", "report", "SentinelReportGeneratedData"),
]
DOCINTELL = [
    ("DocIntellDocumentUploaded", "document.uploaded", "document", "DocIntellDocumentUploadedData"),
    ("DocIntellProcessingCompleted", "document.processing.completed", "document", "DocIntellProcessingCompletedData"),
    ("DocIntellProcessingFailed", "document.processing.failed", "document", "DocIntellProcessingFailedData"),
]
SENTRASA = [
    ("SentrasaJobCompleted", "job.completed", "job", "SentrasaJobData"),
    ("SentrasaJobFailed", "job.failed", "job", "SentrasaJobData"),
    ("SentrasaAlertTriggered", "alert.triggered", "alert", "SentrasaAlertData"),
]
_MIG = ["created", "started", "paused", "resumed", "completed", "failed", "cancelled"]
SENSEI = (
    [(f"SenseiMigration{a.title()}", f"migration.{a}", "migration", "SenseiMigrationData") for a in _MIG]
    + [
        ("SenseiPhaseStarted", "migration.phase.started", "migration.phase", "SenseiPhaseData"),
        ("SenseiPhaseCompleted", "migration.phase.completed", "migration.phase", "SenseiPhaseCompletedData"),
        ("SenseiPhaseFailed", "migration.phase.failed", "migration.phase", "SenseiPhaseData"),
    ]
    + [(f"SenseiApproval{a.title()}", f"approval.{a}", "approval", "SenseiApprovalData") for a in ["required", "granted", "denied", "timeout"]]
    + [(f"SenseiError{a.title()}", f"error.{a}", "error", "SenseiErrorData") for a in ["occurred", "recovered", "escalated", "resolved"]]
    + [(f"SenseiValidation{a.title()}", f"validation.{a}", "validation", "SenseiValidationData") for a in ["started", "completed", "failed"]]
    + [("SenseiCertificateGenerated", "certificate.generated", "validation", "SenseiCertificateData")]
)

DATA: dict[str, list[tuple[str, str]]] = {
    "SentinelExtractions": [("holdings_count", O.format("int")), ("total_aum", O.format("float")), ("currency", O.format("str"))],
    "SentinelConfidence": [("average", O.format("float")), ("minimum", O.format("float"))],
    "SentinelTokenUsage": [("input", O.format("int")), ("output", O.format("int"))],
    "SentinelDocumentCompletedData": [
        ("document_id", "str"), ("tenant_id", O.format("str")), ("user_id", O.format("str")),
        ("document_type", O.format("str")), ("pages", O.format("int")),
        ("extractions", O.format("SentinelExtractions")), ("confidence", O.format("SentinelConfidence")),
        ("processing_time_ms", O.format("int")),
    ],
    "SentinelDocumentFailedData": [
        ("document_id", "str"), ("error_code", O.format("str")), ("error_message", O.format("str")),
        ("stage", O.format("str")), ("retryable", O.format("bool")),
    ],
    "SentinelChatSessionClosedData": [
        ("session_id", "str"), ("user_id", O.format("str")), ("message_count", O.format("int")),
        ("token_usage", O.format("SentinelTokenUsage")), ("summary", O.format("str")),
    ],
    "SentinelReportGeneratedData": [
        ("report_id", "str"), ("report_type", O.format("str")), ("client_id", O.format("str")),
        ("url", O.format("str")), ("format", O.format("str")), ("generated_by", O.format("str")),
    ],
    "DocIntellDocumentUploadedData": [
        ("document_id", "str"), ("job_id", "str"), ("tenant_id", O.format("str")), ("status", O.format("str")),
    ],
    "DocIntellProcessingCompletedData": [
        ("document_id", "str"), ("job_id", "str"), ("tenant_id", O.format("str")), ("status", O.format("str")),
        ("processing_time_seconds", O.format("float")), ("page_count", O.format("int")), ("ir_version", O.format("str")),
    ],
    "DocIntellProcessingFailedData": [
        ("document_id", "str"), ("job_id", "str"), ("tenant_id", O.format("str")), ("status", O.format("str")),
        ("error_message", O.format("str")),
    ],
    "SentrasaJobData": [("job_id", O.format("str")), ("workspace_id", O.format("str")), ("status", O.format("str"))],
    "SentrasaAlertData": [("alert_id", O.format("str")), ("workspace_id", O.format("str")), ("severity", O.format("str"))],
    "KycSessionData": [("session_id", O.format("str")), ("status", O.format("str")), ("previous_status", O.format("str"))],
    "KycWatchlistData": [("subject_id", O.format("str")), ("status", O.format("str")), ("matches", O.format("list[Any]"))],
    "SenseiMigrationData": [("migration_id", O.format("str")), ("migration_name", O.format("str")), ("status", O.format("str"))],
    "SenseiPhaseData": [
        ("migration_id", O.format("str")), ("migration_name", O.format("str")), ("phase", O.format("str")),
        ("phase_number", O.format("int")), ("total_phases", O.format("int")),
    ],
    "SenseiPhaseCompletedData": [
        ("migration_id", "str"), ("migration_name", "str"), ("phase", "str"), ("phase_number", "int"),
        ("total_phases", "int"), ("duration_seconds", "int"), ("records_processed", "int"),
        ("errors_recovered", "int"), ("errors_escalated", "int"),
    ],
    "SenseiApprovalData": [("approval_id", O.format("str")), ("migration_id", O.format("str"))],
    "SenseiErrorData": [("error_id", O.format("str")), ("migration_id", O.format("str")), ("message", O.format("str"))],
    "SenseiValidationData": [("migration_id", O.format("str")), ("validation_id", O.format("str"))],
    "SenseiCertificateData": [("migration_id", O.format("str")), ("certificate_id", O.format("str")), ("url", O.format("str"))],
}


def typed_dicts() -> str:
    out = []
    for name, fields in DATA.items():
        out.append(f"@type_check_only\nclass {name}(TypedDict):")
        out.extend(f"    {field}: {kind}" for field, kind in fields)
        out.append("")
    return "\n".join(out)


def event_class(cls: str, provider: str, type_: str | None, family: str, data: str) -> str:
    t = f'Literal["{type_}"]' if type_ else "str"
    return (
        f"@type_check_only\nclass {cls}(Event):\n"
        f"    @property\n    def provider(self) -> Literal[\"{provider}\"]: ...\n"
        f"    @property\n    def type(self) -> {t}: ...\n"
        f"    @property\n    def family(self) -> Literal[\"{family}\"]: ...\n"
        f"    @property\n    def documented(self) -> Literal[True]: ...\n"
        f"    @property\n    def untyped_reason(self) -> None: ...\n"
        f"    @property\n    def untyped_detail(self) -> None: ...\n"
        f"    @property\n    def data(self) -> {data}: ...\n"
    )


def events() -> str:
    out = []
    unions = {}
    for provider, alias, rows in [
        ("sentinel", "SentinelEvent", SENTINEL),
        ("docintell", "DocIntellEvent", DOCINTELL),
        ("sentrasa", "SentrasaEvent", SENTRASA),
        ("sensei", "SenseiEvent", SENSEI),
    ]:
        for cls, type_, family, data in rows:
            out.append(event_class(cls, provider, type_, family, data))
        unions[alias] = [cls for cls, *_ in rows]
    out.append(event_class("KycSessionEvent", "kyc", None, "session", "KycSessionData"))
    out.append(event_class("KycWatchlistEvent", "kyc", None, "watchlist", "KycWatchlistData"))
    unions["KycEvent"] = ["KycSessionEvent", "KycWatchlistEvent"]
    for alias, members in unions.items():
        out.append(f"{alias}: TypeAlias = Union[\n" + "".join(f"    {m},\n" for m in members) + "    UnknownEvent,\n]")
    out.append("GitHubEvent: TypeAlias = UnknownEvent")
    out.append("StandardEvent: TypeAlias = UnknownEvent")
    out.append("CustomEvent: TypeAlias = UnknownEvent")
    everything = [m for members in unions.values() for m in members]
    out.append("AnyEvent: TypeAlias = Union[\n" + "".join(f"    {m},\n" for m in everything) + "    UnknownEvent,\n]")
    return "\n".join(out)


STUB = pathlib.Path(__file__).resolve().parent.parent / "python" / "hookshield" / "_hookshield.pyi"


def render(text: str) -> str:
    generated = "# BEGIN GENERATED EVENTS\n" + typed_dicts() + "\n" + events() + "\n# END GENERATED EVENTS"
    return re.sub(r"# BEGIN GENERATED EVENTS.*# END GENERATED EVENTS", lambda _: generated, text, flags=re.S)


def main() -> None:
    text = STUB.read_text(encoding="utf-8")
    STUB.write_text(render(text), encoding="utf-8")


if __name__ == "__main__":
    main()
