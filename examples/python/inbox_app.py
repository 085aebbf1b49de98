"""A receiver that answers as soon as each delivery is durable, and the worker that
processes them: Flask for Sentinel, FastAPI for KYC, one inbox for both.

    pip install ./bindings/python flask fastapi uvicorn
    export INBOX_URL=sqlite:/var/tmp/hookshield-inbox.db   # or redis://127.0.0.1:6379/0
    flask --app examples/python/inbox_app.py run --port 8000          # the Flask receiver
    uvicorn --app-dir examples/python inbox_app:api --port 8001      # the FastAPI receiver
    python examples/python/inbox_app.py worker                         # works them off

The receivers verify, append and answer ``queued``; nothing else runs in the request.
The worker checks each delivery's signature again, runs ``handle`` (at least once per
delivery: ``job.idempotency_key`` makes outside effects idempotent), retries failures
with backoff and keeps the ones that keep failing as dead letters
(``python examples/python/inbox_app.py dead`` lists them, ``replay`` retries them).
Ctrl-C or SIGTERM stops the worker after the handlers in progress.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from typing import Any

import fastapi
import flask

import hookshield
import hookshield.fastapi
import hookshield.flask

INBOX_URL = os.environ.get("INBOX_URL", f"sqlite:{os.path.join(tempfile.gettempdir(), 'hookshield-inbox-example.db')}")
SENTINEL_SECRET = os.environ.get("SENTINEL_WEBHOOK_SECRET", "whsec_demo")
KYC_SECRET = os.environ.get("KYC_WEBHOOK_SECRET", "whsec_demo")

log = logging.getLogger("example")
inbox = hookshield.Inbox(INBOX_URL)
sentinel = hookshield.Verifier("sentinel", SENTINEL_SECRET)
kyc = hookshield.Verifier("kyc", KYC_SECRET)

app = flask.Flask(__name__)
app.add_url_rule("/webhooks/sentinel", view_func=hookshield.flask.view(sentinel, inbox=inbox), methods=["POST"])


async def receive_kyc(request: fastapi.Request) -> fastapi.Response:
    return await hookshield.fastapi.process(request, kyc, inbox=inbox)


api = fastapi.FastAPI()
api.add_api_route("/webhooks/kyc", receive_kyc, methods=["POST"])


def handle(event: Any, job: hookshield.Job) -> None:
    """The work, in the worker: raise to have the delivery retried."""
    log.info("%s %s (attempt %d, key %s)", event.provider, event.type, job.attempt, job.idempotency_key)
    if event.type == "kyc.watchlist.match_found":
        log.warning("watchlist match for %s", event.data.get("session_id"))


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.INFO)
    command = argv[1] if len(argv) > 1 else "worker"
    if command == "worker":
        inbox.worker(handle, verifiers=[sentinel, kyc], concurrency=4, max_attempts=8).run()
    elif command == "dead":
        for letter in inbox.dead_letters():
            print(letter["idempotency_key"], letter["attempts"], letter["last_error"])
    elif command == "replay":
        print(inbox.replay_all_dead(), "replayed")
    elif command == "stats":
        print(inbox.stats())
    else:
        raise SystemExit(f"usage: {argv[0]} worker|stats|dead|replay")


if __name__ == "__main__":
    main(sys.argv)
