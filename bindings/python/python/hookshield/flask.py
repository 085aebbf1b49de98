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

The view reads the raw body with ``request.get_data()``, verifies it, claims the event's
idempotency key in ``store`` and calls the handler with the typed event. It answers
with the status the provider should get: 200 when processed or a duplicate, 401 for a
bad signature or a stale timestamp, 400/413 for a bad payload, 409 (503 for DocIntell)
while another worker holds the event, 500 when the handler raised, 503 when the store
is unavailable. ``store`` is a ``MemoryStore``, or a ``RedisStore`` shared by receivers
on several processes or machines. Without ``store``
the handler runs on every verified delivery. A handler may return its own response for
a processed delivery; returning ``None`` answers ``{"status": "processed"}``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from ._errors import VerificationError
from ._hookshield import Verifier
from ._http import error_body, outcome_body

if TYPE_CHECKING:
    from ._hookshield import Store
    from flask.typing import ResponseReturnValue

__all__ = ["webhook", "view"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _make_view(
    verifier: Verifier[Any],
    handler: Callable[..., Any],
    store: Store | None,
    lease_seconds: float,
    retention_seconds: float | None,
) -> Callable[..., ResponseReturnValue]:
    @functools.wraps(handler)
    def view(**view_args: Any) -> ResponseReturnValue:
        from flask import current_app, jsonify, request

        body = request.get_data()
        headers = request.headers
        if store is None:
            try:
                event = verifier.verify(body, headers)
            except VerificationError as err:
                return jsonify(error_body(err)), err.status
            result = handler(event, **view_args)
            return result if result is not None else (jsonify({"status": "processed"}), 200)

        returned: list[Any] = []

        def run(event: Any) -> None:
            returned.append(handler(event, **view_args))

        outcome = verifier.process(
            body,
            headers,
            store,
            run,
            lease_seconds=lease_seconds,
            retention_seconds=retention_seconds,
        )
        if outcome.exception is not None:
            exc = outcome.exception
            current_app.logger.error(
                "webhook handler failed; the provider will retry",
                exc_info=(type(exc), exc, exc.__traceback__),
            )
        if outcome.kind == "processed" and returned and returned[0] is not None:
            return returned[0]  # type: ignore[no-any-return]
        return jsonify(outcome_body(outcome)), outcome.status

    return view


def webhook(
    verifier: Verifier[Any],
    store: Store | None = None,
    *,
    lease_seconds: float = 30.0,
    retention_seconds: float | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., ResponseReturnValue]]:
    """A decorator turning ``handler(event, **view_args)`` into a Flask view."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., ResponseReturnValue]:
        return _make_view(verifier, handler, store, lease_seconds, retention_seconds)

    return decorate


def view(
    verifier: Verifier[Any],
    handler: Callable[..., Any],
    store: Store | None = None,
    *,
    lease_seconds: float = 30.0,
    retention_seconds: float | None = None,
) -> Callable[..., ResponseReturnValue]:
    """A Flask view for ``handler`` (a function or a ``hookshield.Router``), for
    ``app.add_url_rule(path, view_func=..., methods=["POST"])``."""
    return _make_view(verifier, handler, store, lease_seconds, retention_seconds)
