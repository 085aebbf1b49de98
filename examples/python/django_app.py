"""A Django receiver in one file: two providers, a sync and an async view, and a third
endpoint that queues deliveries in a durable inbox for a worker.

Run it (Django's development server; any WSGI or ASGI server works the same)::

    SENTINEL_WEBHOOK_SECRET=... SENSEI_WEBHOOK_SECRET=... \\
        python examples/python/django_app.py runserver 127.0.0.1:8000
    python examples/python/django_app.py worker      # works off the inbox (Ctrl-C stops it)

Deliveries carry no CSRF token: the hookshield views are CSRF-exempt by construction,
with Django's CsrfViewMiddleware on as in any project.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from typing import Any

import django  # type: ignore[import-untyped,unused-ignore]
from django.conf import settings  # type: ignore[import-untyped,unused-ignore]
from django.http import HttpRequest, HttpResponse  # type: ignore[import-untyped,unused-ignore]
from django.urls import path  # type: ignore[import-untyped,unused-ignore]

import hookshield
import hookshield.django

SENTINEL_SECRET = os.environ.get("SENTINEL_WEBHOOK_SECRET", "whsec_sentinel_demo_secret")
SENSEI_SECRET = os.environ.get("SENSEI_WEBHOOK_SECRET", "whsec_sensei_demo")
INBOX_URL = os.environ.get("INBOX_URL", f"sqlite:{os.path.join(tempfile.gettempdir(), 'hookshield-django-example.db')}")

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="example-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
    )
    django.setup()

log = logging.getLogger("example")

sentinel = hookshield.Verifier("sentinel", SENTINEL_SECRET)
sensei = hookshield.Verifier("sensei", SENSEI_SECRET)
inbox = hookshield.Inbox(INBOX_URL)


@hookshield.django.webhook(sentinel)
def sentinel_webhook(request: HttpRequest, event: Any) -> None:
    """Runs once per event (the verifier's own MemoryStore); raising makes Sentinel retry."""
    if not event.documented:
        log.warning("untyped %s (%s)", event.type, event.untyped_reason)
    log.info("sentinel %s", event.type)


@hookshield.django.webhook(sensei)
async def sensei_webhook(request: HttpRequest, event: Any) -> HttpResponse | None:
    """An async view (under ASGI); None answers what every helper answers."""
    log.info("sensei %s", event.type)
    return None


def handle_queued(event: Any, job: hookshield.Job) -> None:
    """Runs in the worker, at least once per delivery: job.idempotency_key makes outside
    effects idempotent."""
    log.info("worked off %s (attempt %d)", event.type, job.attempt)


urlpatterns = [
    path("webhooks/sentinel", sentinel_webhook),
    path("webhooks/sensei", sensei_webhook),
    path("webhooks/queued", hookshield.django.view(sensei, inbox=inbox)),
]


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.INFO)
    if argv[1:2] == ["worker"]:
        inbox.worker(handle_queued, verifiers=[sentinel, sensei], concurrency=4).run()
        return
    from django.core.management import execute_from_command_line  # type: ignore[import-untyped,unused-ignore]

    execute_from_command_line(argv)


if __name__ == "__main__":
    main(sys.argv)
