"""Every outcome vector (tests/vectors/process) over real HTTP on 127.0.0.1, through the
Flask view (werkzeug's server), the FastAPI dependency and FastAPI's `process`
(uvicorn): the same status and answer body as `Verifier.process`, as
`application/json`."""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at run time.

from typing import Annotated, Any, Callable, Iterator

import pytest

import outcome_vectors as vectors
from live_http import post, uvicorn_server, werkzeug_server

flask = pytest.importorskip("flask")
fastapi = pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from fastapi import Depends, FastAPI, Request
from starlette.responses import Response

from hookshield.fastapi import Webhook, process, processed
from hookshield.flask import view

CASES = vectors.cases()
HELPERS = ["flask", "fastapi-dependency", "fastapi-process"]


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
    app = FastAPI()
    for i, case in enumerate(CASES):
        app.post(f"/dependency/{i}")(dependency_endpoint(case))
        app.post(f"/process/{i}")(process_endpoint(case))
    return app


@pytest.fixture(scope="module")
def ports() -> Iterator["dict[str, int]"]:
    for flask_port in werkzeug_server(flask_app()):
        for fastapi_port in uvicorn_server(fastapi_app()):
            yield {"flask": flask_port, "fastapi": fastapi_port}


def path(helper: str, i: int) -> "tuple[str, str]":
    return {
        "flask": ("flask", f"/{i}"),
        "fastapi-dependency": ("fastapi", f"/dependency/{i}"),
        "fastapi-process": ("fastapi", f"/process/{i}"),
    }[helper]


@pytest.mark.parametrize("helper", HELPERS)
@pytest.mark.parametrize("i", range(len(CASES)), ids=[case["name"] for case in CASES])
def test_helper_answers_the_vector(ports: "dict[str, int]", helper: str, i: int) -> None:
    case = CASES[i]
    server, route = path(helper, i)
    reply = post(ports[server], route, vectors.body(case), vectors.headers(case))
    assert reply.content_type == "application/json", reply
    vectors.check(case, reply.status, reply.text)
