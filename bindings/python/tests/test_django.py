"""hookshield.django: with Django's own test client (CSRF checks enforced, as a browser
would meet them), and over real HTTP with Django's own WSGI server and, for the async
views, Django's ASGI application under uvicorn."""

from __future__ import annotations

import logging
import pathlib
import types
from typing import Any, Iterator

import pytest

django = pytest.importorskip("django")

from django_setup import configure, wsgi_server

configure()

from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

import hookshield
import hookshield.django as hd
from inbox_support import delivery, sqlite_url, verifier as sensei_verifier
from live_http import LIMIT, SECRET, exchange, post, sentinel_body, signed, uvicorn_server, verifier


class Receiver:
    """URL patterns for every kind of view, and what their handlers saw."""

    def __init__(self, inbox: hookshield.Inbox) -> None:
        self.calls: list[tuple[str, Any]] = []
        calls = self.calls

        @hd.webhook(verifier())
        def sync_view(request: Any, event: Any, tenant: str = "") -> HttpResponse | None:
            calls.append(("sync", event))
            assert request.body  # the body read is where request.body finds it
            if event.type == "document.failed":
                raise RuntimeError("the handler exploded")
            return HttpResponse(f"own answer for {tenant}") if tenant == "custom" else None

        @hd.webhook(verifier())
        async def async_view(request: Any, event: Any) -> None:
            calls.append(("async", event))
            if event.type == "document.failed":
                raise RuntimeError("the async handler exploded")

        router = hookshield.Router()
        router.on("report.*", lambda event: calls.append(("router", event)))
        self.inbox = inbox
        self.module = types.ModuleType("receiver_urls")
        self.module.urlpatterns = [  # type: ignore[attr-defined]
            path("sync", sync_view),
            path("sync/<str:tenant>", sync_view),
            path("async", async_view),
            path("router", hd.view(verifier(), router)),
            path("queued", hd.view(sensei_verifier(), inbox=inbox)),
            path("queued-async", hd.view(sensei_verifier(), inbox=inbox, asynchronous=True)),
        ]


@pytest.fixture
def receiver(tmp_path: pathlib.Path) -> Iterator[Receiver]:
    made = Receiver(hookshield.Inbox(sqlite_url(tmp_path)))
    with override_settings(ROOT_URLCONF=made.module):
        yield made


def client_post(client: Client, url: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(url, data=body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("url", ["/sync", "/async"])
def test_processed_duplicate_forged_failing_with_csrf_enforced(
    receiver: Receiver, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hookshield")
    client = Client(enforce_csrf_checks=True)
    body = sentinel_body("report.generated", {"report_id": "r1"})
    first = client_post(client, url, body, dict(signed(body)))
    assert (first.status_code, first["Content-Type"], first.json()["outcome"]) == (200, "application/json", "processed")
    assert client_post(client, url, body, dict(signed(body))).json()["outcome"] == "duplicate"
    forged = client_post(client, url, body, dict(signed(body, "whsec_forger")))
    assert (forged.status_code, forged.json()["error"]["code"]) == (401, "signature_mismatch")
    failing = sentinel_body("document.failed", {"document_id": "d"})
    failed = client_post(client, url, failing, dict(signed(failing)))
    assert (failed.status_code, failed.json()["outcome"]) == (500, "handler_failed")
    assert "exploded" in caplog.text and SECRET not in caplog.text
    assert client.get(url).status_code == 405
    assert [kind for kind, _ in receiver.calls] == [url[1:]] * 2


def test_too_large_is_refused_and_the_handler_can_answer(receiver: Receiver) -> None:
    client = Client(enforce_csrf_checks=True)
    big = sentinel_body("report.generated", {"report_id": "r" * (LIMIT + 10)})
    refused = client_post(client, "/sync", big, dict(signed(big)))
    assert (refused.status_code, refused.json()["error"]["code"]) == (413, "body_too_large")
    # Larger than Django's DATA_UPLOAD_MAX_MEMORY_SIZE (1024 here), within the verifier's.
    body = sentinel_body("report.generated", {"report_id": "r" * 2000})
    own = client_post(client, "/sync/custom", body, dict(signed(body)))
    assert (own.status_code, own.content) == (200, b"own answer for custom")
    routed = sentinel_body("report.generated", {"report_id": "routed"})
    assert client_post(client, "/router", routed, dict(signed(routed))).json()["outcome"] == "processed"
    assert [kind for kind, _ in receiver.calls] == ["sync", "router"]


@pytest.mark.parametrize("url", ["/queued", "/queued-async"])
def test_inbox_views_queue_for_a_worker(receiver: Receiver, url: str) -> None:
    client = Client(enforce_csrf_checks=True)
    body, headers = delivery(f"evt_django{url.replace('/', '_')}")
    queued = client_post(client, url, body, headers)
    assert (queued.status_code, queued.json()["outcome"]) == (200, "queued")
    assert client_post(client, url, body, headers).json()["outcome"] == "duplicate"
    worked: list[str] = []

    def work(event: Any, job: hookshield.Job) -> None:
        worked.append(job.idempotency_key)
        worker.stop()

    worker = receiver.inbox.worker(work, verifier=sensei_verifier(), poll_interval=0.02)
    worker.run()
    assert worked == [f"evt_django{url.replace('/', '_')}"]


def test_the_views_are_csrf_exempt_by_construction() -> None:
    assert hd.view(verifier(), print).csrf_exempt is True  # type: ignore[attr-defined]
    assert hd.webhook(verifier())(lambda request, event: None).csrf_exempt is True  # type: ignore[attr-defined]


def test_over_real_http_wsgi_and_asgi(receiver: Receiver) -> None:
    from django.core.asgi import get_asgi_application

    body = sentinel_body("report.generated", {"report_id": "live"})
    for port in wsgi_server():
        answer = post(port, "/sync", body, signed(body))
        assert (answer.status, answer.body["outcome"]) == (200, "processed")
        # (Django's development server reads what the client sends after the answer:
        # the oversized body is sent whole.)
        big = sentinel_body("report.generated", {"report_id": "r" * 4 * LIMIT})
        too_large = post(port, "/sync", big, signed(big))
        assert (too_large.status, too_large.body["error"]["code"]) == (413, "body_too_large")
        queued = post(port, "/queued", *queued_delivery("evt_live_wsgi"))
        assert queued.body["outcome"] == "queued"
    other = sentinel_body("report.generated", {"report_id": "live-async"})
    for port in uvicorn_server(get_asgi_application()):
        answer = post(port, "/async", other, signed(other))
        assert (answer.status, answer.body["outcome"]) == (200, "processed")
        chunked = exchange(port, "/async", signed(body), [body[:7], body[7:]], chunked=True)
        assert (chunked.status, chunked.body["outcome"]) == (200, "processed")
        queued = post(port, "/queued-async", *queued_delivery("evt_live_asgi"))
        assert queued.body["outcome"] == "queued"
    assert receiver.inbox.stats()["pending"] == 2
    assert [kind for kind, _ in receiver.calls] == ["sync", "async", "async"]


def queued_delivery(key: str) -> tuple[bytes, list[tuple[str, str]]]:
    body, headers = delivery(key)
    return body, list(headers.items())
