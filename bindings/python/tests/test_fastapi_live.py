"""hookshield.fastapi over real HTTP: uvicorn on 127.0.0.1 (see live_http), for both
helpers: the `Webhook` dependency (/dep) and `process` (/process)."""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at run time.

import logging
from typing import Annotated, Any, Iterator

import pytest

fastapi = pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
from fastapi import Depends, FastAPI, Request, Response

from hookshield.fastapi import Webhook, process, processed
from live_http import (
    LIMIT,
    SECRET,
    SIGNATURE,
    counting_asgi,
    exchange,
    post,
    sentinel_body,
    signed,
    uvicorn_server,
    verifier,
)

PATHS = ["/dep", "/process"]


class Receiver:
    def __init__(self, port: int, calls: "list[Any]", reads: "list[int]") -> None:
        self.port, self.calls, self.reads = port, calls, reads


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    app = FastAPI()
    calls: list[Any] = []
    reads: list[int] = []

    def handle(event: Any) -> None:
        calls.append(event)
        if event.type == "document.failed":
            raise RuntimeError("the handler exploded")

    dependency = Webhook(verifier())  # no store: the default MemoryStore

    @app.post("/dep")
    async def with_dependency(event: Annotated[Any, Depends(dependency)]) -> Response:
        handle(event)
        return processed(event)

    process_verifier = verifier()

    @app.post("/process")
    async def with_process(request: Request) -> Any:
        return await process(request, process_verifier, None, handle)

    for port in uvicorn_server(counting_asgi(app, reads)):
        yield Receiver(port, calls, reads)


@pytest.mark.parametrize("path", PATHS)
def test_drifted_payload_is_processed_untyped(receiver: Receiver, path: str) -> None:
    body = sentinel_body("document.completed", {"document_id": "doc_1", "pages": "4"})
    answer = post(receiver.port, path, body, signed(body))
    assert (answer.status, answer.body["outcome"]) == (200, "processed")
    [event] = receiver.calls
    assert (event.untyped_reason, event.data["pages"]) == ("data_mismatch", "4")


@pytest.mark.parametrize("path", PATHS)
def test_declared_too_large_is_refused_before_reading(
    receiver: Receiver, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hookshield")
    body = sentinel_body("report.generated", {"report_id": "r"})
    # Only the headers are sent: an answer proves the body was not waited for.
    answer = exchange(receiver.port, path, [*signed(body), ("Content-Length", str(50 << 20))])
    assert (answer.status, answer.body["error"]["code"]) == (413, "body_too_large")
    assert receiver.reads == [0] and receiver.calls == []
    assert any("body_too_large" in r.getMessage() and "sentinel" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("path", PATHS)
def test_chunked_oversize_stops_past_the_limit(receiver: Receiver, path: str) -> None:
    body = sentinel_body("report.generated", {"report_id": "r"})
    parts = [b"x" * 1000] * 8000  # 8 MB, chunked
    answer = exchange(receiver.port, path, signed(body), parts, chunked=True)
    assert (answer.status, answer.body["error"]["code"]) == (413, "body_too_large")
    # Read until the first message past the limit (uvicorn hands over at most what one
    # socket read gave), never the rest.
    [read] = receiver.reads
    assert LIMIT < read <= LIMIT + 256 * 1024
    assert receiver.calls == []


@pytest.mark.parametrize("path", PATHS)
def test_chunked_body_within_the_limit_is_processed(receiver: Receiver, path: str) -> None:
    body = sentinel_body("report.generated", {"report_id": "r"})
    answer = exchange(receiver.port, path, signed(body), [body[:10], body[10:]], chunked=True)
    assert (answer.status, answer.body["outcome"]) == (200, "processed")


@pytest.mark.parametrize("path", PATHS)
def test_default_store_answers_a_redelivery_duplicate(receiver: Receiver, path: str) -> None:
    body = sentinel_body("report.generated", {"report_id": "r1"})
    headers = signed(body)
    assert post(receiver.port, path, body, headers).body["outcome"] == "processed"
    again = post(receiver.port, path, body, headers)
    assert (again.status, again.body["outcome"]) == (200, "duplicate")
    assert len(receiver.calls) == 1


@pytest.mark.parametrize("path", PATHS)
def test_failing_handler_is_logged_with_its_traceback(
    receiver: Receiver, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hookshield")
    body = sentinel_body("document.failed", {"document_id": "doc_1"})
    answer = post(receiver.port, path, body, signed(body))
    assert (answer.status, answer.body["outcome"]) == (500, "handler_failed")
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.name == "hookshield" and record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert "Traceback" in caplog.text and "the handler exploded" in caplog.text


@pytest.mark.parametrize("path", PATHS)
def test_rejection_is_logged_without_the_secret(
    receiver: Receiver, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="hookshield")
    body = sentinel_body("report.generated", {"report_id": "r"})
    answer = post(receiver.port, path, body, signed(body, "whsec_forger"))
    assert (answer.status, answer.body["error"]["code"]) == (401, "signature_mismatch")
    assert "signature_mismatch" in caplog.text and "sentinel" in caplog.text
    assert SECRET not in caplog.text and dict(signed(body))[SIGNATURE] not in caplog.text


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("good_first", [True, False])
def test_two_signature_headers_one_good(receiver: Receiver, path: str, good_first: bool) -> None:
    body = sentinel_body("report.generated", {"report_id": f"r-{good_first}"})
    good, bad = dict(signed(body)), dict(signed(body, "whsec_forger"))
    pair = [good[SIGNATURE], bad[SIGNATURE]] if good_first else [bad[SIGNATURE], good[SIGNATURE]]
    headers = [(k, v) for k, v in good.items() if k != SIGNATURE] + [(SIGNATURE, pair[0]), (SIGNATURE, pair[1])]
    answer = post(receiver.port, path, body, headers)
    assert (answer.status, answer.body["outcome"]) == (200, "processed")
    headers[-2:] = [(SIGNATURE, bad[SIGNATURE])] * 2
    assert post(receiver.port, path, body, headers).status == 401
