"""An ASGI application receiving one provider's webhooks, for any ASGI server or
framework (a Starlette ``Route`` or ``Mount``, FastAPI's ``app.mount``, Litestar's ``asgi`` route
handlers, Quart, or uvicorn directly)::

    import hookshield
    from hookshield.asgi import WebhookApp

    verifier = hookshield.Verifier("sensei", os.environ["SENSEI_WEBHOOK_SECRET"])

    async def handle(event):
        ...   # runs once per event; raising makes the provider retry

    app = WebhookApp(verifier, handle, store=hookshield.RedisStore(REDIS_URL))
    # or: queue it and answer at once, a worker runs the handler later
    app = WebhookApp(verifier, inbox=hookshield.Inbox("sqlite:/var/lib/app/inbox.db"))

It answers an HTTP POST of any path it is given; another method gets 405, and a
``lifespan`` scope is acknowledged. The body is received no further than the message
that passes the verifier's ``max_body_bytes`` (a larger ``Content-Length`` is answered
413 before any of it is received). The answer is the outcome's ``answer``, as from every
other helper. The handler may be sync or async; an inbox's append and a ``RedisStore``'s
calls run in a worker thread, off the event loop.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Awaitable, Callable, MutableMapping

from ._http import CONTENT_TYPE
from ._receive import App, Result, declared_length, read_body_async

__all__ = ["WebhookApp", "scope_headers"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def scope_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The request's headers from an ASGI scope, as (name, value) byte pairs."""
    return [(bytes(name), bytes(value)) for name, value in scope.get("headers", ())]


async def _chunks(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect: the client went away
            return
        body = message.get("body", b"")
        if body:
            yield body
        if not message.get("more_body", False):
            return


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class WebhookApp(App):
    """An ASGI application for one verifier: ``handler(event)`` (sync or async, or a
    ``Router``) runs once per event, claimed in ``store``; or, with ``inbox=`` and no
    handler, each verified delivery is appended to the inbox and answered ``queued``.
    ``WebhookApp(verifier, handler=None, *, store=None, inbox=None, lease_seconds=30.0,
    retention_seconds=None)``."""

    async def handle(self, scope: Scope, receive: Receive) -> Result:
        """Receives, verifies and processes (or queues) the request of ``scope``."""
        headers = scope_headers(scope)
        length = next((value for name, value in headers if name.lower() == b"content-length"), None)
        declared = declared_length(length.decode("latin-1") if length is not None else None)
        body = await read_body_async(_chunks(receive), declared, self.receiver.verifier)
        return await self.receiver.take_async(body, headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            raise RuntimeError(f"hookshield.asgi.WebhookApp serves HTTP, not {scope['type']!r}")
        if scope.get("method") != "POST":
            await _answer(send, 405, b"", [(b"allow", b"POST"), (b"content-length", b"0")])
            return
        outcome, _ = await self.handle(scope, receive)
        payload = outcome.answer.body.encode()
        await _answer(
            send,
            outcome.answer.status,
            payload,
            [(b"content-type", CONTENT_TYPE.encode()), (b"content-length", str(len(payload)).encode())],
        )
