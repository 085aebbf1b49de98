"""hookshield.RedisStore against a real redis-server (see conftest.RedisServer): exactly
once across threads and store instances, crashed workers, and Redis going away."""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections import Counter
from typing import Any

import pytest
from conftest import RedisServer

import hookshield

SECRET = "whsec_redis_python_tests"
VERIFIER = hookshield.Verifier("sensei", SECRET)


def delivery(n: int, event_type: str = "approval.required") -> tuple[bytes, dict[str, str]]:
    """A signed Sensei delivery whose idempotency key is `evt_py_<n>`."""
    envelope = json.loads(hookshield.sample("sensei", event_type))
    envelope["id"] = f"evt_py_{n}"
    body = json.dumps(envelope).encode()
    return body, hookshield.sign("sensei", SECRET, body)


def store(server: RedisServer, prefix: str, **kwargs: Any) -> hookshield.RedisStore:
    return hookshield.RedisStore(server.url, prefix=prefix, **kwargs)


def test_begin_complete_release(redis_server: RedisServer, prefix: str) -> None:
    s = store(redis_server, prefix)
    assert (s.prefix, s.timeout) == (prefix, 2.0)
    state = s.begin("evt_1")
    assert state is hookshield.ClaimState.FRESH and state == "fresh"
    assert s.begin("evt_1") == hookshield.ClaimState.IN_PROGRESS
    s.release("evt_1")
    assert s.begin("evt_1", lease_seconds=5) == "fresh"
    s.complete("evt_1", retention_seconds=60)
    assert s.begin("evt_1") == "done"
    # Keys of other prefixes are other keys.
    assert store(redis_server, prefix + "other:").begin("evt_1") == "fresh"
    # Completing or releasing a key this handle does not hold does nothing.
    s.complete("evt_never_begun")
    s.release("evt_never_begun")
    assert s.begin("evt_never_begun") == "fresh"


def test_arguments_are_checked(redis_server: RedisServer, prefix: str) -> None:
    s = store(redis_server, prefix)
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(hookshield.ConfigurationError, match="the lease must be a positive number of seconds"):
            s.begin("k", lease_seconds=bad)
        with pytest.raises(ValueError, match="timeout"):
            hookshield.RedisStore(redis_server.url, timeout=bad)
    with pytest.raises(TypeError):
        hookshield.RedisStore(redis_server.url, "positional-prefix")  # type: ignore[misc]
    with pytest.raises(hookshield.ConfigurationError) as info:
        hookshield.RedisStore("http://user:hunter2@127.0.0.1/")
    assert info.value.code == "invalid_config"
    assert "hunter2" not in str(info.value) and "hunter2" not in repr(info.value)
    with pytest.raises(TypeError, match="RedisStore"):
        VERIFIER.process(*delivery(0), object(), lambda event: None)  # type: ignore[arg-type]


def test_the_url_is_never_shown() -> None:
    for url in (
        "redis://:hunter2@127.0.0.1:1/0",
        "redis://admin:hunter2@127.0.0.1:1/3?protocol=resp2",
        "redis://127.0.0.1:1/0?password=hunter2",
        "unix:///tmp/hookshield-missing.sock?pass=hunter2",
    ):
        s = hookshield.RedisStore(url, timeout=0.3)
        assert "hunter2" not in repr(s) and "admin" not in repr(s), repr(s)
        assert repr(s).startswith("RedisStore(")
        with pytest.raises(hookshield.StoreUnavailableError) as info:
            s.begin("k")
        assert "hunter2" not in str(info.value) and "hunter2" not in repr(info.value)
        outcome = VERIFIER.process(*delivery(1), s, lambda event: None)
        assert outcome.kind == "store_unavailable"
        assert "hunter2" not in (outcome.message or "") and "hunter2" not in repr(outcome.error)
    assert repr(hookshield.RedisStore("redis://:hunter2@127.0.0.1:1/0")) == (
        "RedisStore('redis://127.0.0.1:1/0', prefix='hookshield:', timeout=2.0)"
    )


def test_two_store_instances_share_state(redis_server: RedisServer, prefix: str) -> None:
    machine_a, machine_b = store(redis_server, prefix), store(redis_server, prefix)
    assert machine_a.begin("evt_shared") == "fresh"
    assert machine_b.begin("evt_shared") == "in_progress"
    machine_b.complete("evt_shared")  # not B's claim: nothing happens
    assert machine_b.begin("evt_shared") == "in_progress"
    machine_a.complete("evt_shared")
    assert machine_b.begin("evt_shared") == "done"

    calls: list[str] = []
    body, headers = delivery(2)
    first = VERIFIER.process(body, headers, machine_a, lambda event: calls.append("a"))
    again = VERIFIER.process(body, headers, machine_b, lambda event: calls.append("b"))
    assert (first.kind, first.status) == ("processed", 200)
    assert (again.kind, again.status, again.acknowledged) == ("duplicate", 200, True)
    assert calls == ["a"]


def test_concurrent_redeliveries_are_processed_exactly_once(redis_server: RedisServer, prefix: str) -> None:
    """8 threads on two store instances (two machines) each deliver every event until it
    is acknowledged, as a provider retries; a third of the handler runs fail."""
    events = [delivery(n) for n in range(40)]
    machines = [store(redis_server, prefix), store(redis_server, prefix)]
    lock = threading.Lock()
    processed: Counter[str] = Counter()
    attempts: Counter[str] = Counter()
    running: set[str] = set()
    overlaps: list[str] = []
    kinds: Counter[str] = Counter()

    def handler(event: Any) -> None:
        key = event.idempotency_key
        with lock:
            if key in running:
                overlaps.append(key)
            running.add(key)
            attempts[key] += 1
        try:
            time.sleep(random.uniform(0, 0.002))
            if random.random() < 1 / 3:
                raise RuntimeError("database unavailable")
            with lock:
                processed[key] += 1
        finally:
            with lock:
                running.discard(key)

    def provider(worker: int) -> None:
        rng = random.Random(worker)
        machine = machines[worker % 2]
        pending = list(range(len(events)))
        rounds = 0
        while pending:
            rounds += 1
            assert rounds < 2000, "deliveries never acknowledged"
            rng.shuffle(pending)
            retry = []
            for n in pending:
                outcome = VERIFIER.process(*events[n], machine, handler)
                with lock:
                    kinds[outcome.kind] += 1
                if outcome.acknowledged:
                    assert outcome.status == 200
                else:
                    assert outcome.kind in ("handler_failed", "in_progress"), outcome
                    assert outcome.status >= 400
                    retry.append(n)
            pending = retry
            if pending:
                time.sleep(0.001)

    threads = [threading.Thread(target=provider, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    keys = {f"evt_py_{n}" for n in range(len(events))}
    assert set(processed) == keys
    assert all(count == 1 for count in processed.values()), processed
    assert overlaps == []
    assert kinds["processed"] == len(events)
    assert kinds["handler_failed"] == sum(attempts.values()) - len(events) > 0
    assert kinds["duplicate"] > 0


def test_a_crashed_worker_s_claim_expires(redis_server: RedisServer, prefix: str) -> None:
    body, headers = delivery(3)
    key = VERIFIER.verify(body, headers).idempotency_key
    crashed, healthy, third = (store(redis_server, prefix) for _ in range(3))
    # A worker claims the event with a short lease and dies before finishing.
    assert crashed.begin(key, lease_seconds=0.3) == "fresh"
    calls: list[str] = []
    held = VERIFIER.process(body, headers, healthy, lambda event: calls.append(event.id))
    assert (held.kind, held.acknowledged) == ("in_progress", False)
    assert held.status >= 400 and calls == []
    time.sleep(0.5)
    # The provider's redelivery, after the lease has expired, is processed.
    assert healthy.begin(key) == "fresh"
    # The crashed worker wakes up late: its stale release and complete touch nothing.
    crashed.release(key)
    assert third.begin(key) == "in_progress"
    crashed.complete(key)
    assert third.begin(key) == "in_progress"
    healthy.release(key)
    redelivered = VERIFIER.process(body, headers, healthy, lambda event: calls.append(event.id))
    assert (redelivered.kind, redelivered.status) == ("processed", 200)
    assert calls == ["evt_py_3"]
    assert third.begin(key) == "done"


def test_redis_stopped_mid_run(own_redis_server: RedisServer, prefix: str) -> None:
    s = store(own_redis_server, prefix, timeout=0.5)
    calls: list[str] = []
    handler = lambda event: calls.append(event.id)  # noqa: E731
    for n in range(3):
        assert VERIFIER.process(*delivery(n), s, handler).kind == "processed"

    own_redis_server.stop()
    started = time.monotonic()
    outcome = VERIFIER.process(*delivery(10), s, handler)
    assert time.monotonic() - started < 5
    assert (outcome.kind, outcome.status, outcome.acknowledged) == ("store_unavailable", 503, False)
    assert isinstance(outcome.error, hookshield.StoreUnavailableError)
    assert isinstance(outcome.error, hookshield.StoreError)
    assert (outcome.error.code, outcome.error.status) == ("store_unavailable", 503)
    assert outcome.event is not None and outcome.event.id == "evt_py_10"
    assert calls == ["evt_py_0", "evt_py_1", "evt_py_2"]  # the handler did not run
    with pytest.raises(hookshield.StoreUnavailableError) as info:
        s.begin("evt_direct")
    assert info.value.code == "store_unavailable"

    # Redis comes back (empty: persistence is off); the provider's retry is processed.
    own_redis_server.start()
    for _ in range(50):
        retried = VERIFIER.process(*delivery(10), s, handler)
        if retried.acknowledged:
            break
        assert retried.kind == "store_unavailable"  # a pooled connection to the old server
    assert retried.kind == "processed"
    assert calls[-1] == "evt_py_10"


def test_redis_stopped_while_the_handler_runs(own_redis_server: RedisServer, prefix: str) -> None:
    s = store(own_redis_server, prefix, timeout=0.5)
    outcome = VERIFIER.process(*delivery(20), s, lambda event: own_redis_server.stop())
    # The handler ran but the result could not be recorded: not acknowledged, retried.
    assert (outcome.kind, outcome.status, outcome.acknowledged) == ("store_unavailable", 503, False)


def test_process_async_with_redis(redis_server: RedisServer, prefix: str) -> None:
    s = store(redis_server, prefix)
    body, headers = delivery(30, "error.escalated")
    calls: list[str] = []

    async def handler(event: Any) -> None:
        await asyncio.sleep(0.01)
        calls.append(event.type)

    async def main() -> list[Any]:
        return list(await asyncio.gather(*(VERIFIER.process_async(body, headers, s, handler) for _ in range(6))))

    outcomes = asyncio.run(main())
    assert calls == ["error.escalated"]
    assert sorted(o.kind for o in outcomes).count("processed") == 1
    assert {o.kind for o in outcomes} <= {"processed", "duplicate", "in_progress"}


def test_flask_receivers_on_two_machines(redis_server: RedisServer, prefix: str) -> None:
    flask = pytest.importorskip("flask")
    from hookshield.flask import webhook

    calls: list[str] = []

    def machine(name: str, s: hookshield.RedisStore) -> Any:
        app = flask.Flask(name)

        @app.post("/webhooks/sensei")
        @webhook(VERIFIER, store=s)
        def receive(event: Any) -> None:
            calls.append(name)

        return app.test_client()

    a = machine("a", store(redis_server, prefix))
    b = machine("b", store(redis_server, prefix))
    body, headers = delivery(40)
    first = a.post("/webhooks/sensei", data=body, headers=headers)
    again = b.post("/webhooks/sensei", data=body, headers=headers)
    assert (first.status_code, first.get_json()["outcome"]) == (200, "processed")
    assert (again.status_code, again.get_json()["outcome"]) == (200, "duplicate")
    assert calls == ["a"]

    down = machine("down", hookshield.RedisStore("redis://:hunter2@127.0.0.1:1/", timeout=0.3))
    response = down.post("/webhooks/sensei", data=body, headers=headers)
    assert response.status_code == 503
    # The core's answer: the store's own error (and so its URL) is logged, never sent.
    assert response.get_json() == {
        "outcome": "store_unavailable",
        "idempotency_key": "evt_py_40",
        "error": {
            "code": "store_unavailable",
            "message": "the idempotency store is unavailable; the delivery will be retried",
        },
    }
    assert calls == ["a"]


def test_store_errors_pickle_and_read_well() -> None:
    import pickle

    err = hookshield.StoreUnavailableError("idempotency store unavailable: timed out")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is hookshield.StoreUnavailableError
    assert (again.code, again.status, again.message) == ("store_unavailable", 503, err.message)
    assert isinstance(again, hookshield.StoreError) and isinstance(again, RuntimeError)
    assert not isinstance(again, hookshield.VerificationError)
    assert repr(again) == "StoreUnavailableError(code='store_unavailable', message='idempotency store unavailable: timed out')"


def test_a_silent_redis_times_out_off_the_event_loop() -> None:
    """A server that accepts connections and never answers: the call gives up after the
    store's timeout (never hangs), and process_async keeps the event loop running."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        s = hookshield.RedisStore(f"redis://127.0.0.1:{silent.getsockname()[1]}/0", timeout=0.3)
        body, headers = delivery(50)

        started = time.monotonic()
        with pytest.raises(hookshield.StoreUnavailableError, match="timed out"):
            s.begin("evt_silent")
        assert time.monotonic() - started < 5

        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        async def main() -> Any:
            task = asyncio.ensure_future(ticker())
            try:
                return await VERIFIER.process_async(body, headers, s, lambda event: None)
            finally:
                task.cancel()

        outcome = asyncio.run(main())
        assert (outcome.kind, outcome.status, outcome.acknowledged) == ("store_unavailable", 503, False)
        assert ticks >= 5  # the loop ran while the claim waited for Redis


def test_process_async_checks_its_arguments_when_called() -> None:
    s = hookshield.RedisStore("redis://127.0.0.1:1/0", timeout=0.3)
    body, headers = delivery(60)
    with pytest.raises(hookshield.ConfigurationError, match="the lease must be a positive number of seconds"):
        VERIFIER.process_async(body, headers, s, lambda event: None, lease_seconds=0)
    with pytest.raises(hookshield.ConfigurationError, match="the retention must be a positive number of seconds"):
        VERIFIER.process_async(body, headers, s, lambda event: None, retention_seconds=-1)
    with pytest.raises(TypeError, match="handler"):
        VERIFIER.process_async(body, headers, s, "not callable")  # type: ignore[arg-type]
