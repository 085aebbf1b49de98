"""A WSGI application receiving one provider's webhooks, for any WSGI server or
framework (mount it at a path: werkzeug's ``DispatcherMiddleware``, Django's
``WSGIHandler`` beside it, gunicorn directly)::

    import hookshield
    from hookshield.wsgi import WebhookApp

    verifier = hookshield.Verifier("sentinel", os.environ["SENTINEL_WEBHOOK_SECRET"])

    def handle(event):
        ...   # runs once per event; raising makes the provider retry

    app = WebhookApp(verifier, handle, store=hookshield.RedisStore(REDIS_URL))
    # or: queue it and answer at once, a worker runs the handler later
    app = WebhookApp(verifier, inbox=hookshield.Inbox("sqlite:/var/lib/app/inbox.db"))

It answers a POST of any path it is given; another method gets 405. The body is read
from ``wsgi.input`` no further than one byte past the verifier's ``max_body_bytes`` (a
larger ``Content-Length`` is answered 413 before any of it is read; a body without one
is read only where the server marks the input terminated, ``wsgi.input_terminated``, as
a chunked request is). The answer is the outcome's ``answer``, as from every other
helper: its status and JSON body (``application/json``). Without ``store=`` or
``inbox=``, events are claimed in the verifier's own ``MemoryStore``.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from ._hookshield import Outcome, Verifier
from ._http import CONTENT_TYPE
from ._receive import App, Result, declared_length, read_body

__all__ = ["WebhookApp", "environ_headers", "read_environ_body"]

StartResponse = Callable[..., Any]

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def environ_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's headers from a WSGI environ, as (name, value) pairs."""
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-").title(), value))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers.append((key.replace("_", "-").title(), value))
    return headers


def read_environ_body(environ: dict[str, Any], verifier: Verifier[Any]) -> bytes | Outcome[Any]:
    """The body of a WSGI request, read within ``verifier.max_body_bytes`` (see the
    module's documentation), or the ``body_too_large`` outcome."""
    declared = declared_length(environ.get("CONTENT_LENGTH"))
    stream = environ["wsgi.input"]
    if declared is None and not environ.get("wsgi.input_terminated"):
        # PEP 3333: without a length, the application must not read past the body.
        return read_body(lambda size: b"", None, verifier)
    remaining = [declared]

    def read(size: int) -> bytes:
        left = remaining[0]
        if left is not None:
            size = min(size, left)
            if size == 0:
                return b""
        chunk: bytes = stream.read(size)
        if left is not None:
            remaining[0] = left - len(chunk)
        return chunk

    return read_body(read, declared, verifier)


class WebhookApp(App):
    """A WSGI application for one verifier: ``handler(event)`` (a function or a
    ``Router``) runs once per event, claimed in ``store``; or, with ``inbox=`` and no
    handler, each verified delivery is appended to the inbox and answered ``queued``.
    ``WebhookApp(verifier, handler=None, *, store=None, inbox=None, lease_seconds=30.0,
    retention_seconds=None)``."""

    def handle(self, environ: dict[str, Any]) -> Result:
        """Reads, verifies and processes (or queues) the request in ``environ``."""
        return self.receiver.take(read_environ_body(environ, self.receiver.verifier), environ_headers(environ))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            start_response("405 Method Not Allowed", [("Allow", "POST"), ("Content-Length", "0")])
            return [b""]
        outcome, _ = self.handle(environ)
        payload = outcome.answer.body.encode()
        status = outcome.answer.status
        start_response(
            f"{status} {_REASONS.get(status, '')}".rstrip(),
            [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(payload)))],
        )
        return [payload]
