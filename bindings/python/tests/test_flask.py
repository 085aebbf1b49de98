"""hookshield.flask with Flask's own test client."""

from __future__ import annotations

import time
from typing import Any

import pytest

flask = pytest.importorskip("flask")

import hookshield
from hookshield.flask import view, webhook

SECRET = "whsec_flask_test"
BODY = hookshield.sample("sentinel", "document.completed")


@pytest.fixture
def app_and_calls() -> tuple[Any, list[Any]]:
    app = flask.Flask("test")
    verifier = hookshield.Verifier("sentinel", SECRET)
    store = hookshield.MemoryStore()
    calls: list[Any] = []
    fail = {"next": False}

    @app.post("/hooks")
    @webhook(verifier, store=store)
    def receive(event: Any) -> None:
        calls.append(event)
        if fail["next"]:
            fail["next"] = False
            raise RuntimeError("database unavailable")

    @app.post("/plain")
    @webhook(verifier)
    def plain(event: Any) -> Any:
        return {"document": event.data["document_id"]}

    app.config["fail"] = fail
    return app, calls


def post(app: Any, path: str, body: bytes, headers: dict[str, str]) -> Any:
    return app.test_client().post(path, data=body, headers=headers)


def test_valid_delivery(app_and_calls: tuple[Any, list[Any]]) -> None:
    app, calls = app_and_calls
    response = post(app, "/hooks", BODY, hookshield.sign("sentinel", SECRET, BODY))
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "processed"
    assert len(calls) == 1
    assert calls[0].type == "document.completed"
    assert calls[0].data["document_id"] == "doc_abc123"


def test_forged_delivery(app_and_calls: tuple[Any, list[Any]]) -> None:
    app, calls = app_and_calls
    headers = hookshield.sign("sentinel", "whsec_attacker", BODY)
    response = post(app, "/hooks", BODY, headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "signature_mismatch"
    assert SECRET not in response.get_data(as_text=True)
    assert calls == []


def test_tampered_body(app_and_calls: tuple[Any, list[Any]]) -> None:
    app, calls = app_and_calls
    headers = hookshield.sign("sentinel", SECRET, BODY)
    response = post(app, "/hooks", BODY.replace(b"doc_abc123", b"doc_evil99"), headers)
    assert response.status_code == 401
    assert calls == []


def test_stale_delivery(app_and_calls: tuple[Any, list[Any]]) -> None:
    app, calls = app_and_calls
    headers = hookshield.sign("sentinel", SECRET, BODY, timestamp=int(time.time()) - 3600)
    response = post(app, "/hooks", BODY, headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "timestamp_too_old"
    assert calls == []


def test_duplicate_delivery(app_and_calls: tuple[Any, list[Any]]) -> None:
    app, calls = app_and_calls
    headers = hookshield.sign("sentinel", SECRET, BODY)
    assert post(app, "/hooks", BODY, headers).status_code == 200
    again = post(app, "/hooks", BODY, hookshield.sign("sentinel", SECRET, BODY))
    assert again.status_code == 200
    assert again.get_json()["outcome"] == "duplicate"
    assert len(calls) == 1


def test_failing_handler_is_retried(app_and_calls: tuple[Any, list[Any]]) -> None:
    app, calls = app_and_calls
    app.config["fail"]["next"] = True
    headers = hookshield.sign("sentinel", SECRET, BODY)
    failed = post(app, "/hooks", BODY, headers)
    assert failed.status_code == 500
    assert failed.get_json()["outcome"] == "handler_failed"
    # The claim was released: the provider's retry is processed.
    retried = post(app, "/hooks", BODY, hookshield.sign("sentinel", SECRET, BODY))
    assert retried.status_code == 200
    assert retried.get_json()["outcome"] == "processed"
    assert len(calls) == 2


def test_bad_payload(app_and_calls: tuple[Any, list[Any]]) -> None:
    app, calls = app_and_calls
    body = b'{"event": "document.completed", "data": '
    response = post(app, "/hooks", body, hookshield.sign("sentinel", SECRET, body))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"
    assert calls == []


def test_drifted_payload_is_handled_untyped(app_and_calls: tuple[Any, list[Any]]) -> None:
    app, calls = app_and_calls
    body = b'{"event": "document.completed", "data": "not an object"}'
    response = post(app, "/hooks", body, hookshield.sign("sentinel", SECRET, body))
    assert response.status_code == 200
    assert [(e.untyped_reason, e.data) for e in calls] == [("data_mismatch", "not an object")]


def test_without_store_handler_response(app_and_calls: tuple[Any, list[Any]]) -> None:
    app, _ = app_and_calls
    ok = post(app, "/plain", BODY, hookshield.sign("sentinel", SECRET, BODY))
    assert (ok.status_code, ok.get_json()) == (200, {"document": "doc_abc123"})
    bad = post(app, "/plain", BODY, {"X-Sentinel-Timestamp": str(int(time.time()))})
    assert (bad.status_code, bad.get_json()["error"]["code"]) == (401, "missing_header")


def test_router_view() -> None:
    app = flask.Flask("router")
    router = hookshield.Router()
    seen: list[str] = []

    @router.on("migration.*")
    def migration(event: Any) -> None:
        seen.append("migration:" + event.type)

    @router.on("*")
    def audit(event: Any) -> None:
        seen.append("audit:" + event.type)

    verifier = hookshield.Verifier("sensei", SECRET)
    app.add_url_rule(
        "/sensei", view_func=view(verifier, router, hookshield.MemoryStore()), methods=["POST"]
    )
    body = hookshield.sample("sensei", "migration.phase.completed")
    response = post(app, "/sensei", body, hookshield.sign("sensei", SECRET, body))
    assert response.status_code == 200
    assert seen == ["migration:migration.phase.completed", "audit:migration.phase.completed"]


def test_body_read_before_and_after_the_view() -> None:
    app = flask.Flask("again")
    bodies: list[bytes] = []

    @app.before_request
    def read_first() -> None:
        bodies.append(flask.request.get_data())

    @app.post("/again")
    @webhook(hookshield.Verifier("sentinel", SECRET))
    def again(event: Any) -> Any:
        return {"same": flask.request.get_data() == BODY}

    response = post(app, "/again", BODY, hookshield.sign("sentinel", SECRET, BODY))
    assert (response.status_code, response.get_json(), bodies) == (200, {"same": True}, [BODY])
