"""Flask helpers. Flask is imported only when a view runs.

::

    import hookshield
    from hookshield.flask import webhook

    verifier = hookshield.Verifier("sentinel", os.environ["SENTINEL_WEBHOOK_SECRET"])
    store = hookshield.MemoryStore()

    @app.post("/webhooks/sentinel")
    @webhook(verifier, store=store)
    def sentinel(event):
        ...   # runs once per event; raising makes the provider retry

The view reads the raw body from ``request.stream``, never more than the verifier's
``max_body_bytes`` (a larger declared ``Content-Length`` is answered 413 before any of
the body is read; a chunked body is read up to one byte past the limit, then answered
413), verifies it, claims the event's idempotency key in ``store`` and calls the
handler with the typed event. It answers what every hookshield helper answers, the
outcome's ``answer``: the status the provider should get (200 when processed or a
duplicate, 401 for a bad signature or a stale timestamp, 400/413 for a bad payload, 409
(503 for DocIntell) while another worker holds the event, 500 when the handler raised,
503 when the store is unavailable) and the JSON body ``{"outcome": ...,
"idempotency_key": ..., "error": {"code": ..., "message": ...}}`` (``application/json``;
the key once the delivery verified, the error when it failed). ``store`` is a
``MemoryStore`` or a ``RedisStore`` shared by receivers on several processes or
machines; without one, the view uses a ``MemoryStore`` of the verifier's own, so a
captured delivery replayed within its retention is answered ``duplicate`` and never
handled twice. A handler may return its own response for a processed delivery;
returning ``None`` answers ``{"outcome": "processed", "idempotency_key": ...}``.

With ``inbox=`` (a ``hookshield.Inbox``) instead of a store, the view appends each
verified delivery to the inbox and answers ``queued`` (200) as soon as it is durable;
``inbox.worker(handler, ...)`` runs the handler later. ``view(verifier, inbox=inbox)``
takes no handler; the function ``webhook(verifier, inbox=inbox)`` decorates runs once
the delivery is queued (for a log line, or a response of its own).

The view is this package's WSGI receiver (``hookshield.wsgi``) reading Flask's
``request.stream``.

The logger ``hookshield`` gets each rejection (its code and the provider, never a
secret) and a failing handler's exception with its traceback.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable

from ._hookshield import Outcome, Verifier
from ._http import CONTENT_TYPE
from ._receive import Receiver, decorator, read_body

if TYPE_CHECKING:
    from ._hookshield import Answer, Inbox, Store
    from flask.typing import ResponseReturnValue

__all__ = ["webhook", "view"]


def _read_body(verifier: Verifier[Any]) -> bytes | Outcome[Any]:
    """The request's body, read from ``request.stream`` no further than one byte past
    ``max_body_bytes``, or the ``body_too_large`` outcome of a larger one (before
    reading, when its declared length says so). The body is kept as ``get_data()``
    keeps it, so the handler may read it again."""
    from flask import request

    cached = getattr(request, "_cached_data", None)  # werkzeug's get_data() cache
    if isinstance(cached, bytes):
        refused = verifier.refuse_body_size(len(cached))
        return cached if refused is None else refused
    body = read_body(request.stream.read, request.content_length, verifier)
    if isinstance(body, bytes):
        request._cached_data = body  # where get_data() keeps it
    return body


def _respond(answer: Answer) -> ResponseReturnValue:
    from flask import Response

    return Response(answer.body, status=answer.status, mimetype=CONTENT_TYPE)


def _make_view(receiver: Receiver, name_from: Callable[..., Any] | None) -> Callable[..., ResponseReturnValue]:
    def view(**view_args: Any) -> ResponseReturnValue:
        from flask import request

        outcome, returned = receiver.take(_read_body(receiver.verifier), request.headers, **view_args)
        return returned if returned is not None else _respond(outcome.answer)

    if name_from is not None and hasattr(name_from, "__name__"):
        view = functools.wraps(name_from)(view)
    else:  # no function (a Router, or an inbox): Flask names the endpoint after this
        view.__name__ = view.__qualname__ = f"{receiver.provider}_webhook"
    return view


def webhook(
    verifier: Verifier[Any],
    store: Store | None = None,
    *,
    inbox: Inbox | None = None,
    lease_seconds: float = 30.0,
    retention_seconds: float | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., ResponseReturnValue]]:
    """A decorator turning ``handler(event, **view_args)`` into a Flask view. With
    ``inbox=``, the delivery is queued and ``handler`` runs once it is durable (for a log
    line or a response of its own; the work belongs to ``inbox.worker``)."""
    return decorator(verifier, store, inbox, lease_seconds, retention_seconds, _make_view)


def view(
    verifier: Verifier[Any],
    handler: Callable[..., Any] | None = None,
    store: Store | None = None,
    *,
    inbox: Inbox | None = None,
    lease_seconds: float = 30.0,
    retention_seconds: float | None = None,
) -> Callable[..., ResponseReturnValue]:
    """A Flask view for ``handler`` (a function or a ``hookshield.Router``), or, with
    ``inbox=`` and no handler, one that queues each delivery, for
    ``app.add_url_rule(path, view_func=..., methods=["POST"])``."""
    receiver = Receiver(
        verifier,
        handler,
        store=store,
        inbox=inbox,
        lease_seconds=lease_seconds,
        retention_seconds=retention_seconds,
    )
    return _make_view(receiver, handler)
