"""A FastAPI receiver for DocIntell and KYC-Webhooks webhooks.

    pip install ./bindings/python fastapi uvicorn
    DOCINTELL_WEBHOOK_SECRET=whsec_demo KYC_WEBHOOK_SECRET=kyc_demo \
        uvicorn --app-dir examples/python fastapi_app:app --port 8001

Then send it a signed sample (another shell):

    python examples/python/fastapi_app.py send http://127.0.0.1:8001/webhooks/docintell docintell document.processing.completed
"""

from __future__ import annotations

import logging
import os
import sys
import urllib.error
import urllib.request
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response

import hookshield
from hookshield.fastapi import Webhook, process, processed

DOCINTELL_SECRET = os.environ.get("DOCINTELL_WEBHOOK_SECRET", "whsec_demo")
KYC_SECRET = os.environ.get("KYC_WEBHOOK_SECRET", "kyc_demo")

log = logging.getLogger("receiver")
app = FastAPI()
store = hookshield.MemoryStore()

docintell = Webhook(hookshield.Verifier("docintell", DOCINTELL_SECRET), store=store)


@app.post("/webhooks/docintell")
async def docintell_webhook(event: Annotated[hookshield.Event, Depends(docintell)]) -> Response:
    # Runs once per event. Raising answers 500 and releases the claim, so DocIntell's
    # retry (it stops on any 4xx) is processed. A rejection, a duplicate or a failure is
    # answered by the dependency; processed(event) is what every helper answers here.
    log.info("docintell %s for document %s", event.type, event.data.get("document_id"))
    if event.untyped_reason is not None:  # e.g. a field that drifted from the document
        log.warning("untyped %s (%s): %s", event.type, event.untyped_reason, event.untyped_detail)
    return processed(event)


kyc = hookshield.Verifier("kyc", KYC_SECRET)
kyc_router = hookshield.Router()


@kyc_router.on("kyc.session.*")
async def on_session(event: hookshield.Event) -> None:
    log.info("session %s is %s", event.data.get("session_id"), event.data.get("status"))


@kyc_router.on("kyc.watchlist.*")
def on_watchlist(event: hookshield.Event) -> None:
    log.warning("watchlist %s: %s", event.data.get("subject_id"), event.type)


@app.post("/webhooks/kyc")
async def kyc_webhook(request: Request) -> Response:
    return await process(request, kyc, store, kyc_router)


def send(url: str, provider: str, event_type: str) -> int:
    """Posts a signed sample delivery, as the provider would, and prints the answer."""
    secret = DOCINTELL_SECRET if provider == "docintell" else KYC_SECRET
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
    print(__doc__)
