"""The runnable examples in examples/python answer signed samples as documented."""

from __future__ import annotations

import importlib.util
import json
import pathlib
import sys
from types import ModuleType
from typing import Any

import pytest
from conftest import RedisServer

import hookshield

EXAMPLES = pathlib.Path(__file__).resolve().parents[3] / "examples" / "python"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_flask_example() -> None:
    pytest.importorskip("flask")
    example = load("flask_app")
    client = example.app.test_client()
    body = hookshield.sample("sentinel", "document.failed")
    headers = hookshield.sign("sentinel", example.SENTINEL_SECRET, body)
    assert client.post("/webhooks/sentinel", data=body, headers=headers).get_json()["outcome"] == "processed"
    assert client.post("/webhooks/sentinel", data=body, headers=headers).get_json()["outcome"] == "duplicate"
    body = hookshield.sample("sensei", "migration.completed")
    response = client.post("/webhooks/sensei", data=body, headers=hookshield.sign("sensei", example.SENSEI_SECRET, body))
    assert response.status_code == 200
    forged = client.post("/webhooks/sensei", data=body, headers=hookshield.sign("sensei", "wrong", body))
    assert forged.status_code == 401


def test_flask_example_logs_a_drifted_delivery(caplog: pytest.LogCaptureFixture) -> None:
    pytest.importorskip("flask")
    example = load("flask_app")
    doc = json.loads(hookshield.sample("sentinel", "document.completed"))
    doc["data"]["pages"] = "4"
    body = json.dumps(doc).encode()
    headers = hookshield.sign("sentinel", example.SENTINEL_SECRET, body)
    response = example.app.test_client().post("/webhooks/sentinel", data=body, headers=headers)
    assert response.get_json()["outcome"] == "processed"
    assert "untyped document.completed (data_mismatch)" in caplog.text


def test_flask_example_on_two_machines_sharing_redis(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("flask")
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    machine_a, machine_b = load("flask_app"), load("flask_app")
    assert isinstance(machine_a.store, hookshield.RedisStore) and machine_a.store is not machine_b.store
    body = hookshield.sample("sentinel", "report.generated")
    headers = hookshield.sign("sentinel", machine_a.SENTINEL_SECRET, body)
    first = machine_a.app.test_client().post("/webhooks/sentinel", data=body, headers=headers)
    again = machine_b.app.test_client().post("/webhooks/sentinel", data=body, headers=headers)
    assert (first.get_json()["outcome"], again.get_json()["outcome"]) == ("processed", "duplicate")


def test_fastapi_example() -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    example = load("fastapi_app")
    client = TestClient(example.app)
    body = hookshield.sample("docintell", "document.uploaded")
    headers = hookshield.sign("docintell", example.DOCINTELL_SECRET, body)
    key = hookshield.Verifier("docintell", example.DOCINTELL_SECRET).verify(body, headers).idempotency_key
    assert client.post("/webhooks/docintell", content=body, headers=headers).json() == {
        "outcome": "processed",
        "idempotency_key": key,
    }
    body = hookshield.sample("kyc", "kyc.watchlist.match_found")
    response = client.post("/webhooks/kyc", content=body, headers=hookshield.sign("kyc", example.KYC_SECRET, body))
    assert response.json()["outcome"] == "processed"
    stale = hookshield.sign("kyc", example.KYC_SECRET, body, timestamp=1_600_000_000)
    assert client.post("/webhooks/kyc", content=body, headers=stale).status_code == 401


def test_django_example(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("django")
    from django.test import Client, override_settings

    monkeypatch.setenv("INBOX_URL", f"sqlite:{tmp_path / 'example-inbox.db'}")
    example = load("django_app")
    client = Client(enforce_csrf_checks=True)  # as a provider meets it: no CSRF token

    def post(url: str, body: bytes, headers: dict[str, str]) -> Any:
        return client.post(url, data=body, content_type="application/json", headers=headers)
    with override_settings(ROOT_URLCONF=example):
        body = hookshield.sample("sentinel", "document.failed")
        headers = hookshield.sign("sentinel", example.SENTINEL_SECRET, body)
        assert post("/webhooks/sentinel", body, headers).json()["outcome"] == "processed"
        assert post("/webhooks/sentinel", body, headers).json()["outcome"] == "duplicate"
        body = hookshield.sample("sensei", "migration.completed")
        headers = hookshield.sign("sensei", example.SENSEI_SECRET, body)
        assert post("/webhooks/sensei", body, headers).json()["outcome"] == "processed"
        assert post("/webhooks/queued", body, headers).json()["outcome"] == "queued"
        forged = post("/webhooks/sensei", body, hookshield.sign("sensei", "wrong", body))
        assert forged.status_code == 401
    worked: list[str] = []

    def handle(event: object, job: hookshield.Job) -> None:
        example.handle_queued(event, job)
        worked.append(job.idempotency_key)
        worker.stop()

    worker = example.inbox.worker(handle, verifiers=[example.sentinel, example.sensei], poll_interval=0.02)
    worker.run()
    assert len(worked) == 1 and example.inbox.stats()["done"] == 1


def test_inbox_example_queues_over_http_then_its_worker_drains(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("flask")
    pytest.importorskip("fastapi")
    from live_http import post, uvicorn_server, werkzeug_server

    monkeypatch.setenv("INBOX_URL", f"sqlite:{tmp_path / 'example-inbox.db'}")
    example = load("inbox_app")
    sentinel_body = hookshield.sample("sentinel", "document.completed")
    kyc_body = hookshield.sample("kyc", "kyc.watchlist.match_found")
    for port in werkzeug_server(example.app):
        headers = list(hookshield.sign("sentinel", example.SENTINEL_SECRET, sentinel_body).items())
        assert post(port, "/webhooks/sentinel", sentinel_body, headers).body["outcome"] == "queued"
    for port in uvicorn_server(example.api):
        headers = list(hookshield.sign("kyc", example.KYC_SECRET, kyc_body).items())
        assert post(port, "/webhooks/kyc", kyc_body, headers).body["outcome"] == "queued"
        assert post(port, "/webhooks/kyc", kyc_body, headers).body["outcome"] == "duplicate"
    assert example.inbox.stats()["pending"] == 2
    seen: list[str] = []

    def handle(event: Any, job: hookshield.Job) -> None:
        example.handle(event, job)
        seen.append(event.type)
        if len(seen) == 2:
            worker.stop()

    worker = example.inbox.worker(handle, verifiers=[example.sentinel, example.kyc], poll_interval=0.02)
    worker.run()
    assert sorted(seen) == ["document.completed", "kyc.watchlist.match_found"]
    assert example.inbox.stats()["done"] == 2
