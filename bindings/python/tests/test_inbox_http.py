"""Receivers with ``inbox=`` over real HTTP on 127.0.0.1, each with its framework's own
server (Flask and the WSGI app under werkzeug, FastAPI and the ASGI app under uvicorn),
answering as soon as the delivery is durable; then a worker drains the inbox. Both
backends: a SQLite file and a redis-server started for the test."""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at run time.

import pathlib
import threading
from typing import Annotated, Any, Iterator

import pytest

flask = pytest.importorskip("flask")
fastapi = pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from conftest import RedisServer
from fastapi import Depends, FastAPI, Request, Response
from inbox_support import delivery, sqlite_url, verifier, wait_until
from live_http import post, uvicorn_server, werkzeug_server

import hookshield
import hookshield.fastapi
import hookshield.flask
from hookshield.asgi import WebhookApp as AsgiApp
from hookshield.wsgi import WebhookApp as WsgiApp


@pytest.fixture(params=["sqlite", "redis"])
def inbox(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Iterator[hookshield.Inbox]:
    if request.param == "sqlite":
        yield hookshield.Inbox(sqlite_url(tmp_path))
    else:
        server = RedisServer()
        try:
            yield hookshield.Inbox(server.url)
        finally:
            server.stop()


def flask_app(inbox: hookshield.Inbox, noticed: list[str]) -> Any:
    app = flask.Flask("queued")
    app.add_url_rule("/view", view_func=hookshield.flask.view(verifier(), inbox=inbox), methods=["POST"])

    @app.post("/decorated")
    @hookshield.flask.webhook(verifier(), inbox=inbox)
    def decorated(event: Any) -> None:
        noticed.append(event.idempotency_key)  # runs once the delivery is durable

    return app


def fastapi_app(inbox: hookshield.Inbox, noticed: list[str]) -> Any:
    app = FastAPI()
    dependency = hookshield.fastapi.Webhook(verifier(), inbox=inbox)

    @app.post("/dep")
    async def with_dependency(event: Annotated[Any, Depends(dependency)]) -> Response:
        noticed.append(event.idempotency_key)
        return hookshield.fastapi.queued(event)

    queued_verifier = verifier()

    @app.post("/process")
    async def with_process(request: Request) -> Response:
        return await hookshield.fastapi.process(request, queued_verifier, inbox=inbox)

    return app


def servers(inbox: hookshield.Inbox, noticed: list[str]) -> Iterator[tuple[str, int, list[str]]]:
    """(name, port, paths) of every receiver, each on its own server."""
    for port in werkzeug_server(flask_app(inbox, noticed)):
        yield "flask", port, ["/view", "/decorated"]
    for port in uvicorn_server(fastapi_app(inbox, noticed)):
        yield "fastapi", port, ["/dep", "/process"]
    for port in werkzeug_server(WsgiApp(verifier(), inbox=inbox)):
        yield "wsgi", port, ["/"]
    for port in uvicorn_server(AsgiApp(verifier(), inbox=inbox)):
        yield "asgi", port, ["/"]


def test_receivers_queue_then_a_worker_drains(inbox: hookshield.Inbox) -> None:
    noticed: list[str] = []
    sent: list[str] = []
    for name, port, paths in servers(inbox, noticed):
        for path in paths:
            key = f"evt_{name}{path.replace('/', '_')}"
            body, headers = delivery(key)
            pairs = list(headers.items())
            answer = post(port, path, body, pairs)
            assert (answer.status, answer.body) == (200, {"outcome": "queued", "idempotency_key": key}), name
            assert answer.content_type == "application/json"
            again = post(port, path, body, pairs)
            assert (again.status, again.body["outcome"]) == (200, "duplicate"), name
            forged = post(port, path, body, list(hookshield.sign("sensei", "whsec_forger", body).items()))
            assert (forged.status, forged.body["error"]["code"]) == (401, "signature_mismatch"), name
            sent.append(key)
    assert sorted(noticed) == ["evt_fastapi_dep", "evt_flask_decorated"]
    assert inbox.stats()["pending"] == len(sent) == 6

    handled: list[tuple[str, int]] = []
    lock = threading.Lock()

    def handle(event: Any, job: hookshield.Job) -> None:
        with lock:
            handled.append((job.idempotency_key, job.attempt))

    worker = inbox.worker(handle, verifier=verifier(), concurrency=2, poll_interval=0.02)
    thread = threading.Thread(target=worker.run)
    thread.start()
    wait_until(lambda: inbox.stats()["done"] == len(sent), "every queued delivery done")
    worker.stop()
    thread.join()
    assert sorted(handled) == sorted((key, 1) for key in sent)


def test_an_unavailable_inbox_is_answered_503() -> None:
    down = hookshield.Inbox("redis://:hunter2@127.0.0.1:1/0")
    body, headers = delivery("evt_down")
    for port in werkzeug_server(WsgiApp(verifier(), inbox=down)):
        answer = post(port, "/", body, list(headers.items()))
        assert (answer.status, answer.body["outcome"]) == (503, "store_unavailable")
        assert "hunter2" not in answer.text


def test_store_and_inbox_are_exclusive(tmp_path: pathlib.Path) -> None:
    inbox = hookshield.Inbox(sqlite_url(tmp_path))
    with pytest.raises(TypeError, match="not both"):
        hookshield.flask.view(verifier(), store=hookshield.MemoryStore(), inbox=inbox)
    with pytest.raises(TypeError, match="inbox.worker"):
        WsgiApp(verifier(), print, inbox=inbox)
    with pytest.raises(TypeError, match="not both"):
        hookshield.fastapi.Webhook(verifier(), store=hookshield.MemoryStore(), inbox=inbox)
