"""FastAPI (Starlette) helpers. FastAPI is imported only when a request is handled.

A dependency that verifies the delivery and processes it exactly once::

    import hookshield
    from hookshield.fastapi import Webhook

    verifier = hookshield.Verifier("sensei", os.environ["SENSEI_WEBHOOK_SECRET"])
    sensei = Webhook(verifier, store=hookshield.MemoryStore())

    @app.post("/webhooks/sensei")
    async def receive(event: Annotated[hookshield.Event, Depends(sensei)]) -> dict[str, str]:
        ...   # runs once per event; raising makes the provider retry
        return {"status": "processed"}

The dependency reads the raw body from ``request.stream()``, never more than the
verifier's ``max_body_bytes`` (a larger declared ``Content-Length`` is answered 413
before any of the body is read; a chunked body is read until it passes the limit, then
answered 413). A delivery that fails verification never reaches the endpoint: it is
answered with the status the provider should get (401 bad signature or stale
timestamp, 400/413 bad payload) and ``{"detail": {"status": "rejected", "code": ...,
"message": ...}}``. A duplicate is answered 200 and one another worker holds 409 (503
for DocIntell), without running the endpoint; when the endpoint raises, the claim is
released so the provider's retry is processed, and the answer is 500. When the store
is unavailable the answer is 503, without running the endpoint. ``store`` is a
``MemoryStore`` or a ``RedisStore`` (whose network calls run in a worker thread, off
the event loop); without one, the verifier's own ``MemoryStore`` is used.

Or, inside an endpoint, ``await process(request, verifier, store, handler)`` returns the
response for ``verifier.process_async`` (the handler may be async, or a Router; ``store``
may be ``None`` for the verifier's own ``MemoryStore``).

The logger ``hookshield`` gets each rejection (its code and the provider, never a
secret) and a failing handler's exception with its traceback.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable

from ._errors import VerificationError
from ._hookshield import Claim, Verifier
from ._http import default_store, error_body, log_outcome, log_rejection, outcome_body
from ._support import is_remote, off_loop

if TYPE_CHECKING:
    from ._hookshield import Store
    from starlette.requests import Request
    from starlette.responses import JSONResponse

__all__ = ["Webhook", "process"]


async def _read_body(request: Request, verifier: Verifier[Any]) -> bytes:
    """The request's body, from ``request.stream()``, no further than the first chunk
    past ``max_body_bytes``; raises the ``body_too_large`` error for a larger one (before
    reading, when its declared length says so). The body is kept where
    ``request.body()`` keeps it, so the endpoint may read it again."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit():
        verifier.check_body_size(int(declared))
    limit = verifier.max_body_bytes
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    verifier.check_body_size(size)
    body = b"".join(chunks)
    request._body = body  # Starlette's cache for request.body()
    return body


class Webhook:
    """A FastAPI dependency yielding the verified and claimed event."""

    def __init__(
        self,
        verifier: Verifier[Any],
        store: Store | None = None,
        *,
        lease_seconds: float = 30.0,
        retention_seconds: float | None = None,
    ) -> None:
        self.verifier = verifier
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
        from fastapi import HTTPException

        provider = self.verifier.provider
        try:
            body = await _read_body(request, self.verifier)
        except VerificationError as err:
            log_rejection(provider, err)
            raise HTTPException(err.status, detail=error_body(err)) from None
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
            log_outcome(provider, claimed)
            raise HTTPException(claimed.status, detail=outcome_body(claimed))
        try:
            yield claimed.event
        except HTTPException as exc:
            # The endpoint answered with an error on purpose: release, so a retry runs.
            await off_loop(remote, claimed.finish, exc)
            raise
        except Exception as exc:
            outcome = await off_loop(remote, claimed.finish, exc)
            log_outcome(provider, outcome)
            raise HTTPException(outcome.status, detail=outcome_body(outcome)) from exc
        except BaseException as exc:
            claimed.finish(exc)
            raise
        else:
            await off_loop(remote, claimed.finish)


async def process(
    request: Request,
    verifier: Verifier[Any],
    store: Store | None,
    handler: Callable[[Any], Any],
    *,
    lease_seconds: float = 30.0,
    retention_seconds: float | None = None,
) -> JSONResponse:
    """Reads the body (bounded as ``Webhook`` does), runs ``verifier.process_async`` and
    answers with the outcome's status and JSON body. ``store=None`` claims events in
    the verifier's own ``MemoryStore``."""
    from starlette.responses import JSONResponse

    try:
        body = await _read_body(request, verifier)
    except VerificationError as err:
        log_rejection(verifier.provider, err)
        return JSONResponse(error_body(err), status_code=err.status)
    outcome = await verifier.process_async(
        body,
        request.headers,
        store if store is not None else default_store(verifier),
        handler,
        lease_seconds=lease_seconds,
        retention_seconds=retention_seconds,
    )
    log_outcome(verifier.provider, outcome)
    return JSONResponse(outcome_body(outcome), status_code=outcome.status)
