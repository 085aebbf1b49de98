"""hookshield.fastapi with FastAPI's TestClient."""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at run time.

import json
import time
from typing import Annotated, Any

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi import Depends, FastAPI, Request, Response
from fastapi.testclient import TestClient

import hookshield
from hookshield.fastapi import Webhook, process, processed

SECRET = "whsec_fastapi_test"
BODY = hookshield.sample("docintell", "document.processing.completed")


def sign(body: bytes = BODY, **kwargs: Any) -> dict[str, str]:
    return hookshield.sign("docintell", SECRET, body, **kwargs)


@pytest.fixture
def setup() -> "tuple[TestClient, list[Any], dict[str, bool]]":
    app = FastAPI()
    verifier = hookshield.Verifier("docintell", SECRET)
    store = hookshield.MemoryStore()
    calls: list[Any] = []
    fail = {"next": False}
    docintell = Webhook(verifier, store=store)
    verified = Webhook(verifier)

    @app.post("/hooks")
    async def receive(event: Annotated[hookshield.Event, Depends(docintell)]) -> Response:
        calls.append(event)
        if fail["next"]:
            fail["next"] = False
            raise RuntimeError("queue unavailable")
        return processed(event)

    @app.post("/plain")
    async def plain(event: Annotated[hookshield.Event, Depends(verified)]) -> dict[str, Any]:
        return {"job": event.data["job_id"]}

    async def handle(event: hookshield.Event) -> None:
        calls.append(event)
        if fail["next"]:
            fail["next"] = False
            raise RuntimeError("queue unavailable")

    @app.post("/process")
    async def with_process(request: Request) -> Any:
        return await process(request, verifier, store, handle)

    return TestClient(app, raise_server_exceptions=False), calls, fail


@pytest.mark.parametrize("path", ["/hooks", "/process"])
def test_valid_delivery(setup: Any, path: str) -> None:
    client, calls, _ = setup
    response = client.post(path, content=BODY, headers=sign())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"outcome": "processed", "idempotency_key": calls[0].idempotency_key}
    assert len(calls) == 1
    assert calls[0].type == "document.processing.completed"
    assert calls[0].data == json.loads(BODY)["data"]


@pytest.mark.parametrize("path", ["/hooks", "/process", "/plain"])
def test_forged_delivery(setup: Any, path: str) -> None:
    client, calls, _ = setup
    response = client.post(path, content=BODY, headers=hookshield.sign("docintell", "whsec_forger", BODY))
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json()["outcome"] == "rejected"
    assert response.json()["error"]["code"] == "signature_mismatch"
    assert SECRET not in response.text
    assert calls == []


@pytest.mark.parametrize("path", ["/hooks", "/process", "/plain"])
def test_stale_delivery(setup: Any, path: str) -> None:
    client, calls, _ = setup
    response = client.post(path, content=BODY, headers=sign(timestamp=int(time.time()) - 7200))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "timestamp_too_old"
    assert calls == []


@pytest.mark.parametrize("path", ["/hooks", "/process"])
def test_duplicate_delivery(setup: Any, path: str) -> None:
    client, calls, _ = setup
    assert client.post(path, content=BODY, headers=sign()).status_code == 200
    again = client.post(path, content=BODY, headers=sign())
    assert again.status_code == 200
    assert again.json() == {"outcome": "duplicate", "idempotency_key": calls[0].idempotency_key}
    assert len(calls) == 1


@pytest.mark.parametrize("path", ["/hooks", "/process"])
def test_failing_handler_is_retried(setup: Any, path: str) -> None:
    client, calls, fail = setup
    fail["next"] = True
    failed = client.post(path, content=BODY, headers=sign())
    # DocIntell ends its retries on any 4xx: a failure must be a 5xx.
    assert failed.status_code == 500, failed.text
    assert failed.json()["outcome"] == "handler_failed"
    assert "queue unavailable" not in failed.text  # the handler's own words are logged, not sent
    retried = client.post(path, content=BODY, headers=sign())
    assert retried.status_code == 200, retried.text
    assert len(calls) == 2


def test_header_mismatch_is_rejected(setup: Any) -> None:
    client, calls, _ = setup
    headers = sign()
    headers["X-DocIntell-Event"] = "document.uploaded"
    response = client.post("/hooks", content=BODY, headers=headers)
    # The event header is not signed, so the core reports the disagreement.
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "header_mismatch"
    assert calls == []


def test_plain_dependency(setup: Any) -> None:
    client, _, _ = setup
    response = client.post("/plain", content=BODY, headers=sign())
    assert response.status_code == 200
    assert response.json()["job"] == hookshield.Verifier("docintell", SECRET).verify(BODY, sign()).data["job_id"]


def test_receivers_sharing_a_redis_store(redis_server: Any, prefix: str) -> None:
    """Two apps (two machines) with their own RedisStore on one Redis; then Redis down."""
    calls: list[str] = []

    def machine(name: str, store: hookshield.RedisStore) -> TestClient:
        app = FastAPI()
        dependency = Webhook(hookshield.Verifier("docintell", SECRET), store=store)
        verifier = hookshield.Verifier("docintell", SECRET)

        @app.post("/hooks")
        async def receive(event: Annotated[hookshield.Event, Depends(dependency)]) -> Response:
            calls.append(name)
            return processed(event)

        @app.post("/process")
        async def with_process(request: Request) -> Any:
            return await process(request, verifier, store, lambda event: calls.append(name + "/process"))

        return TestClient(app, raise_server_exceptions=False)

    a = machine("a", hookshield.RedisStore(redis_server.url, prefix=prefix))
    b = machine("b", hookshield.RedisStore(redis_server.url, prefix=prefix))
    for path in ("/hooks", "/process"):
        body = BODY.replace(b"440000", b"440009") if path == "/process" else BODY  # another job
        first = a.post(path, content=body, headers=sign(body))
        again = b.post(path, content=body, headers=sign(body))
        assert (first.status_code, first.json()["outcome"]) == (200, "processed"), first.text
        # The dependency answers a duplicate without running the endpoint.
        assert (again.status_code, again.json()["outcome"]) == (200, "duplicate"), again.text
    assert calls == ["a", "a/process"]

    down = machine("down", hookshield.RedisStore("redis://:hunter2@127.0.0.1:1/", timeout=0.3))
    for path in ("/hooks", "/process"):
        response = down.post(path, content=BODY, headers=sign())
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "store_unavailable" and "hunter2" not in response.text
    assert calls == ["a", "a/process"]


def test_endpoint_reads_the_body_again() -> None:
    app = FastAPI()
    dependency = Webhook(hookshield.Verifier("docintell", SECRET))

    @app.post("/again")
    async def again(event: Annotated[hookshield.Event, Depends(dependency)], request: Request) -> Any:
        return {"same": await request.body() == BODY}

    response = TestClient(app).post("/again", content=BODY, headers=sign())
    assert response.json() == {"same": True}
