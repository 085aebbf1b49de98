"""Django's settings for the tests, configured once per process (whichever test module
imports Django first); each test serves its own URL patterns with override_settings."""

from __future__ import annotations

import threading
from typing import Any, Iterator


def configure() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="hookshield-tests",
            ALLOWED_HOSTS=["*"],
            ROOT_URLCONF="hookshield_tests_have_no_default_urls",  # override_settings per test
            MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
            DATA_UPLOAD_MAX_MEMORY_SIZE=1024,  # below the verifiers' limits: hookshield's applies
        )
        django.setup()


def wsgi_server() -> Iterator[int]:
    """Django's own threaded WSGI server (what runserver uses) on a free port."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
