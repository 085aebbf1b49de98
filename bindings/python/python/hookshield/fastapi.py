"""FastAPI (Starlette) helpers. FastAPI is imported only when a request is handled.

A dependency that verifies the delivery and processes it exactly once::

    import hookshield
    from hookshield.fastapi import Webhook, processed

    verifier = hookshield.Verifier("sensei", os.environ["SENSEI_WEBHOOK_SECRET"])
    sensei = Webhook(verifier, store=hookshield.MemoryStore())

    @app.post("/webhooks/sensei")
    async def receive(event: Annotated[hookshield.Event, Depends(sensei)]) -> Response:
        ...   # runs once per event; raising makes the provider retry
        return processed(event)

The dependency reads the raw body from ``request.stream()``, never more than the
verifier's ``max_body_bytes`` (a larger declared ``Content-Length`` is answered 413
before any of the body is read; a chunked body is read until it passes the limit, then
answered 413). Every answer it sends is what every hookshield helper sends, the
outcome's ``answer``: its status and the JSON body ``{"outcome": ..., "idempotency_key":
..., "error": {"code": ..., "message": ...}}`` (``application/json``). A delivery that
fails verification never reaches the endpoint: it is answered 401 (bad signature or
stale timestamp) or 400/413 (bad payload). A duplicate is answered 200 and one another
worker holds 409 (503 for DocIntell), without running the endpoint; when the endpoint
raises, the claim is released so the provider's retry is processed, and the answer is
500. When the store is unavailable the answer is 503, without running the endpoint. A
processed delivery gets what the endpoint returns: ``processed(event)`` is the answer
the other helpers send. ``store`` is a ``MemoryStore`` or a ``RedisStore`` (whose
network calls run in a worker thread, off the event loop); without one, the verifier's
own ``MemoryStore`` is used.

The dependency answers by raising an exception of its own, whose handler it adds to the
application's exception handlers (Starlette's ``ExceptionMiddleware``, which every
FastAPI application has) on first use.

Or, inside an endpoint, ``await process(request, verifier, store, handler)`` returns the
response for ``verifier.process_async`` (the handler may be async, or a Router; ``store``
may be ``None`` for the verifier's own ``MemoryStore``).

With ``inbox=`` (a ``hookshield.Inbox``) instead of a store, each verified delivery
is appended to the inbox and answered ``queued`` (200) as soon as it is durable;
``inbox.worker(handler, ...)`` runs the handler later. ``Webhook(verifier,
inbox=inbox)`` yields the event once it is queued (the endpoint returns
``queued(event)``); ``process(request, verifier, inbox=inbox)`` answers by itself.
Both read the body as the ASGI receiver (``hookshield.asgi``) does.

The logger ``hookshield`` gets each rejection (its code and the provider, never a
secret) and a failing handler's exception with its traceback.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable

from ._hookshield import Answer, Claim, Outcome, Verifier
from ._http import CONTENT_TYPE, default_store, log_outcome
from ._receive import Receiver, declared_length, read_body_async
from ._support import is_remote, off_loop

if TYPE_CHECKING:
    from ._hookshield import Event, Inbox, Store
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["Webhook", "process", "processed", "queued"]

# Where Starlette's ExceptionMiddleware puts its handlers for the request's route.
_HANDLERS_SCOPE_KEY = "starlette.exception_handlers"


def _response(answer: Answer) -> Response:
    from starlette.responses import Response

    return Response(answer.body, status_code=answer.status, media_type=CONTENT_TYPE)


def processed(event: Event) -> Response:
    """The answer every helper sends for a processed delivery, for the endpoint behind
    ``Webhook`` to return."""
    return _response(Answer.processed(event))


def queued(event: Event) -> Response:
    """The answer every helper sends for a delivery queued in an inbox, for the endpoint
    behind ``Webhook(verifier, inbox=...)`` to return."""
    return _response(Answer.queued(event))


async def _read_body(request: Request, verifier: Verifier[Any]) -> bytes | Outcome[Any]:
    """The request's body, from ``request.stream()``, no further than the first chunk
    past ``max_body_bytes``, or the ``body_too_large`` outcome of a larger one (before
    reading, when its declared length says so). The body is kept where
    ``request.body()`` keeps it, so the endpoint may read it again."""
    declared = declared_length(request.headers.get("content-length"))
    body = await read_body_async(request.stream(), declared, verifier)
    if isinstance(body, bytes):
        request._body = body  # Starlette's cache for request.body()
    return body


class _Answered(Exception):
    """An answer the dependency sends instead of running the endpoint (or instead of
    the endpoint's failure)."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.body)
        self.answer = answer


async def _send_answered(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, _Answered)
    return _response(exc.answer)


def _answered(request: Request, provider: str, outcome: Outcome[Any]) -> _Answered:
    """Logs the outcome and returns the exception that answers it, its handler added to
    the application's exception handlers."""
    log_outcome(provider, outcome)
    try:
        handlers, _ = request.scope[_HANDLERS_SCOPE_KEY]
    except KeyError:
        raise RuntimeError(
            "hookshield.fastapi.Webhook answers through Starlette's ExceptionMiddleware, "
            "which this application does not have"
        ) from None
    handlers.setdefault(_Answered, _send_answered)
    return _Answered(outcome.answer)


class Webhook:
    """A FastAPI dependency yielding the verified and claimed event."""

    def __init__(
        self,
        verifier: Verifier[Any],
        store: Store | None = None,
        *,
        inbox: Inbox | None = None,
        lease_seconds: float = 30.0,
        retention_seconds: float | None = None,
    ) -> None:
        if inbox is not None and store is not None:
            raise TypeError("give store= (process in the request) or inbox= (queue for a worker), not both")
        self.verifier = verifier
        self.inbox = inbox
        self.store: Store = store if store is not None else default_store(verifier)
        self.lease_seconds = lease_seconds
        self.retention_seconds = retention_seconds
        # FastAPI reads the dependency's signature to know it wants the request; the
        # annotation must be the real class, imported only now that FastAPI is in use.
        from starlette.requests import Request

        self.__signature__ = inspect.Signature(
            [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
        )

    async def __call__(self, request: Request) -> AsyncIterator[Any]:
        from starlette.exceptions import HTTPException

        provider = self.verifier.provider
        body = await _read_body(request, self.verifier)
        if isinstance(body, Outcome):
            raise _answered(request, provider, body)
        if self.inbox is not None:
            # Queued (durable) before the endpoint runs; nothing to release after it.
            outcome = await asyncio.to_thread(self.inbox.accept, self.verifier, body, request.headers)
            if outcome.kind != "queued":
                raise _answered(request, provider, outcome)
            yield outcome.event
            return
        remote = is_remote(self.store)
        claimed = await off_loop(
            remote,
            self.verifier.claim,
            body,
            request.headers,
            self.store,
            lease_seconds=self.lease_seconds,
            retention_seconds=self.retention_seconds,
        )
        if not isinstance(claimed, Claim):
            raise _answered(request, provider, claimed)
        try:
            yield claimed.event
        except HTTPException as exc:
            # The endpoint answered with an error on purpose: release, so a retry runs.
            await off_loop(remote, claimed.finish, exc)
            raise
        except Exception as exc:
            outcome = await off_loop(remote, claimed.finish, exc)
            raise _answered(request, provider, outcome) from exc
        except BaseException as exc:
            claimed.finish(exc)
            raise
        else:
            # The endpoint has answered; a store that fails to record it is logged.
            log_outcome(provider, await off_loop(remote, claimed.finish))


async def process(
    request: Request,
    verifier: Verifier[Any],
    store: Store | None = None,
    handler: Callable[[Any], Any] | None = None,
    *,
    inbox: Inbox | None = None,
    lease_seconds: float = 30.0,
    retention_seconds: float | None = None,
) -> Response:
    """Reads the body (bounded as ``Webhook`` does), runs ``verifier.process_async`` and
    answers the outcome's ``answer``. ``store=None`` claims events in the verifier's own
    ``MemoryStore``. With ``inbox=`` (and no handler), appends the delivery to the inbox
    instead and answers ``queued`` once it is durable."""
    receiver = Receiver(
        verifier,
        handler,
        store=store,
        inbox=inbox,
        lease_seconds=lease_seconds,
        retention_seconds=retention_seconds,
    )
    outcome, _ = await receiver.take_async(await _read_body(request, verifier), request.headers)
    return _response(outcome.answer)
