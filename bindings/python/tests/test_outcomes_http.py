"""Every outcome vector (tests/vectors/process) over real HTTP on 127.0.0.1, through the
Flask view and the WSGI app (werkzeug's server), the FastAPI dependency, FastAPI's
`process` and the ASGI app (uvicorn), and the Django view (Django's own server): the
same status and answer body as `Verifier.process`, as `application/json`."""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at run time.

import types
from typing import Annotated, Any, Callable, Iterator

import pytest

import outcome_vectors as vectors
from live_http import post, uvicorn_server, werkzeug_server

flask = pytest.importorskip("flask")
fastapi = pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("django")

from django.test import override_settings
from django.urls import path as django_path
from django_setup import configure, wsgi_server
from fastapi import Depends, FastAPI, Request
from starlette.responses import Response
from starlette.routing import Route
from werkzeug.middleware.dispatcher import DispatcherMiddleware

import hookshield.django
from hookshield.asgi import WebhookApp as AsgiApp
from hookshield.fastapi import Webhook, process, processed
from hookshield.flask import view
from hookshield.wsgi import WebhookApp as WsgiApp

configure()

CASES = vectors.cases()
HELPERS = ["flask", "fastapi-dependency", "fastapi-process", "wsgi", "asgi", "django"]


def flask_app() -> Any:
    """A view per case, each with its own verifier and store."""
    app = flask.Flask("outcomes")
    for i, case in enumerate(CASES):
        app.add_url_rule(
            f"/{i}",
            endpoint=f"case{i}",
            view_func=view(vectors.verifier(case), vectors.handler(case), vectors.store(case)),
            methods=["POST"],
        )
    return app


def dependency_endpoint(case: "dict[str, Any]") -> Callable[..., Any]:
    """An endpoint behind the `Webhook` dependency, running the case's handler and
    answering `processed(event)`."""
    handle = vectors.handler(case)
    webhook = Webhook(vectors.verifier(case), store=vectors.store(case))

    async def endpoint(event: Annotated[Any, Depends(webhook)]) -> Response:
        handle(event)
        return processed(event)

    return endpoint


def process_endpoint(case: "dict[str, Any]") -> Callable[..., Any]:
    verifier, store, handle = vectors.verifier(case), vectors.store(case), vectors.handler(case)

    async def endpoint(request: Request) -> Response:
        return await process(request, verifier, store, handle)

    return endpoint


def fastapi_app() -> FastAPI:
    """FastAPI's two helpers, and the ASGI app mounted with a Starlette route."""
    app = FastAPI()
    for i, case in enumerate(CASES):
        app.post(f"/dependency/{i}")(dependency_endpoint(case))
        app.post(f"/process/{i}")(process_endpoint(case))
        app.router.routes.append(
            Route(f"/asgi/{i}", AsgiApp(vectors.verifier(case), vectors.handler(case), store=vectors.store(case)))
        )
    return app


def wsgi_app() -> Any:
    """The WSGI app, one per case, mounted with werkzeug's dispatcher."""
    mounts = {
        f"/{i}": WsgiApp(vectors.verifier(case), vectors.handler(case), store=vectors.store(case))
        for i, case in enumerate(CASES)
    }
    return DispatcherMiddleware(flask.Flask("nothing-else"), mounts)


def django_urls() -> types.ModuleType:
    urls = types.ModuleType("outcome_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        django_path(
            f"{i}", hookshield.django.view(vectors.verifier(case), vectors.handler(case), store=vectors.store(case))
        )
        for i, case in enumerate(CASES)
    ]
    return urls


@pytest.fixture(scope="module")
def ports() -> Iterator["dict[str, int]"]:
    for flask_port in werkzeug_server(flask_app()):
        for fastapi_port in uvicorn_server(fastapi_app()):
            for wsgi_port in werkzeug_server(wsgi_app()):
                with override_settings(ROOT_URLCONF=django_urls()):
                    for django_port in wsgi_server():
                        yield {"flask": flask_port, "fastapi": fastapi_port, "wsgi": wsgi_port, "django": django_port}


def path(helper: str, i: int) -> "tuple[str, str]":
    return {
        "flask": ("flask", f"/{i}"),
        "fastapi-dependency": ("fastapi", f"/dependency/{i}"),
        "fastapi-process": ("fastapi", f"/process/{i}"),
        "wsgi": ("wsgi", f"/{i}"),
        "asgi": ("fastapi", f"/asgi/{i}"),
        "django": ("django", f"/{i}"),
    }[helper]


@pytest.mark.parametrize("helper", HELPERS)
@pytest.mark.parametrize("i", range(len(CASES)), ids=[case["name"] for case in CASES])
def test_helper_answers_the_vector(ports: "dict[str, int]", helper: str, i: int) -> None:
    case = CASES[i]
    server, route = path(helper, i)
    reply = post(ports[server], route, vectors.body(case), vectors.headers(case))
    assert reply.content_type == "application/json", reply
    vectors.check(case, reply.status, reply.text)
