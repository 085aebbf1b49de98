"""The outcome vectors (tests/vectors/process/outcomes.json, see tests/vectors/README.md):
each case's verifier, store, earlier history and handler, and the check of an answer.
The inbox's vectors (process/inbox.json) reuse the verifier, body, headers and check."""

from __future__ import annotations

import json
from typing import Any, Callable, Union

import hookshield
from conftest import free_port, same, vectors_dir

Store = Union[hookshield.MemoryStore, hookshield.RedisStore]

# What a failing handler raises: never in an answer.
HANDLER_ERROR = "the database is down"


def cases(name: str = "outcomes.json") -> list[dict[str, Any]]:
    """The cases of `tests/vectors/process/<name>`."""
    path = vectors_dir() / "process" / name
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return cases


def body(case: dict[str, Any]) -> bytes:
    if "body_hex" in case:
        return bytes.fromhex(case["body_hex"])
    return str(case["body"]).encode("utf-8")


def headers(case: dict[str, Any]) -> list[tuple[str, str]]:
    return [(name, value) for name, value in case["headers"]]


def verifier(case: dict[str, Any]) -> hookshield.Verifier[Any]:
    options = case.get("options", {})
    sizes = {name: options[name] for name in ("tolerance", "max_body_bytes") if name in options}
    secrets = [bytes.fromhex(s["hex"]) if isinstance(s, dict) else s for s in case["secrets"]]
    now = case["now"]
    return hookshield.Verifier(
        case["provider"], secrets, clock=lambda: now, **sizes, **options.get("overrides", {})
    )


def store(case: dict[str, Any]) -> Store:
    """A fresh store holding the case's history (`process.before`); for `unavailable`,
    a Redis store at a 127.0.0.1 port nothing listens on, so every call fails."""
    step = case["process"]
    if step["store"] == "unavailable":
        return hookshield.RedisStore(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)
    memory = hookshield.MemoryStore()
    check = verifier(case)
    if step["before"] == "processed":
        first = check.process(body(case), headers(case), memory, lambda event: None)
        assert first.kind == "processed", first
    elif step["before"] == "claimed":
        event = check.verify(body(case), headers(case))
        assert memory.begin(event.idempotency_key, lease_seconds=30) == "fresh"
    return memory


def handler(case: dict[str, Any]) -> Callable[[Any], None]:
    fails = case["process"]["handler"] == "fail"

    def handle(event: Any) -> None:
        if fails:
            raise RuntimeError(HANDLER_ERROR)

    return handle


def check(case: dict[str, Any], status: int, text: str) -> None:
    """The answer (status and JSON body text) is the case's: the same members, in the
    same order. Where the case leaves `error.message` out (the JSON parser's own words),
    the answer has a non-empty one."""
    expect = case["expect"]
    answer = json.loads(text)
    want = expect["answer"]
    if "error" in want and "message" not in want["error"]:
        message = answer.get("error", {}).pop("message", None)
        assert isinstance(message, str) and message, text
    assert same(answer, want), f"{case['name']}: expected {want}, got {text}"
    assert answer["outcome"] == expect["outcome"]
    assert status == expect["status"], f"{case['name']}: expected {expect['status']}, got {status}"
    assert HANDLER_ERROR not in text
