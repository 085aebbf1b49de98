"""What every receiving helper does, without a framework: read the body within the
verifier's ``max_body_bytes``, then either process it (verify, claim in a store, run the
handler) or append it to an inbox (verify, append durably, answer; a worker runs the
handler later). The WSGI and ASGI apps, and the Flask, FastAPI and Django helpers, are
this module plus their framework's way of reading a request and sending a response."""

from __future__ import annotations

import asyncio
import inspect
from typing import TYPE_CHECKING, Any, AsyncIterable, Callable, Optional, Tuple, TypeVar

from ._hookshield import Outcome, Router, Verifier
from ._http import READ_CHUNK, default_store, log_outcome

if TYPE_CHECKING:
    from ._hookshield import Body, HeadersLike, Inbox, Store

# What a helper reports back: the outcome, and what the handler returned (a response of
# its own, for a processed delivery; None otherwise). (`Outcome` is generic for type
# checkers only.)
Result = Tuple["Outcome[Any]", Any]

_View = TypeVar("_View")


def declared_length(value: str | None) -> Optional[int]:
    """A ``Content-Length`` header's value as a number (None when absent or malformed:
    ASCII digits only, as ``str.isdigit`` also accepts ``"²"``, which ``int`` refuses)."""
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() else None


def read_body(read: Callable[[int], bytes], declared: int | None, verifier: Verifier[Any]) -> bytes | Outcome[Any]:
    """The body, read with ``read(n)`` (at most ``n`` bytes, ``b""`` at its end) no further
    than one byte past ``max_body_bytes``, or the ``body_too_large`` outcome of a larger
    one (before reading anything when ``declared``, its ``Content-Length``, says so)."""
    if declared is not None:
        refused = verifier.refuse_body_size(declared)
        if refused is not None:
            return refused
    limit = verifier.max_body_bytes
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = read(min(READ_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    refused = verifier.refuse_body_size(size)
    return b"".join(chunks) if refused is None else refused


async def read_body_async(
    chunks: AsyncIterable[bytes], declared: int | None, verifier: Verifier[Any]
) -> bytes | Outcome[Any]:
    """``read_body`` for a body that arrives in chunks: read until the chunk that passes
    ``max_body_bytes``, then refused."""
    if declared is not None:
        refused = verifier.refuse_body_size(declared)
        if refused is not None:
            return refused
    limit = verifier.max_body_bytes
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    refused = verifier.refuse_body_size(size)
    return b"".join(parts) if refused is None else refused


class Receiver:
    """A verifier, and what to do with a verified delivery: run ``handler`` (a function
    or a ``Router``) exactly once per event, claiming it in ``store`` (the verifier's
    own ``MemoryStore`` by default), or append it to ``inbox`` and answer as soon as it
    is durable (``queued``), its handler run later by ``inbox.worker``.

    With an inbox, a handler is refused unless ``after_queued``: then it is called with
    the event once the delivery is queued (the Flask and Django decorators run the
    decorated view there). What the handler returns for a processed or queued delivery,
    if not None, is the response."""

    def __init__(
        self,
        verifier: Verifier[Any],
        handler: Callable[..., Any] | None = None,
        *,
        store: Store | None = None,
        inbox: Inbox | None = None,
        lease_seconds: float = 30.0,
        retention_seconds: float | None = None,
        after_queued: bool = False,
    ) -> None:
        if not isinstance(verifier, Verifier):
            raise TypeError(f"verifier must be a hookshield.Verifier, not {type(verifier).__name__}")
        if inbox is not None:
            if store is not None:
                raise TypeError("give store= (process in the request) or inbox= (queue for a worker), not both")
            if handler is not None and not after_queued:
                raise TypeError(
                    "with inbox=, no handler runs in the request: give it to inbox.worker(handler, ...)"
                )
        elif handler is None:
            raise TypeError("a handler (a function or a hookshield.Router) is needed, or inbox=")
        if handler is not None and not callable(handler):
            raise TypeError(f"handler must be callable, not {type(handler).__name__}")
        self.verifier = verifier
        self.handler = handler
        self.inbox = inbox
        self.store: Store | None = None if inbox is not None else (store if store is not None else default_store(verifier))
        self.lease_seconds = lease_seconds
        self.retention_seconds = retention_seconds

    @property
    def provider(self) -> str:
        return self.verifier.provider

    def receive(self, body: Body, headers: HeadersLike, *args: Any, **kwargs: Any) -> Result:
        """Processes or queues a delivery read in full; ``handler(event, *args, **kwargs)``.
        Logs the outcome (see ``_http.log_outcome``)."""
        returned: list[Any] = []
        if self.inbox is not None:
            outcome = self.inbox.accept(self.verifier, body, headers)
            if outcome.kind == "queued" and self.handler is not None:
                returned.append(self.handler(outcome.event, *args, **kwargs))
        else:
            assert self.store is not None and self.handler is not None
            outcome = self.verifier.process(
                body,
                headers,
                self.store,
                keeping(self.handler, returned, args, kwargs),
                lease_seconds=self.lease_seconds,
                retention_seconds=self.retention_seconds,
            )
        log_outcome(self.provider, outcome)
        return outcome, own_response(outcome, returned)

    async def receive_async(self, body: Body, headers: HeadersLike, *args: Any, **kwargs: Any) -> Result:
        """``receive`` on an event loop: the handler may be async; the inbox's append (a
        disk or network write) and a remote store's calls run in a worker thread."""
        returned: list[Any] = []
        if self.inbox is not None:
            outcome = await asyncio.to_thread(self.inbox.accept, self.verifier, body, headers)
            if outcome.kind == "queued" and self.handler is not None:
                returned.append(await maybe_await(self.handler(outcome.event, *args, **kwargs)))
        else:
            assert self.store is not None and self.handler is not None
            outcome = await self.verifier.process_async(
                body,
                headers,
                self.store,
                keeping_async(self.handler, returned, args, kwargs),
                lease_seconds=self.lease_seconds,
                retention_seconds=self.retention_seconds,
            )
        log_outcome(self.provider, outcome)
        return outcome, own_response(outcome, returned)

    def refused(self, outcome: Outcome[Any]) -> Result:
        """A delivery refused before it was read in full (its size): logged."""
        log_outcome(self.provider, outcome)
        return outcome, None

    def take(self, body: bytes | Outcome[Any], headers: HeadersLike, *args: Any, **kwargs: Any) -> Result:
        """What a helper does with what ``read_body`` gave it: ``refused`` for the
        outcome of a body too large, else ``receive``."""
        if isinstance(body, Outcome):
            return self.refused(body)
        return self.receive(body, headers, *args, **kwargs)

    async def take_async(self, body: bytes | Outcome[Any], headers: HeadersLike, *args: Any, **kwargs: Any) -> Result:
        """``take`` on an event loop (``receive_async``)."""
        if isinstance(body, Outcome):
            return self.refused(body)
        return await self.receive_async(body, headers, *args, **kwargs)


class App:
    """What the WSGI and ASGI ``WebhookApp`` share: the ``Receiver`` they are built
    around; each adds its server's way of reading the request and answering."""

    def __init__(
        self,
        verifier: Verifier[Any],
        handler: Callable[[Any], Any] | None = None,
        *,
        store: Store | None = None,
        inbox: Inbox | None = None,
        lease_seconds: float = 30.0,
        retention_seconds: float | None = None,
    ) -> None:
        self.receiver = Receiver(
            verifier,
            handler,
            store=store,
            inbox=inbox,
            lease_seconds=lease_seconds,
            retention_seconds=retention_seconds,
        )


def decorator(
    verifier: Verifier[Any],
    store: Store | None,
    inbox: Inbox | None,
    lease_seconds: float,
    retention_seconds: float | None,
    make_view: Callable[[Receiver, Callable[..., Any]], _View],
    calling: Callable[[Callable[..., Any]], Callable[..., Any]] = lambda handler: handler,
) -> Callable[[Callable[..., Any]], _View]:
    """What the Flask and Django ``webhook`` decorators share: for each decorated
    ``handler``, a receiver running ``calling(handler)`` (once the delivery is queued,
    with ``inbox=``), and the framework's view, ``make_view(receiver, handler)``."""

    def decorate(handler: Callable[..., Any]) -> _View:
        receiver = Receiver(
            verifier,
            calling(handler),
            store=store,
            inbox=inbox,
            lease_seconds=lease_seconds,
            retention_seconds=retention_seconds,
            after_queued=True,
        )
        return make_view(receiver, handler)

    return decorate


def keeping(
    handler: Callable[..., Any], returned: list[Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Callable[[Any], Any]:
    """``handler`` itself when it is a ``Router`` called with the event alone (``process``
    runs a router's handlers itself), else a function calling ``handler(event, *args,
    **kwargs)`` and keeping what it returns."""
    if isinstance(handler, Router) and not args and not kwargs:
        return handler

    def run(event: Any) -> Any:
        result = handler(event, *args, **kwargs)
        returned.append(result)
        return result

    return run


def keeping_async(
    handler: Callable[..., Any], returned: list[Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Callable[[Any], Any]:
    """``keeping`` for ``process_async``: the handler may be a coroutine function."""
    if isinstance(handler, Router) and not args and not kwargs:
        return handler

    async def run(event: Any) -> None:
        returned.append(await maybe_await(handler(event, *args, **kwargs)))

    return run


async def maybe_await(result: Any) -> Any:
    """``result``, awaited when it is awaitable."""
    return await result if inspect.isawaitable(result) else result


def own_response(outcome: Outcome[Any], returned: list[Any]) -> Any:
    """What the handler returned, for a processed or queued delivery (else None)."""
    if outcome.kind in ("processed", "queued") and returned and returned[0] is not None:
        return returned[0]
    return None
