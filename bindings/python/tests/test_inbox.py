"""hookshield.Inbox and its workers against both real backends: a SQLite file and a
redis-server started for the test (see conftest.RedisServer). One suite, run on each."""

from __future__ import annotations

import _thread
import asyncio
import logging
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from typing import Any, Iterator

import pytest
from conftest import RedisServer
from inbox_support import SECRET, delivery, sqlite_url, verifier, wait_until

import hookshield


@pytest.fixture(params=["sqlite", "redis"])
def url(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        server = RedisServer()
        try:
            yield server.url
        finally:
            server.stop()


def fill(inbox: hookshield.Inbox, keys: list[str]) -> None:
    v = verifier()
    for key in keys:
        assert inbox.accept(v, *delivery(key)).kind == "queued"


def test_accept_queues_durably_and_collapses_duplicates(url: str) -> None:
    inbox, v = hookshield.Inbox(url), verifier()
    body, headers = delivery("evt_1")
    queued = inbox.accept(v, body, headers)
    assert (queued.kind, queued.status, queued.acknowledged) == ("queued", 200, True)
    assert queued.answer.body == '{"outcome":"queued","idempotency_key":"evt_1"}'
    assert queued.event is not None and queued.event.idempotency_key == "evt_1"
    assert hookshield.Answer.queued(queued.event) == queued.answer
    again = hookshield.Inbox(url).accept(v, body, headers)  # another receiver, same inbox
    assert (again.kind, again.status) == ("duplicate", 200)
    forged = inbox.accept(v, body, hookshield.sign("sensei", "whsec_forger", body))
    assert (forged.kind, forged.status) == ("rejected", 401)
    assert isinstance(forged.error, hookshield.SignatureError)
    stats = inbox.stats()
    assert set(stats) == {"pending", "in_flight", "done", "dead", "oldest_pending_seconds"}
    assert (stats["pending"], stats["in_flight"], stats["done"], stats["dead"]) == (1, 0, 0, 0)
    assert stats["oldest_pending_seconds"] is not None and stats["oldest_pending_seconds"] >= 0


def test_a_worker_drains_the_inbox_in_threads(url: str) -> None:
    inbox = hookshield.Inbox(url)
    keys = [f"evt_{n}" for n in range(12)]
    fill(inbox, keys)
    seen: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def handle(event: Any, job: hookshield.Job) -> None:
        assert event.idempotency_key == job.idempotency_key and job.provider == "sensei"
        with lock:
            seen.append((event.type, job.attempt, job.idempotency_key))
            if len(seen) == len(keys):
                worker.stop()

    worker = inbox.worker(handle, verifier=verifier(), concurrency=4, poll_interval=0.05)
    assert isinstance(worker, hookshield.Worker) and worker.concurrency == 4
    worker.run()
    assert sorted(key for _, _, key in seen) == sorted(keys)
    assert {(t, a) for t, a, _ in seen} == {("approval.required", 1)}
    assert inbox.stats()["done"] == len(keys) and inbox.stats()["pending"] == 0
    # Done deliveries are remembered: a redelivery is a duplicate, never queued again.
    assert inbox.accept(verifier(), *delivery("evt_3")).kind == "duplicate"


def test_failures_are_logged_retried_then_dead_and_replayed(url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hookshield")
    inbox = hookshield.Inbox(url)
    fill(inbox, ["evt_ok", "evt_flaky", "evt_doomed"])
    attempts: Counter[str] = Counter()

    def handle(event: Any, job: hookshield.Job) -> None:
        attempts[job.idempotency_key] += 1
        assert job.attempt == attempts[job.idempotency_key]
        if job.idempotency_key == "evt_doomed" or (job.idempotency_key == "evt_flaky" and job.attempt == 1):
            raise RuntimeError(f"downstream refused {job.idempotency_key}")

    worker = inbox.worker(handle, verifier=verifier(), max_attempts=3, backoff=0.01, max_backoff=0.05, poll_interval=0.02)
    thread = threading.Thread(target=worker.run)
    thread.start()
    wait_until(lambda: inbox.stats()["done"] == 2 and inbox.stats()["dead"] == 1, "two done, one dead")
    worker.stop()
    thread.join()
    assert attempts == Counter({"evt_ok": 1, "evt_flaky": 2, "evt_doomed": 3})
    failures = [r for r in caplog.records if r.exc_info and r.name == "hookshield"]
    assert len(failures) == 4 and all(r.exc_info and r.exc_info[0] is RuntimeError for r in failures)
    assert "Traceback" in caplog.text and "downstream refused evt_doomed" in caplog.text
    assert "dead letter" in caplog.text

    [letter] = inbox.dead_letters()
    assert (letter["idempotency_key"], letter["provider"], letter["attempts"]) == ("evt_doomed", "sensei", 3)
    assert letter["last_error"] == "RuntimeError: downstream refused evt_doomed"
    assert letter["failed_at"] > 1_700_000_000
    assert inbox.replay(["evt_doomed", "evt_unknown"]) == 1
    assert inbox.stats()["dead"] == 0 and inbox.stats()["pending"] == 1

    def fixed(event: Any, job: hookshield.Job) -> None:
        assert job.attempt == 1  # a replay starts the count again
        worker.stop()

    worker = inbox.worker(fixed, verifier=verifier(), poll_interval=0.02)
    worker.run()
    assert inbox.stats()["done"] == 3 and inbox.dead_letters() == []


def test_replay_all_dead_and_deliveries_no_verifier_knows(url: str) -> None:
    inbox = hookshield.Inbox(url)
    fill(inbox, ["evt_a", "evt_b"])
    kyc = hookshield.Verifier("kyc", "whsec_other")
    # A worker for another provider never hands these deliveries to its handler: they
    # become dead letters with the reason.
    worker = inbox.worker(lambda event, job: pytest.fail("never called"), verifiers=[kyc], poll_interval=0.02)
    thread = threading.Thread(target=worker.run)
    thread.start()
    wait_until(lambda: inbox.stats()["dead"] == 2, "two dead letters")
    worker.stop()
    thread.join()
    assert all("no verifier for provider `sensei`" in d["last_error"] for d in inbox.dead_letters())
    assert inbox.replay_all_dead() == 2
    done: list[str] = []

    def handle(event: Any, job: hookshield.Job) -> None:
        done.append(job.idempotency_key)
        if len(done) == 2:
            worker.stop()

    worker = inbox.worker(handle, verifiers=[kyc, verifier()], poll_interval=0.02)
    worker.run()
    assert sorted(done) == ["evt_a", "evt_b"]


def test_the_asyncio_worker_awaits_async_handlers(url: str) -> None:
    inbox = hookshield.Inbox(url)
    keys = [f"evt_async_{n}" for n in range(6)]
    fill(inbox, keys)
    seen: list[str] = []
    in_flight: list[int] = [0, 0]  # now, most

    async def handle(event: Any, job: hookshield.Job) -> None:
        in_flight[0] += 1
        in_flight[1] = max(in_flight)
        await asyncio.sleep(0.01)
        in_flight[0] -= 1
        if job.idempotency_key == "evt_async_0" and job.attempt == 1:
            raise ValueError("first try fails")
        seen.append(job.idempotency_key)
        if len(seen) == len(keys):
            worker.stop()

    worker = inbox.worker(handle, verifier=verifier(), concurrency=3, backoff=0.01, poll_interval=0.02)
    asyncio.run(asyncio.wait_for(worker.run_async(), 60))
    assert sorted(seen) == sorted(keys)
    assert inbox.stats()["done"] == len(keys)


def test_a_router_is_a_handler_in_threads_and_on_an_event_loop(url: str) -> None:
    inbox = hookshield.Inbox(url)
    fill(inbox, ["evt_router_sync", "evt_router_async"])
    seen: list[str] = []
    router = hookshield.Router()

    @router.on("approval.*")
    def on_approval(event: Any) -> None:
        seen.append(event.idempotency_key)
        if len(seen) == 1:
            worker.stop()

    worker = inbox.worker(router, verifier=verifier(), poll_interval=0.02)
    worker.run()
    assert seen == ["evt_router_sync"] and inbox.stats()["done"] == 1

    async_router = hookshield.Router()

    @async_router.on("approval.required")
    async def on_required(event: Any) -> None:
        await asyncio.sleep(0)
        seen.append(event.idempotency_key)
        async_worker.stop()

    async_worker = inbox.worker(async_router, verifier=verifier(), poll_interval=0.02)
    asyncio.run(asyncio.wait_for(async_worker.run_async(), 60))
    assert seen == ["evt_router_sync", "evt_router_async"] and inbox.stats()["done"] == 2


def test_run_returns_after_keyboard_interrupt_finishing_the_handler(url: str) -> None:
    inbox = hookshield.Inbox(url)
    fill(inbox, ["evt_interrupted", "evt_later"])
    finished: list[str] = []

    def handle(event: Any, job: hookshield.Job) -> None:
        _thread.interrupt_main()  # Ctrl-C while this handler runs
        try:
            wait_until(lambda: worker.stopped, "the worker to be asked to stop")
        finally:
            worker.stop()  # had Ctrl-C not arrived, the assertions below fail rather than hang
        finished.append(job.idempotency_key)

    worker = inbox.worker(handle, verifier=verifier(), poll_interval=0.02)
    # Ctrl-C reaches Python code only under Python's own SIGINT handler: a process a shell
    # starts in the background without job control inherits SIGINT ignored, and then
    # `interrupt_main` does nothing. The test gives itself that handler while it runs.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        worker.run()  # returns, does not raise
    finally:
        signal.signal(signal.SIGINT, previous)
    assert len(finished) == 1
    stats = inbox.stats()
    assert (stats["done"], stats["pending"], stats["in_flight"]) == (1, 1, 0)


def test_options_are_checked(url: str) -> None:
    inbox = hookshield.Inbox(url)
    v = verifier()
    for options in ({"concurrency": 0}, {"max_attempts": 0}, {"lease": 0}, {"backoff": -1}, {"concurrency": -2}):
        with pytest.raises(hookshield.ConfigurationError) as info:
            inbox.worker(lambda event, job: None, verifier=v, **options)
        assert info.value.code == "invalid_config"
    with pytest.raises(TypeError, match="verifier"):
        inbox.worker(lambda event, job: None)
    with pytest.raises(TypeError, match="callable"):
        inbox.worker(42, verifier=v)  # type: ignore[arg-type]
    with pytest.raises(hookshield.ConfigurationError):
        hookshield.Inbox("postgres://user:hunter2@localhost/db")


def test_the_url_password_is_never_shown(tmp_path: pathlib.Path) -> None:
    assert repr(hookshield.Inbox(f"sqlite:{tmp_path / 'x.db'}")) == f"Inbox('sqlite:{tmp_path / 'x.db'}')"
    try:
        down = hookshield.Inbox("redis://:hunter2@127.0.0.1:1/0")
    except hookshield.StoreError as err:  # opening may connect at once
        assert "hunter2" not in str(err)
        return
    assert "hunter2" not in repr(down)
    outcome = down.accept(verifier(), *delivery("evt_down"))
    assert (outcome.kind, outcome.status) == ("store_unavailable", 503)
    assert "hunter2" not in (outcome.message or "")
    with pytest.raises(hookshield.StoreUnavailableError) as info:
        down.stats()
    assert "hunter2" not in str(info.value)


KILLED_WORKER = textwrap.dedent(
    """
    import pathlib, sys, time
    import hookshield

    url, marker = sys.argv[1], pathlib.Path(sys.argv[2])

    def handle(event, job):
        marker.write_text(f"{job.idempotency_key} {job.attempt}")
        time.sleep(600)   # killed here

    verifier = hookshield.Verifier("sensei", sys.argv[3])
    hookshield.Inbox(url).worker(handle, verifier=verifier, lease=1, poll_interval=0.02).run()
    """
)


def test_a_worker_killed_mid_handler_loses_its_delivery_to_another(url: str, tmp_path: pathlib.Path) -> None:
    inbox = hookshield.Inbox(url)
    fill(inbox, ["evt_orphan"])
    marker = tmp_path / "started"
    child = subprocess.Popen([sys.executable, "-c", KILLED_WORKER, url, str(marker), SECRET])
    try:
        wait_until(marker.exists, "the first worker's handler to start")
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert marker.read_text() == "evt_orphan 1"
    assert inbox.stats()["in_flight"] == 1
    taken_over: list[tuple[str, int]] = []

    def handle(event: Any, job: hookshield.Job) -> None:
        taken_over.append((job.idempotency_key, job.attempt))
        worker.stop()

    worker = inbox.worker(handle, verifier=verifier(), lease=1, poll_interval=0.05)
    worker.run()  # claims it once the killed worker's lease has run out
    assert taken_over == [("evt_orphan", 2)]
    stats = inbox.stats()
    assert (stats["done"], stats["in_flight"], stats["pending"]) == (1, 0, 0)


def test_eight_threads_with_failing_handlers_lose_nothing_and_finish_nothing_twice(url: str) -> None:
    inbox = hookshield.Inbox(url)
    keys = [f"evt_many_{n}" for n in range(40)]
    fill(inbox, keys)
    lock = threading.Lock()
    succeeded: Counter[str] = Counter()
    running: set[str] = set()
    overlaps: list[str] = []

    def handle(event: Any, job: hookshield.Job) -> None:
        key = job.idempotency_key
        with lock:
            if key in running:
                overlaps.append(key)
            running.add(key)
        try:
            # Fails on some attempts, by key and attempt (no randomness to replay); every
            # tenth delivery always fails.
            n = int(key.rsplit("_", 1)[1])
            if (n + job.attempt) % 3 == 0 or n % 10 == 0:
                raise RuntimeError("downstream flaked")
            with lock:
                succeeded[key] += 1
        finally:
            with lock:
                running.discard(key)

    worker = inbox.worker(
        handle, verifier=verifier(), concurrency=8, max_attempts=2, backoff=0.01, max_backoff=0.02, poll_interval=0.02
    )
    thread = threading.Thread(target=worker.run)
    thread.start()
    wait_until(lambda: inbox.stats()["done"] + inbox.stats()["dead"] == len(keys), "every delivery done or dead")
    worker.stop()
    thread.join()
    dead = {letter["idempotency_key"] for letter in inbox.dead_letters(limit=100)}
    assert overlaps == []
    assert all(count == 1 for count in succeeded.values())
    assert set(succeeded) | dead == set(keys) and not set(succeeded) & dead
    # (n + 1) % 3 == 0 and (n + 2) % 3 == 0 never both hold: within two attempts, only
    # the ones that always fail are dead.
    assert dead == {f"evt_many_{n}" for n in range(0, 40, 10)} and inbox.stats()["pending"] == 0


STOPPED_WORKER = textwrap.dedent(
    """
    import pathlib, sys, time
    import hookshield

    url, marker = sys.argv[1], pathlib.Path(sys.argv[2])

    def handle(event, job):
        marker.write_text("started")
        while not worker.stopped:   # the test sends SIGTERM meanwhile
            time.sleep(0.01)

    verifier = hookshield.Verifier("sensei", sys.argv[3])
    worker = hookshield.Inbox(url).worker(handle, verifier=verifier, poll_interval=0.02)
    worker.run()
    print("run returned")
    """
)


def test_sigterm_stops_the_worker_after_the_handler_in_progress(url: str, tmp_path: pathlib.Path) -> None:
    inbox = hookshield.Inbox(url)
    fill(inbox, ["evt_terminated", "evt_next"])
    marker = tmp_path / "marker"
    child = subprocess.Popen(
        [sys.executable, "-c", STOPPED_WORKER, url, str(marker), SECRET], stdout=subprocess.PIPE, text=True
    )
    try:
        wait_until(marker.exists, "the handler to start")
        child.send_signal(signal.SIGTERM)
        out, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert (child.returncode, out) == (0, "run returned\n")
    stats = inbox.stats()
    assert (stats["done"], stats["pending"], stats["in_flight"]) == (1, 1, 0)


def test_cancelling_run_async_releases_the_delivery_in_hand(url: str) -> None:
    inbox = hookshield.Inbox(url)
    fill(inbox, ["evt_cancelled"])

    async def main() -> None:
        started = asyncio.Event()

        async def hang(event: Any, job: hookshield.Job) -> None:
            started.set()
            await asyncio.Event().wait()  # never returns: cancelled

        task = asyncio.ensure_future(inbox.worker(hang, verifier=verifier(), poll_interval=0.02).run_async())
        await asyncio.wait_for(started.wait(), 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    stats = inbox.stats()
    assert (stats["pending"], stats["in_flight"]) == (1, 0)
    attempts: list[int] = []

    def handle(event: Any, job: hookshield.Job) -> None:
        attempts.append(job.attempt)
        worker.stop()

    worker = inbox.worker(handle, verifier=verifier(), poll_interval=0.02)
    worker.run()
    assert attempts == [1]  # the released attempt was not counted


def test_the_verifier_clock_stamps_the_delivery_which_a_worker_checks_as_of_then(url: str) -> None:
    """Received at the verifier's (pinned) time, long ago: the worker checks the
    signature again as of the received time, not its window now."""
    then = 1_700_000_000
    body = hookshield.sample("sensei", "approval.required", timestamp=then)
    headers = hookshield.sign("sensei", SECRET, body, timestamp=then)
    inbox = hookshield.Inbox(url)
    assert inbox.accept(verifier(), body, headers).kind == "rejected"  # now: far too old
    pinned = hookshield.Verifier("sensei", SECRET, clock=lambda: then + 10)
    assert inbox.accept(pinned, body, headers).kind == "queued"
    received: list[float] = []

    def handle(event: Any, job: hookshield.Job) -> None:
        received.append(job.received_at)
        worker.stop()

    worker = inbox.worker(handle, verifier=verifier(), poll_interval=0.02)
    worker.run()
    assert received == [then + 10.0]


def test_a_delivery_tampered_with_in_storage_never_reaches_the_handler(tmp_path: pathlib.Path) -> None:
    """Whoever can write to the SQLite file cannot inject an event without the secret:
    the worker's second check sends it to the dead letters."""
    import sqlite3

    url = sqlite_url(tmp_path)
    inbox = hookshield.Inbox(url)
    fill(inbox, ["evt_tampered"])
    with sqlite3.connect(url[len("sqlite:") :]) as db:
        (body,) = db.execute("SELECT body FROM hookshield_inbox").fetchone()
        forged = bytes(body).replace(b"approval.required", b"approval.granted!")
        assert forged != bytes(body)
        db.execute("UPDATE hookshield_inbox SET body = ?", (forged,))
    worker = inbox.worker(lambda event, job: pytest.fail("never called"), verifier=verifier(), poll_interval=0.02)
    thread = threading.Thread(target=worker.run)
    thread.start()
    wait_until(lambda: inbox.stats()["dead"] == 1, "the tampered delivery to be a dead letter")
    worker.stop()
    thread.join()
    [letter] = inbox.dead_letters()
    assert letter["idempotency_key"] == "evt_tampered"
    assert "no longer verifies" in letter["last_error"]


def test_an_inbox_that_fails_to_claim_is_logged_once_then_its_recovery(
    tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture
) -> None:
    from conftest import free_port

    down = hookshield.Inbox(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    up = hookshield.Inbox(sqlite_url(tmp_path))
    failing = down.worker(lambda event, job: None, verifier=verifier())._claimer
    working = up.worker(lambda event, job: None, verifier=verifier())._claimer
    worker = down.worker(lambda event, job: None, verifier=verifier(), poll_interval=0.001)
    calls: list[int] = []

    class Claimer:
        """Five claims from the unreachable Redis (each raises), then two that answer."""

        def next(self) -> Any:
            calls.append(len(calls))
            if len(calls) >= 7:
                worker.stop()
            return failing.next() if len(calls) <= 5 else working.next()

    worker._claimer = Claimer()  # type: ignore[assignment]
    with caplog.at_level(logging.INFO, logger="hookshield"):
        worker.run()
    assert len(calls) == 7
    lines = [record.getMessage() for record in caplog.records if record.name == "hookshield"]
    failed = [line for line in lines if "the inbox failed" in line]
    assert len(failed) == 1 and failed[0].startswith("hookshield worker: the inbox failed (store_unavailable)")
    assert [line for line in lines if "answers again" in line] == ["hookshield worker: the inbox answers again"]
