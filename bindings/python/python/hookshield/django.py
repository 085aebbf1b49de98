"""Django helpers: views that are CSRF-exempt by construction (a provider's delivery
carries no CSRF token, and Django's ``CsrfViewMiddleware`` would answer it 403). Django
is imported only when a view runs.

::

    import hookshield
    from hookshield.django import webhook

    verifier = hookshield.Verifier("sentinel", os.environ["SENTINEL_WEBHOOK_SECRET"])

    @webhook(verifier, store=hookshield.RedisStore(REDIS_URL))
    def sentinel(request, event):
        ...   # runs once per event; raising makes the provider retry

    @webhook(verifier)
    async def sentinel_async(request, event):   # an async view, under ASGI
        ...

    urlpatterns = [
        path("webhooks/sentinel", sentinel),
        # queue for a worker (inbox.worker(handler, verifier=verifier).run()) and answer at once:
        path("webhooks/queued", hookshield.django.view(verifier, inbox=hookshield.Inbox(URL))),
    ]

The view reads the body from the request as a stream, never more than one byte past the
verifier's ``max_body_bytes`` (a larger ``Content-Length`` is answered 413 before any of
it is read; Django's own ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not apply to it), and keeps
it where ``request.body`` finds it. (Under ASGI, Django has received the whole body into
a spooled temporary file before any view runs; the limit then bounds what is read into
memory.) It answers what every hookshield helper answers, the
outcome's ``answer`` (``application/json``), or, for a processed (or queued) delivery,
what the view returned if not None. Another method than POST is answered 405. Without
``store=`` or ``inbox=``, events are claimed in the verifier's own ``MemoryStore``.
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any, Callable

from ._hookshield import Outcome, Verifier
from ._http import CONTENT_TYPE
from ._receive import Receiver, Result, declared_length, decorator, read_body

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse  # type: ignore[import-untyped,unused-ignore]

    from ._hookshield import Answer, Inbox, Store

__all__ = ["webhook", "view"]


def _read_body(request: HttpRequest, verifier: Verifier[Any]) -> bytes | Outcome[Any]:
    """The request's body within ``max_body_bytes``, or the ``body_too_large`` outcome;
    kept where ``request.body`` finds it."""
    cached = getattr(request, "_body", None)  # request.body was read already
    if isinstance(cached, bytes):
        refused = verifier.refuse_body_size(len(cached))
        return cached if refused is None else refused
    body = read_body(request.read, declared_length(request.META.get("CONTENT_LENGTH")), verifier)
    if isinstance(body, bytes):
        request._body = body  # where request.body keeps it
    return body


def _respond(answer: Answer) -> HttpResponse:
    from django.http import HttpResponse  # type: ignore[import-untyped,unused-ignore]

    return HttpResponse(answer.body, status=answer.status, content_type=CONTENT_TYPE)


def _not_post() -> HttpResponse:
    from django.http import HttpResponseNotAllowed  # type: ignore[import-untyped,unused-ignore]

    return HttpResponseNotAllowed(["POST"])


def _finish(result: Result) -> HttpResponse:
    outcome, returned = result
    return returned if returned is not None else _respond(outcome.answer)


def _make_view(receiver: Receiver, asynchronous: bool, wraps: Callable[..., Any] | None) -> Callable[..., Any]:
    """The view: ``wraps`` is the decorated view function (then the handler gets the
    request and the URL's arguments too), None for ``view()``."""

    def arguments(request: HttpRequest, args: tuple[Any, ...]) -> tuple[Any, ...]:
        return (request, *args) if wraps is not None else ()

    def headers(request: HttpRequest) -> list[tuple[str, str]]:
        return list(request.headers.items())

    if asynchronous:

        async def async_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return _not_post()
            # The ASGI handler has the body in a (spooled) file already: reading is local.
            body = _read_body(request, receiver.verifier)
            extra = arguments(request, args)
            return _finish(await receiver.take_async(body, headers(request), *extra, **(kwargs if extra else {})))

        made: Callable[..., Any] = async_view
    else:

        def sync_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return _not_post()
            body = _read_body(request, receiver.verifier)
            extra = arguments(request, args)
            return _finish(receiver.take(body, headers(request), *extra, **(kwargs if extra else {})))

        made = sync_view
    if wraps is not None:
        made = functools.wraps(wraps)(made)
    # What django.views.decorators.csrf.csrf_exempt sets (it wraps async views only
    # from Django 5.0 on): CsrfViewMiddleware lets the view's requests through.
    made.csrf_exempt = True  # type: ignore[attr-defined]
    return made


def webhook(
    verifier: Verifier[Any],
    store: Store | None = None,
    *,
    inbox: Inbox | None = None,
    lease_seconds: float = 30.0,
    retention_seconds: float | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A decorator turning ``handler(request, event, *args, **kwargs)`` (sync or async)
    into a CSRF-exempt Django view of the same kind. With ``inbox=``, the delivery is
    queued and ``handler`` runs once it is durable (for a log line or a response of its
    own; the work belongs to ``inbox.worker``)."""

    def calling(handler: Callable[..., Any]) -> Callable[..., Any]:
        def call(event: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return handler(request, event, *args, **kwargs)

        return call

    def make_view(receiver: Receiver, handler: Callable[..., Any]) -> Callable[..., Any]:
        return _make_view(receiver, asyncio.iscoroutinefunction(handler), handler)

    return decorator(verifier, store, inbox, lease_seconds, retention_seconds, make_view, calling)


def view(
    verifier: Verifier[Any],
    handler: Callable[[Any], Any] | None = None,
    *,
    store: Store | None = None,
    inbox: Inbox | None = None,
    lease_seconds: float = 30.0,
    retention_seconds: float | None = None,
    asynchronous: bool | None = None,
) -> Callable[..., Any]:
    """A CSRF-exempt Django view for ``handler(event)`` (a function or a
    ``hookshield.Router``), or, with ``inbox=`` and no handler, one that queues each
    delivery. The view is async when ``asynchronous`` is true (by default: when
    ``handler`` is a coroutine function), for Django under ASGI."""
    receiver = Receiver(
        verifier,
        handler,
        store=store,
        inbox=inbox,
        lease_seconds=lease_seconds,
        retention_seconds=retention_seconds,
    )
    if asynchronous is None:
        asynchronous = asyncio.iscoroutinefunction(handler)
    return _make_view(receiver, asynchronous, None)
