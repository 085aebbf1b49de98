"""drift.json: authentic deliveries unlike what hookshield expects."""
import json

from .cases import compact, sample, valid
from .schemes import signed_headers


def drift_cases():
    """Authentic deliveries that differ from what hookshield expects: each is an event."""
    def signed(name, provider, obj, untyped=None, omit_data=False, **kw):
        body = obj if isinstance(obj, bytes) else compact(obj)
        return valid(provider, name, body, signed_headers(provider, body, **kw), untyped=untyped, omit_data=omit_data)
    completed = json.loads(sample("sentinel", "document.completed"))
    def sentinel_data(**changes):
        return {**completed, "data": {**completed["data"], **changes}}
    failed = json.loads(sample("sentinel", "document.failed"))
    di_done = json.loads(sample("docintell", "document.processing.completed"))
    di_data = di_done["data"]
    no_job = {k: v for k, v in di_data.items() if k != "job_id"}
    deep = json.loads("[" * 200 + "1" + "]" * 200)
    return [
        signed("a whole number written 4.0 types", "sentinel", sentinel_data(pages=4.0)),
        signed("a whole number in exponent form types", "sentinel", sentinel_data(processing_time_ms=4.5e4)),
        signed("pages as a string: untyped", "sentinel", sentinel_data(pages="4"), untyped="data_mismatch"),
        signed("retryable as a string: untyped", "sentinel",
               {**failed, "data": {**failed["data"], "retryable": "true"}}, untyped="data_mismatch"),
        signed("docintell without job_id: untyped", "docintell", {**di_done, "data": no_job},
               untyped="data_mismatch"),
        signed("docintell with a numeric job_id: untyped", "docintell",
               {**di_done, "data": {**di_data, "job_id": 550}}, untyped="data_mismatch"),
        signed("docintell page_count 12.0 types", "docintell", {**di_done, "data": {**di_data, "page_count": 12.0}}),
        signed("kyc session with empty data types (the document shows no fields)", "kyc",
               {"id": "evt_kyc_empty", "type": "kyc.session.created", "created": 1767225600, "data": {}}),
        signed("standard body without a type", "standard", {"test": 2432232314}, msg_id="msg_no_type"),
        signed("body is an array", "sentinel", [1, 2]),
        signed("envelope without event", "sentinel", {"timestamp": "2026-05-15T10:05:00Z", "data": {}}),
        signed("data is not an object", "sentinel",
               {"event": "document.completed", "timestamp": "2026-05-15T10:05:00Z", "data": "done"}),
        signed("documented type without data", "sentinel",
               {"event": "report.generated", "timestamp": "2026-05-15T10:05:00Z"}),
        signed("sensei event without id", "sensei",
               {"type": "migration.created", "created_at": "2026-02-02T14:45:30.123Z", "data": {}}),
        signed("documented field of the wrong type", "sensei",
               {"id": "evt_x", "type": "migration.phase.completed", "created_at": "2026-02-02T14:45:30.123Z",
                "data": {"migration_id": "mig_1", "migration_name": "n", "phase": "p", "phase_number": "three",
                         "total_phases": 5, "duration_seconds": 1, "records_processed": 1,
                         "errors_recovered": 0, "errors_escalated": 0}}, untyped="data_mismatch"),
        signed("envelope timestamp not a date: the header's time", "sentinel",
               {"event": "report.generated", "timestamp": "yesterday", "data": {"report_id": "r"}}),
        signed("an unpaired surrogate in a typed field: untyped", "sentinel",
               b'{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z",'
               b'"data":{"document_id":"\\ud83d"}}', untyped="data_mismatch", omit_data=True),
        signed("an unpaired surrogate in another field", "sentinel",
               b'{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z",'
               b'"data":{"document_id":"doc_1","note":"\\udc00 and \\ud83d\\ude00"}}', omit_data=True),
        signed("data nested 200 levels deep", "sentinel", sentinel_data(deep=deep), omit_data=True),
        valid("custom", "a years-old created member is not the event time (no replay horizon)",
              compact({"type": "user.updated", "id": "u_1", "created": 1400000000, "data": {}}),
              signed_headers("custom", compact({"type": "user.updated", "id": "u_1", "created": 1400000000,
                                                "data": {}}), secret="custom_secret", scheme=dict(sig="X-Signature"))),
        # JSON's grammar allows it; JavaScript and Python read it as infinity.
        signed("a number past the range of a double", "sentinel",
               b'{"event":"report.generated","timestamp":"2026-05-15T10:15:00Z",'
               b'"data":{"report_id":"rpt_1","size":4500e335}}', omit_data=True),
        signed("a big integer and a whole float", "sentinel",
               b'{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z",'
               b'"data":{"document_id":"doc_1","big":18446744073709551617,"float":4.0}}'),
    ]
