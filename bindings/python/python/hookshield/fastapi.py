"""FastAPI (Starlette) helpers. FastAPI is imported only when a request is handled.

A dependency that verifies the delivery and, with a store, processes it exactly once::

    import hookshield
    from hookshield.fastapi import Webhook

    verifier = hookshield.Verifier("sensei", os.environ["SENSEI_WEBHOOK_SECRET"])
    sensei = Webhook(verifier, store=hookshield.MemoryStore())

    @app.post("/webhooks/sensei")
    async def receive(event: Annotated[hookshield.Event, Depends(sensei)]) -> dict[str, str]:
        ...   # runs once per event; raising makes the provider retry
        return {"status": "processed"}

The dependency reads the raw body with ``await request.body()``. A delivery that fails
verification never reaches the endpoint: it is answered with the status the provider
should get (401 bad signature or stale timestamp, 400/413 bad payload) and
``{"detail": {"status": "rejected", "code": ..., "message": ...}}``. With ``store``, a
duplicate is answered 200 and one another worker holds 409 (503 for DocIntell), without
running the endpoint; when the endpoint raises, the claim is released so the provider's
retry is processed, and the answer is 500. When the store is unavailable the answer is
503, without running the endpoint. ``store`` is a ``MemoryStore`` or a ``RedisStore``
(whose network calls run in a worker thread, off the event loop).

Or, inside an endpoint, ``await process(request, verifier, store, handler)`` returns the
response for ``verifier.process_async`` (the handler may be async, or a Router).
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable

from ._errors import VerificationError
from ._hookshield import Claim, Verifier
from ._http import error_body, outcome_body
from ._support import is_remote, off_loop

if TYPE_CHECKING:
    from ._hookshield import Store
    from starlette.requests import Request
    from starlette.responses import JSONResponse

__all__ = ["Webhook", "process"]


class Webhook:
    """A FastAPI dependency yielding the verified (and, with a store, claimed) event."""

    def __init__(
        self,
        verifier: Verifier[Any],
        store: Store | None = None,
        *,
        lease_seconds: float = 30.0,
        retention_seconds: float | None = None,
    ) -> None:
        self.verifier = verifier
        self.store = store
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

        body = await request.body()
        if self.store is None:
            try:
                event = self.verifier.verify(body, request.headers)
            except VerificationError as err:
                raise HTTPException(err.status, detail=error_body(err)) from None
            yield event
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
            raise HTTPException(claimed.status, detail=outcome_body(claimed))
        try:
            yield claimed.event
        except HTTPException as exc:
            # The endpoint answered with an error on purpose: release, so a retry runs.
            await off_loop(remote, claimed.finish, exc)
            raise
        except Exception as exc:
            outcome = await off_loop(remote, claimed.finish, exc)
            raise HTTPException(outcome.status, detail=outcome_body(outcome)) from exc
        except BaseException as exc:
            claimed.finish(exc)
            raise
        else:
            await off_loop(remote, claimed.finish)


async def process(
    request: Request,
    verifier: Verifier[Any],
    store: Store,
    handler: Callable[[Any], Any],
    *,
    lease_seconds: float = 30.0,
    retention_seconds: float | None = None,
) -> JSONResponse:
    """Reads the body, runs ``verifier.process_async`` and answers with the outcome's
    status and JSON body."""
    from starlette.responses import JSONResponse

    body = await request.body()
    outcome = await verifier.process_async(
        body,
        request.headers,
        store,
        handler,
        lease_seconds=lease_seconds,
        retention_seconds=retention_seconds,
    )
    return JSONResponse(outcome_body(outcome), status_code=outcome.status)
