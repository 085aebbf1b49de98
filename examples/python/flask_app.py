"""A Flask receiver for Sentinel and Sensei webhooks.

    pip install ./bindings/python flask
    SENTINEL_WEBHOOK_SECRET=whsec_demo SENSEI_WEBHOOK_SECRET=whsec_demo \
        flask --app examples/python/flask_app.py run --port 8000

Then send it a signed sample (another shell):

    python examples/python/flask_app.py send http://127.0.0.1:8000/webhooks/sentinel sentinel document.completed

With REDIS_URL set (e.g. redis://127.0.0.1:6379/0), every process started this way
shares one idempotency store: run it on several ports or machines, and a delivery is
processed once whichever of them receives it.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from typing import Any

import flask

import hookshield
from hookshield.flask import view, webhook

SENTINEL_SECRET = os.environ.get("SENTINEL_WEBHOOK_SECRET", "whsec_demo")
SENSEI_SECRET = os.environ.get("SENSEI_WEBHOOK_SECRET", "whsec_demo")

app = flask.Flask(__name__)
# One process: a MemoryStore. Several processes or machines: one Redis for all.
store: hookshield.MemoryStore | hookshield.RedisStore = (
    hookshield.RedisStore(os.environ["REDIS_URL"]) if os.environ.get("REDIS_URL") else hookshield.MemoryStore()
)

sentinel = hookshield.Verifier("sentinel", SENTINEL_SECRET)


@app.post("/webhooks/sentinel")
@webhook(sentinel, store=store)
def sentinel_webhook(event: hookshield.Event) -> None:
    app.logger.info("sentinel %s %s", event.type, event.idempotency_key)
    if event.untyped_reason is not None:  # e.g. a field that drifted from the document
        app.logger.warning("untyped %s (%s): %s", event.type, event.untyped_reason, event.untyped_detail)
    if event.type == "document.failed" and event.data.get("retryable"):
        app.logger.warning("document %s failed: %s", event.data["document_id"], event.data.get("error_message"))


router = hookshield.Router()


@router.on("migration.*")
def on_migration(event: hookshield.Event) -> None:
    app.logger.info("migration %s: %s", event.data.get("migration_id"), event.type)


@router.on("approval.required")
def on_approval(event: hookshield.Event) -> None:
    app.logger.warning("approval %s needed", event.data.get("approval_id"))


app.add_url_rule(
    "/webhooks/sensei",
    endpoint="sensei",
    view_func=view(hookshield.Verifier("sensei", SENSEI_SECRET), router, store),
    methods=["POST"],
)


def send(url: str, provider: str, event_type: str) -> int:
    """Posts a signed sample delivery, as the provider would, and prints the answer."""
    secret = SENTINEL_SECRET if provider == "sentinel" else SENSEI_SECRET
    body = hookshield.sample(provider, event_type)
    request = urllib.request.Request(url, data=body, headers=hookshield.sign(provider, secret, body), method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            answer: Any = (response.status, response.read().decode())
    except urllib.error.HTTPError as err:
        answer = (err.code, err.read().decode())
    print(*answer)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "send":
        sys.exit(send(sys.argv[2], sys.argv[3], sys.argv[4]))
    app.run(port=int(os.environ.get("PORT", "8000")))
