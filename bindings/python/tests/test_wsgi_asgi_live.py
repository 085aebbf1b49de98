"""hookshield.wsgi.WebhookApp under werkzeug's server and hookshield.asgi.WebhookApp
under uvicorn, over real HTTP on 127.0.0.1 (see live_http), served bare and inside a
framework (werkzeug's DispatcherMiddleware, a Starlette Route)."""

from __future__ import annotations

import io
import json
import logging
from typing import Any, Callable, Iterator

import pytest

pytest.importorskip("werkzeug")
pytest.importorskip("uvicorn")

import hookshield
from hookshield.asgi import WebhookApp as AsgiApp
from hookshield.wsgi import WebhookApp as WsgiApp
from live_http import (
    LIMIT,
    SECRET,
    counting_asgi,
    counting_wsgi,
    exchange,
    post,
    sentinel_body,
    signed,
    uvicorn_server,
    verifier,
    werkzeug_server,
)


class Receiver:
    def __init__(self, kind: str, port: int, path: str, calls: list[Any], reads: list[int]) -> None:
        self.kind, self.port, self.path, self.calls, self.reads = kind, port, path, calls, reads


def handler(calls: list[Any]) -> Callable[[Any], None]:
    def handle(event: Any) -> None:
        calls.append(event)
        if event.type == "document.failed":
            raise RuntimeError("the handler exploded")

    return handle


def async_handler(calls: list[Any]) -> Callable[[Any], Any]:
    async def handle(event: Any) -> None:
        calls.append(event)
        if event.type == "document.failed":
            raise RuntimeError("the handler exploded")

    return handle


def serve(kind: str) -> Iterator[Receiver]:
    calls: list[Any] = []
    reads: list[int] = []
    if kind == "wsgi":
        app: Any = counting_wsgi(WsgiApp(verifier(), handler(calls)), reads)
        yield from (Receiver(kind, port, "/", calls, reads) for port in werkzeug_server(app))
    elif kind == "wsgi-mounted":
        from werkzeug.middleware.dispatcher import DispatcherMiddleware
        from werkzeug.wrappers import Response

        inner = counting_wsgi(WsgiApp(verifier(), handler(calls)), reads)
        app = DispatcherMiddleware(Response("the rest of the site"), {"/webhooks/sentinel": inner})
        yield from (Receiver(kind, port, "/webhooks/sentinel", calls, reads) for port in werkzeug_server(app))
    elif kind == "asgi":
        app = counting_asgi(AsgiApp(verifier(), async_handler(calls)), reads)
        yield from (Receiver(kind, port, "/", calls, reads) for port in uvicorn_server(app))
    else:
        from starlette.applications import Starlette
        from starlette.routing import Route

        inner = AsgiApp(verifier(), handler(calls))  # a sync handler on an ASGI app
        app = counting_asgi(Starlette(routes=[Route("/webhooks/sentinel", inner)]), reads)
        yield from (Receiver(kind, port, "/webhooks/sentinel", calls, reads) for port in uvicorn_server(app))


@pytest.fixture(params=["wsgi", "wsgi-mounted", "asgi", "asgi-mounted"])
def receiver(request: pytest.FixtureRequest) -> Iterator[Receiver]:
    yield from serve(request.param)


def test_processed_then_duplicate(receiver: Receiver) -> None:
    body = sentinel_body("report.generated", {"report_id": "r1"})
    first = post(receiver.port, receiver.path, body, signed(body))
    assert (first.status, first.body["outcome"], first.content_type) == (200, "processed", "application/json")
    again = post(receiver.port, receiver.path, body, signed(body))
    assert (again.status, again.body["outcome"]) == (200, "duplicate")
    assert [e.type for e in receiver.calls] == ["report.generated"]


def test_forged_and_failing(receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hookshield")
    body = sentinel_body("document.failed", {"document_id": "doc_1"})
    forged = post(receiver.port, receiver.path, body, signed(body, "whsec_forger"))
    assert (forged.status, forged.body["error"]["code"]) == (401, "signature_mismatch")
    failed = post(receiver.port, receiver.path, body, signed(body))
    assert (failed.status, failed.body["outcome"]) == (500, "handler_failed")
    assert "the handler exploded" in caplog.text and SECRET not in caplog.text


def test_declared_too_large_is_refused_before_reading(receiver: Receiver) -> None:
    body = sentinel_body("report.generated", {"report_id": "r"})
    answer = exchange(receiver.port, receiver.path, [*signed(body), ("Content-Length", str(50 << 20))])
    assert (answer.status, answer.body["error"]["code"]) == (413, "body_too_large")
    assert receiver.reads == [0] and receiver.calls == []


def test_chunked_bodies(receiver: Receiver) -> None:
    body = sentinel_body("report.generated", {"report_id": "r"})
    within = exchange(receiver.port, receiver.path, signed(body), [body[:10], body[10:]], chunked=True)
    assert (within.status, within.body["outcome"]) == (200, "processed")
    over = exchange(receiver.port, receiver.path, signed(body), [b"x" * 1000] * 2000, chunked=True)
    assert (over.status, over.body["error"]["code"]) == (413, "body_too_large")
    if receiver.kind.startswith("wsgi"):
        assert receiver.reads[-1] == LIMIT + 1
    else:  # until the first message past the limit
        assert LIMIT < receiver.reads[-1] <= LIMIT + 256 * 1024


def test_other_methods_are_not_allowed(receiver: Receiver) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=10)
    conn.request("GET", receiver.path)
    response = conn.getresponse()
    assert (response.status, response.getheader("Allow")) == (405, "POST")
    conn.close()


def test_a_router_is_a_handler() -> None:
    router = hookshield.Router()
    seen: list[str] = []
    router.on("report.*", lambda event: seen.append(event.type))
    for port in werkzeug_server(WsgiApp(verifier(), router)):
        body = sentinel_body("report.generated", {"report_id": "r"})
        assert post(port, "/", body, signed(body)).body["outcome"] == "processed"
    assert seen == ["report.generated"]


def test_arguments_are_checked() -> None:
    store, inbox_less = hookshield.MemoryStore(), None
    with pytest.raises(TypeError, match="handler"):
        WsgiApp(verifier(), store=store)
    with pytest.raises(TypeError, match="Verifier"):
        AsgiApp("sentinel", print)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        WsgiApp(verifier(), 42, inbox=inbox_less)  # type: ignore[arg-type]


def test_a_malformed_content_length_is_not_a_length() -> None:
    # "\xb2" (latin-1 "²") is a digit to str.isdigit but not to int: no ValueError.
    body = sentinel_body("report.generated", {"report_id": "r"})
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": "\xb2",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,  # read to its end, as a length it is not
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in signed(body)},
    }
    replies: list[str] = []
    answer = b"".join(WsgiApp(verifier(), lambda event: None)(environ, lambda status, headers: replies.append(status)))
    assert (replies, json.loads(answer)["outcome"]) == (["200 OK"], "processed")
