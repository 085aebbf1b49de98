"""Every inbox vector (tests/vectors/process/inbox.json): what ``Inbox.accept`` answers
(outcome, HTTP status, JSON body) for a new delivery, one already in the inbox and the
common rejections; then the same over real HTTP on 127.0.0.1 through every helper given
``inbox=`` (the Flask view, FastAPI's dependency and ``process``, the WSGI and ASGI apps,
the Django view, each under its framework's own server). Each case gets a fresh SQLite
inbox and the verifier the case describes, its clock pinned to the case's ``now``."""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at run time.

import pathlib
import types
from typing import Annotated, Any, AsyncIterator, Callable, Iterator

import pytest

import hookshield
import outcome_vectors as vectors
from inbox_support import sqlite_url

CASES = vectors.cases("inbox.json")
HELPERS = ["flask", "fastapi-dependency", "fastapi-process", "wsgi", "asgi", "django"]


def fresh_inbox(case: "dict[str, Any]", directory: pathlib.Path) -> "tuple[hookshield.Inbox, Any]":
    """A new SQLite inbox holding the case's history (``inbox.before``), and the case's
    verifier."""
    inbox = hookshield.Inbox(sqlite_url(directory))
    verifier = vectors.verifier(case)
    if case["inbox"]["before"] == "queued":
        first = inbox.accept(verifier, vectors.body(case), vectors.headers(case))
        assert first.kind == "queued", first
    else:
        assert case["inbox"]["before"] is None
    return inbox, verifier


def queued_once_if_acknowledged(case: "dict[str, Any]", inbox: hookshield.Inbox) -> None:
    """What was acknowledged is in the inbox once; what was rejected is not."""
    assert inbox.stats()["pending"] == (1 if case["expect"]["status"] == 200 else 0)


def test_every_provider_is_queued_duplicate_and_rejected() -> None:
    seen = {(case["provider"], case["expect"]["outcome"]) for case in CASES}
    providers = {provider for provider, _ in seen}
    assert len(providers) == 12
    assert all((provider, kind) in seen for provider in providers for kind in ["queued", "duplicate", "rejected"])


@pytest.mark.parametrize("case", [pytest.param(case, id=case["name"]) for case in CASES])
def test_accept(case: "dict[str, Any]", tmp_path: pathlib.Path) -> None:
    inbox, verifier = fresh_inbox(case, tmp_path)
    outcome = inbox.accept(verifier, vectors.body(case), vectors.headers(case))
    assert outcome.kind == case["expect"]["outcome"]
    assert outcome.status == outcome.answer.status
    assert outcome.acknowledged == (outcome.kind in ("queued", "duplicate"))
    vectors.check(case, outcome.answer.status, outcome.answer.body)
    queued_once_if_acknowledged(case, inbox)


# Over HTTP: each server is started once, and each test puts the helper it builds for
# its case (its own verifier and fresh inbox) here, where the server's route finds it.
current: "dict[str, Any]" = {}


def http_servers() -> Iterator["dict[str, int]"]:
    """Every framework's server, each with one route that hands the request to the
    helper the running test built: (server name -> port)."""
    flask = pytest.importorskip("flask")
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    pytest.importorskip("django")
    from django.test import override_settings
    from django.urls import path as django_path
    from django.views.decorators.csrf import csrf_exempt
    from django_setup import configure, wsgi_server
    from fastapi import Depends, FastAPI, Request
    from live_http import uvicorn_server, werkzeug_server
    from starlette.responses import Response
    from starlette.routing import Route

    import hookshield.fastapi

    configure()

    app = flask.Flask("inbox-vectors")
    app.add_url_rule("/", endpoint="case", view_func=lambda: current["flask"](), methods=["POST"])

    async def webhook(request: Request) -> AsyncIterator[Any]:
        async for event in current["fastapi-dependency"](request):
            yield event

    async def with_dependency(event: Annotated[Any, Depends(webhook)]) -> Response:
        return hookshield.fastapi.queued(event)

    async def with_process(request: Request) -> Response:
        verifier, inbox = current["fastapi-process"]
        return await hookshield.fastapi.process(request, verifier, inbox=inbox)

    class Asgi:
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await current["asgi"](scope, receive, send)

    api = FastAPI()
    api.post("/dependency")(with_dependency)
    api.post("/process")(with_process)
    api.router.routes.append(Route("/asgi", Asgi()))

    def wsgi(environ: Any, start_response: Any) -> Any:
        return current["wsgi"](environ, start_response)

    urls = types.ModuleType("inbox_vector_urls")
    urls.urlpatterns = [django_path("", csrf_exempt(lambda request: current["django"](request)))]  # type: ignore[attr-defined]

    for flask_port in werkzeug_server(app):
        for fastapi_port in uvicorn_server(api):
            for wsgi_port in werkzeug_server(wsgi):
                with override_settings(ROOT_URLCONF=urls):
                    for django_port in wsgi_server():
                        yield {"flask": flask_port, "fastapi": fastapi_port, "wsgi": wsgi_port, "django": django_port}


@pytest.fixture(scope="module")
def ports() -> Iterator["dict[str, int]"]:
    yield from http_servers()


def helper_for(name: str, verifier: Any, inbox: hookshield.Inbox) -> Any:
    """The helper `name` with `inbox=`, as the route for it expects it."""
    import hookshield.django
    import hookshield.fastapi
    import hookshield.flask
    from hookshield.asgi import WebhookApp as AsgiApp
    from hookshield.wsgi import WebhookApp as WsgiApp

    helpers: "dict[str, Callable[[], Any]]" = {
        "flask": lambda: hookshield.flask.view(verifier, inbox=inbox),
        "fastapi-dependency": lambda: hookshield.fastapi.Webhook(verifier, inbox=inbox),
        "fastapi-process": lambda: (verifier, inbox),
        "wsgi": lambda: WsgiApp(verifier, inbox=inbox),
        "asgi": lambda: AsgiApp(verifier, inbox=inbox),
        "django": lambda: hookshield.django.view(verifier, inbox=inbox, asynchronous=False),
    }
    return helpers[name]()


ROUTES = {
    "flask": ("flask", "/"),
    "fastapi-dependency": ("fastapi", "/dependency"),
    "fastapi-process": ("fastapi", "/process"),
    "wsgi": ("wsgi", "/"),
    "asgi": ("fastapi", "/asgi"),
    "django": ("django", "/"),
}


@pytest.mark.parametrize("helper", HELPERS)
@pytest.mark.parametrize("case", [pytest.param(case, id=case["name"]) for case in CASES])
def test_helper_answers_the_inbox_vector(
    ports: "dict[str, int]", helper: str, case: "dict[str, Any]", tmp_path: pathlib.Path
) -> None:
    from live_http import post

    inbox, verifier = fresh_inbox(case, tmp_path)
    current.clear()
    current[helper] = helper_for(helper, verifier, inbox)
    server, route = ROUTES[helper]
    reply = post(ports[server], route, vectors.body(case), vectors.headers(case))
    assert reply.content_type == "application/json", reply
    vectors.check(case, reply.status, reply.text)
    queued_once_if_acknowledged(case, inbox)
