"""What the inbox tests share: signed Sensei deliveries with chosen keys, the two
backends' URLs (a real SQLite file, a real redis-server), and waiting for a condition."""

from __future__ import annotations

import json
import pathlib
import time
import uuid
from typing import Any, Callable

import hookshield

SECRET = "whsec_inbox_python_tests"


def verifier() -> hookshield.Verifier[Any]:
    return hookshield.Verifier("sensei", SECRET)


def delivery(key: str, event_type: str = "approval.required") -> tuple[bytes, dict[str, str]]:
    """A signed Sensei delivery whose idempotency key is `key`."""
    envelope = json.loads(hookshield.sample("sensei", event_type))
    envelope["id"] = key
    body = json.dumps(envelope).encode()
    return body, hookshield.sign("sensei", SECRET, body)


def sqlite_url(directory: pathlib.Path) -> str:
    return f"sqlite:{directory / f'inbox-{uuid.uuid4().hex}.db'}"


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Polls `condition` until it is truthy (a deadline only against hanging forever)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
