"""The Python API: errors, argument handling, signing, samples, stores, routing."""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import pickle
import random
import re
import subprocess
import sys
from typing import Any

import pytest

import hookshield

SECRET = "whsec_api_test_secret"
NOW = 1_778_839_500


def sentinel(**kwargs: Any) -> hookshield.Verifier[Any]:
    return hookshield.Verifier("sentinel", SECRET, clock=lambda: NOW, **kwargs)


def signed(provider: str = "sentinel", event_type: str = "document.completed", **kw: Any) -> tuple[bytes, dict[str, str]]:
    body = hookshield.sample(provider, event_type, timestamp=NOW)
    return body, hookshield.sign(provider, SECRET, body, timestamp=NOW, **kw)


def test_import_does_not_import_frameworks() -> None:
    code = (
        "import sys, hookshield, hookshield.flask, hookshield.fastapi;"
        "bad = [m for m in ('flask', 'fastapi', 'starlette') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_event_attributes() -> None:
    event = sentinel().verify(*signed())
    assert event.provider == "sentinel"
    assert event.type == "document.completed"
    assert event.family == "document"
    assert event.id is None
    assert event.timestamp == datetime.datetime(2026, 5, 15, 10, 5, tzinfo=datetime.timezone.utc)
    assert event.timestamp.tzinfo is not None
    assert event.documented is True
    assert event.data["document_id"] == "doc_abc123"
    assert event.raw["event"] == "document.completed"
    assert event.data is event.data  # built once
    assert event.idempotency_key.startswith("document.completed:doc_abc123:2026-05-15T10%3A05%3A00Z:")
    assert (event.untyped_reason, event.untyped_detail) == (None, None)
    assert event.matches("document.*") and event.matches("*") and not event.matches("doc.*")
    assert "doc_abc123" in repr(event)


def test_str_body_and_header_shapes() -> None:
    body, headers = signed()
    verifier = sentinel()
    for shape in (
        headers,
        list(headers.items()),
        [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        [[k.upper(), v] for k, v in headers.items()],
    ):
        assert verifier.verify(body.decode(), shape).type == "document.completed"
    assert verifier.verify(bytearray(body), headers).type == "document.completed"
    assert verifier.verify(memoryview(body), headers).type == "document.completed"


def test_error_classes_and_codes() -> None:
    verifier = sentinel()
    body, headers = signed()
    with pytest.raises(hookshield.SignatureError) as bad:
        verifier.verify(body + b" ", headers)
    assert isinstance(bad.value, hookshield.VerificationError)
    assert isinstance(bad.value, ValueError)
    assert (bad.value.code, bad.value.status) == ("signature_mismatch", 401)
    assert bad.value.details == {"header": "X-Sentinel-Signature", "signatures": 1, "secrets": 1}
    assert pickle.loads(pickle.dumps(bad.value)).code == "signature_mismatch"

    old = hookshield.sign("sentinel", SECRET, body, timestamp=NOW - 301)
    with pytest.raises(hookshield.TimestampError) as stale:
        verifier.verify(body, old)
    assert stale.value.code == "timestamp_too_old"
    assert stale.value.details["age_seconds"] == 301

    future = hookshield.sign("sentinel", SECRET, body, timestamp=NOW + 301)
    with pytest.raises(hookshield.TimestampError, match="future"):
        verifier.verify(body, future)

    with pytest.raises(hookshield.PayloadError) as big:
        sentinel(max_body_bytes=10).verify(body, headers)
    assert (big.value.code, big.value.status) == ("body_too_large", 413)

    not_json = b"not json"
    with pytest.raises(hookshield.PayloadError) as invalid:
        verifier.verify(not_json, hookshield.sign("sentinel", SECRET, not_json, timestamp=NOW))
    assert invalid.value.code == "invalid_json"


def test_configuration_errors() -> None:
    with pytest.raises(hookshield.ConfigurationError) as none:
        hookshield.Verifier("sentinel", [])
    assert none.value.code == "no_secret"
    with pytest.raises(hookshield.ConfigurationError) as empty:
        hookshield.Verifier("sentinel", "")
    assert empty.value.code == "no_secret"
    with pytest.raises(hookshield.ConfigurationError) as unknown:
        hookshield.Verifier("acme", SECRET)
    assert unknown.value.code == "invalid_config"
    with pytest.raises(hookshield.ConfigurationError):
        hookshield.Verifier("custom", SECRET, colour="red")
    with pytest.raises(hookshield.ConfigurationError):
        hookshield.Verifier("standard", "whsec_not base64!")
    with pytest.raises(hookshield.ConfigurationError):
        hookshield.Verifier("sentinel", SECRET, tolerance=-1)
    with pytest.raises(TypeError):
        hookshield.Verifier("sentinel", 42)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        hookshield.Verifier("sentinel", SECRET, clock=5)  # type: ignore[call-overload]


def test_failing_clock_is_a_configuration_error() -> None:
    def clock() -> int:
        raise OSError("no time")

    verifier = hookshield.Verifier("sentinel", SECRET, clock=clock)
    with pytest.raises(hookshield.ConfigurationError) as err:
        verifier.verify(*signed())
    assert isinstance(err.value.__cause__, OSError)


def test_secrets_never_shown() -> None:
    verifier = hookshield.Verifier("sentinel", [SECRET, b"raw-bytes-secret"])
    assert SECRET not in repr(verifier) and "raw-bytes" not in repr(verifier)
    body, headers = signed()
    expected = headers["X-Sentinel-Signature"]
    try:
        verifier.verify(body, {**headers, "X-Sentinel-Signature": "sha256=" + "0" * 64})
    except hookshield.VerificationError as err:
        text = str(err) + repr(err) + repr(err.details)
        assert SECRET not in text and expected not in text and expected[7:] not in text


def test_rotation_and_bytes_secret() -> None:
    body = hookshield.sample("sentinel", "report.generated")
    verifier = hookshield.Verifier("sentinel", ["whsec_new", b"old-raw-key"], clock=lambda: NOW)
    assert verifier.verify(body, hookshield.sign("sentinel", b"old-raw-key", body, timestamp=NOW)).type == "report.generated"
    assert verifier.verify(body, hookshield.sign("sentinel", "whsec_new", body, timestamp=NOW)).type == "report.generated"


def test_overrides_and_none_removes_a_header() -> None:
    body = b'{"event": "ping", "data": {}}'
    verifier = hookshield.Verifier("custom", SECRET, signature_header="X-Acme-Sig", timestamp_header=None)
    headers = hookshield.sign("custom", SECRET, body, signature_header="X-Acme-Sig", timestamp_header=None)
    assert "X-Acme-Sig" in headers
    assert verifier.verify(body, headers).type == "ping"
    # The Sentinel preset without its timestamp header: no window, no timestamp needed.
    no_ts = hookshield.Verifier("sentinel", SECRET, timestamp_header=None)
    plain = hookshield.sign("sentinel", SECRET, body, timestamp_header=None)
    assert "X-Sentinel-Timestamp" not in plain
    assert no_ts.verify(body, plain).type == "ping"
    with pytest.raises(TypeError):
        hookshield.Verifier("custom", SECRET, signature_header=5)


def test_the_scheme_language_as_keywords() -> None:
    scheme = {
        "signature_header": "Acme-Signature",
        "prefix": "v1=",
        "separator": ";",
        "timestamp_key": "ts",
        "timestamp_unit": "milliseconds",
        "signed_content": "acme:{timestamp}:{body}",
        "type_field": "event.kind",
        "id_field": "event.uid",
        "data_field": "event",
    }
    body = b'{"event": {"kind": "order.paid", "uid": "u-1"}}'
    headers = hookshield.sign("custom", SECRET, body, timestamp=NOW, **scheme)
    assert re.fullmatch(rf"ts={NOW}000;v1=[0-9a-f]{{64}}", headers["Acme-Signature"])
    event = hookshield.Verifier("custom", SECRET, clock=lambda: NOW, **scheme).verify(body, headers)
    assert (event.type, event.id, event.idempotency_key) == ("order.paid", "u-1", "u-1")
    assert event.data == {"kind": "order.paid", "uid": "u-1"}
    # Slack's documented example (a slash command's form), and one byte changed.
    slash = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    documented = {
        "X-Slack-Request-Timestamp": "1531420618",
        "X-Slack-Signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    }
    slack = hookshield.Verifier("slack", "8f742231b10e8888abcd99yyyzzz85a5", clock=lambda: 1531420618)
    command = slack.verify(slash, documented)
    assert (command.type, command.data["user_name"]) == ("/webhook-collect", "roadrunner")
    with pytest.raises(hookshield.SignatureError):
        slack.verify(slash.replace(b"foobar", b"foobaz"), documented)


def test_wrong_types_raise_type_error() -> None:
    verifier = sentinel()
    body, headers = signed()
    for bad_body in (None, 5, ["x"], {"a": 1}):
        with pytest.raises(TypeError):
            verifier.verify(bad_body, headers)  # type: ignore[arg-type]
    for bad_headers in (
        None,
        5,
        "X-Sentinel-Signature: x",
        [("a",)],
        [("X-Sentinel-Signature", 5)],
        {"x-sentinel-timestamp": None},
        {5: "x"},
        [1, 2],
    ):
        with pytest.raises(TypeError):
            verifier.verify(body, bad_headers)  # type: ignore[arg-type]


def test_other_headers_are_ignored() -> None:
    body, headers = signed()
    noisy = {"Host": "example.com", "X-Weird": None, "X-Bytes": b"\xff", **headers}
    assert sentinel().verify(body, noisy).type == "document.completed"  # type: ignore[arg-type]


def test_nothing_but_verification_errors_escape_verify() -> None:
    rng = random.Random(1234)
    verifier = sentinel()
    body, headers = signed()
    bodies = [b"", b"\xff\xfe\x00", b"{", b"[]", b"null", b'{"event": 5}', "\ud800".encode("utf-8", "surrogatepass"), os.urandom(64)]
    bodies += [bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 200))) for _ in range(200)]
    header_sets: list[Any] = [
        headers,
        {},
        {"X-Sentinel-Signature": "sha256=zz", "X-Sentinel-Timestamp": str(NOW)},
        {"X-Sentinel-Signature": "\ud800", "X-Sentinel-Timestamp": "\udcff"},
        [(b"X-Sentinel-Signature", b"\xff\xfe"), (b"X-Sentinel-Timestamp", b"\xff")],
        {"X-Sentinel-Signature": headers["X-Sentinel-Signature"], "X-Sentinel-Timestamp": "9" * 40},
    ]
    for candidate in bodies:
        for hs in header_sets:
            try:
                verifier.verify(candidate, hs)
            except hookshield.VerificationError:
                pass
        # Signed garbage reaches the parser: still only VerificationError.
        try:
            verifier.verify(candidate, hookshield.sign("sentinel", SECRET, candidate, timestamp=NOW))
        except hookshield.VerificationError as err:
            assert err.code in ("invalid_json", "invalid_envelope")
    # A str body with lone surrogates simply fails the signature.
    with pytest.raises(hookshield.SignatureError):
        verifier.verify("\ud800{}", headers)


def test_sign_and_samples() -> None:
    assert len(hookshield.sample_types("sensei")) == 22
    assert set(hookshield.PROVIDERS) >= {"sentinel", "docintell", "sentrasa", "kyc", "sensei", "github", "standard"}
    assert len(hookshield.ERROR_CODES) == 13
    with pytest.raises(ValueError):
        hookshield.sample("sensei", "migration.teleported")
    body = b"Hello, World!"
    headers = hookshield.sign("github", "It's a Secret to Everybody", body, id="d1", event="ping")
    # GitHub's own documented example.
    assert headers["X-Hub-Signature-256"] == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    when = datetime.datetime(2026, 5, 15, 10, 5, tzinfo=datetime.timezone.utc)
    assert hookshield.sign("sentinel", SECRET, b"{}", timestamp=when)["X-Sentinel-Timestamp"] == str(NOW)


def test_memory_store_two_phases() -> None:
    store = hookshield.MemoryStore(capacity=10)
    assert store.begin("evt_1") == "fresh"
    assert store.begin("evt_1") is hookshield.ClaimState.IN_PROGRESS
    store.release("evt_1")
    assert store.begin("evt_1") == hookshield.ClaimState.FRESH
    store.complete("evt_1", retention_seconds=60)
    assert store.begin("evt_1") == "done"
    assert str(hookshield.ClaimState.DONE) == "done"
    with pytest.raises(ValueError):
        hookshield.MemoryStore(capacity=0)
    with pytest.raises(ValueError):
        store.begin("k", lease_seconds=-1)


def test_process_outcomes() -> None:
    verifier = hookshield.Verifier("sensei", SECRET)
    store = hookshield.MemoryStore()
    body = hookshield.sample("sensei", "approval.required")
    headers = hookshield.sign("sensei", SECRET, body)
    seen: list[str] = []

    def handler(event: Any) -> None:
        seen.append(event.type)

    first = verifier.process(body, headers, store, handler)
    assert (first.kind, first.status, first.acknowledged) == ("processed", 200, True)
    assert first.event is not None and first.event.family == "approval"
    again = verifier.process(body, headers, store, handler)
    assert (again.kind, again.status) == ("duplicate", 200)
    assert seen == ["approval.required"]

    forged = verifier.process(body, hookshield.sign("sensei", "nope", body), store, handler)
    assert (forged.kind, forged.status, forged.event) == ("rejected", 401, None)
    assert isinstance(forged.error, hookshield.SignatureError)

    other = hookshield.sample("sensei", "error.occurred")
    boom = RuntimeError("db down")

    def failing(event: Any) -> None:
        raise boom

    failed = verifier.process(other, hookshield.sign("sensei", SECRET, other), store, failing)
    assert (failed.kind, failed.status) == ("handler_failed", 500)
    assert failed.exception is boom
    assert failed.message == "RuntimeError: db down"
    retried = verifier.process(other, hookshield.sign("sensei", SECRET, other), store, handler)
    assert retried.kind == "processed"


def test_in_progress_while_another_worker_holds_it() -> None:
    verifier = hookshield.Verifier("docintell", SECRET)
    store = hookshield.MemoryStore()
    body = hookshield.sample("docintell", "document.uploaded")
    headers = hookshield.sign("docintell", SECRET, body)
    claim = verifier.claim(body, headers, store)
    assert isinstance(claim, hookshield.Claim)
    busy = verifier.process(body, headers, store, lambda e: None)
    # DocIntell stops retrying on any 4xx, so "in progress" must be a 5xx for it.
    assert (busy.kind, busy.status) == ("in_progress", 503)
    assert claim.finish().kind == "processed"
    with pytest.raises(RuntimeError):
        claim.finish()


def test_keyboard_interrupt_releases_and_propagates() -> None:
    verifier = hookshield.Verifier("sensei", SECRET)
    store = hookshield.MemoryStore()
    body = hookshield.sample("sensei", "migration.started")
    headers = hookshield.sign("sensei", SECRET, body)

    def interrupted(event: Any) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        verifier.process(body, headers, store, interrupted)
    assert verifier.process(body, headers, store, lambda e: None).kind == "processed"


def test_async_handler_needs_process_async() -> None:
    verifier = hookshield.Verifier("sensei", SECRET)
    store = hookshield.MemoryStore()
    body = hookshield.sample("sensei", "migration.paused")
    headers = hookshield.sign("sensei", SECRET, body)
    seen: list[str] = []

    async def handler(event: Any) -> None:
        await asyncio.sleep(0)
        seen.append(event.type)

    wrong = verifier.process(body, headers, store, handler)
    assert wrong.kind == "handler_failed" and isinstance(wrong.exception, TypeError)
    outcome = asyncio.run(verifier.process_async(body, headers, store, handler))
    assert (outcome.kind, seen) == ("processed", ["migration.paused"])
    dup = asyncio.run(verifier.process_async(body, headers, store, handler))
    assert dup.kind == "duplicate"


def test_router() -> None:
    router = hookshield.Router()
    calls: list[str] = []

    @router.on("migration.*")
    def migration(event: Any) -> None:
        calls.append("migration")

    router.on("migration.phase.completed", lambda e: calls.append("exact"))
    router.on("*", lambda e: calls.append("all"))
    assert len(router) == 3
    assert router.handlers_for("migration.phase.completed")[0] is migration
    assert len(router.handlers_for("approval.granted")) == 1
    assert [p for p, _ in router.routes] == ["migration.*", "migration.phase.completed", "*"]

    verifier = hookshield.Verifier("sensei", SECRET)
    store = hookshield.MemoryStore()
    body = hookshield.sample("sensei", "migration.phase.completed")
    outcome = verifier.process(body, hookshield.sign("sensei", SECRET, body), store, router)
    assert outcome.kind == "processed"
    assert calls == ["migration", "exact", "all"]
    with pytest.raises(TypeError):
        router.on("*", 5)  # type: ignore[call-overload]


def test_router_with_async_handlers_keeps_order() -> None:
    router = hookshield.Router()
    calls: list[str] = []

    @router.on("approval.*")
    async def first(event: Any) -> None:
        await asyncio.sleep(0)
        calls.append("first")

    @router.on("*")
    def second(event: Any) -> None:
        calls.append("second")

    verifier = hookshield.Verifier("sensei", SECRET)
    body = hookshield.sample("sensei", "approval.granted")
    outcome = asyncio.run(
        verifier.process_async(body, hookshield.sign("sensei", SECRET, body), hookshield.MemoryStore(), router)
    )
    assert outcome.kind == "processed"
    assert calls == ["first", "second"]


def test_unknown_type_is_not_an_error() -> None:
    body = json.dumps({"id": "evt_9", "type": "migration.teleported", "created_at": "2026-05-15T10:05:00Z", "data": {"x": 1}}).encode()
    event = hookshield.Verifier("sensei", SECRET, clock=lambda: NOW).verify(body, hookshield.sign("sensei", SECRET, body))
    assert (event.documented, event.type, event.data, event.id) == (False, "migration.teleported", {"x": 1}, "evt_9")
    assert (event.untyped_reason, event.untyped_detail) == ("undocumented_type", "hookshield has no data type for `migration.teleported`")


def test_concurrent_redeliveries_run_the_handler_once() -> None:
    import threading

    verifier = hookshield.Verifier("sensei", SECRET)
    store = hookshield.MemoryStore()
    body = hookshield.sample("sensei", "validation.completed")
    headers = hookshield.sign("sensei", SECRET, body)
    calls: list[int] = []
    gate = threading.Barrier(8)
    kinds: list[str] = []

    def handler(event: Any) -> None:
        calls.append(1)

    def deliver() -> None:
        gate.wait()
        kinds.append(verifier.process(body, headers, store, handler).kind)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert kinds.count("processed") == 1
    assert set(kinds) <= {"processed", "duplicate", "in_progress"}


def test_large_body_verified_with_the_interpreter_released() -> None:
    # Bodies of 16 KiB and more are verified without holding the GIL; same answers.
    doc = json.loads(hookshield.sample("sentinel", "chat.session.closed"))
    doc["data"]["summary"] = "s" * 200_000
    body = json.dumps(doc).encode()
    event = sentinel().verify(body, hookshield.sign("sentinel", SECRET, body, timestamp=NOW))
    assert event.data["summary"] == "s" * 200_000
    with pytest.raises(hookshield.SignatureError):
        sentinel().verify(body + b" ", hookshield.sign("sentinel", SECRET, body, timestamp=NOW))


@pytest.mark.parametrize("provider", [p for p in hookshield.PROVIDERS if hookshield.sample_types(p)])
def test_data_and_raw_are_what_json_loads_gives(provider: str) -> None:
    secret = "whsec_ZGF0YS10ZXN0LWRhdGEtdGVzdC1kYXRh"  # whsec_ + base64, as Standard Webhooks wants
    verifier = hookshield.Verifier(provider, secret)
    for event_type in hookshield.sample_types(provider):
        body = hookshield.sample(provider, event_type)
        event = verifier.verify(body, hookshield.sign(provider, secret, body, event=event_type))
        whole = json.loads(body)
        assert event.raw == whole
        # GitHub, Slack and Shopify have no data member: their data is the whole body.
        expected = whole if provider in ("github", "slack", "shopify") else whole.get("data")
        assert event.data == expected and type(event.data) is type(expected)


def test_data_keeps_json_details() -> None:
    secret = "whsec_data_test"
    verifier = hookshield.Verifier("sensei", secret)
    envelope = json.loads(hookshield.sample("sensei", "approval.required"))
    envelope["data"] = {
        "text": "caf\u00e9 \u2603 \U0001f600 \"quoted\" \\ \n",
        "big": 2**64 - 1,
        "negative": -(2**63),
        "huge": 10**30,
        "float": 1.5e-7,
        "nested": [[], {}, [1, [2, {"x": None}]], True, False, None],
        "order": {"z": 1, "a": 2, "m": 3},
    }
    for text in (json.dumps(envelope), json.dumps(envelope, ensure_ascii=False)):
        body = text.encode()
        event = verifier.verify(body, hookshield.sign("sensei", secret, body))
        expected = json.loads(body)
        assert event.data == expected["data"]
        assert list(event.data["order"]) == ["z", "a", "m"]
        assert type(event.data["huge"]) is int and type(event.data["big"]) is int
        assert event.raw == expected
    # A repeated member keeps its first place and its last value, as json.loads does.
    body = (
        b'{"id":"evt_dup","type":"approval.required","created_at":"%s",'
        b'"data":{"approval_id":"a1","migration_id":"m","extra":{"k":1,"j":0,"k":2}}}'
    ) % envelope["created_at"].encode()
    event = verifier.verify(body, hookshield.sign("sensei", secret, body))
    assert event.data == json.loads(body)["data"]
    assert event.data["extra"] == {"k": 2, "j": 0} and list(event.data["extra"]) == ["k", "j"]
    # A repeated `data` member: the last one, as json.loads and the core take it.
    body = (
        b'{"id":"evt_dup","type":"approval.required","created_at":"%s",'
        b'"data":{"approval_id":"a1"},"data":{"approval_id":"a2"}}'
    ) % envelope["created_at"].encode()
    event = verifier.verify(body, hookshield.sign("sensei", secret, body))
    assert event.data == json.loads(body)["data"] == {"approval_id": "a2"}
    assert event.raw == json.loads(body)
