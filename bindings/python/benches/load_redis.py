"""Load figure: deliveries per second through ``verifier.process`` from concurrent Python
threads, with ``RedisStore`` and with ``MemoryStore``.

    bindings/python/.venv/bin/python bindings/python/benches/load_redis.py [--threads 8] [--seconds 5]

Uses the Redis at ``REDIS_URL`` when it is set; otherwise starts its own ``redis-server``
on a free 127.0.0.1 port (persistence off) and stops it at the end. Each thread delivers
its own pre-signed Sensei events (a new idempotency key each: verify, claim, handler,
complete), then delivers them all again (duplicates: verify, one claim lookup). The
handler does nothing, so the figure is hookshield's and the store's cost per delivery.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import hookshield

SECRET = "whsec_load_bench"
VERIFIER = hookshield.Verifier("sensei", SECRET)
TEMPLATE = json.loads(hookshield.sample("sensei", "approval.required"))


def deliveries(prefix: str, count: int) -> list[tuple[bytes, dict[str, str]]]:
    """``count`` signed deliveries with distinct idempotency keys."""
    out = []
    for n in range(count):
        envelope = dict(TEMPLATE, id=f"evt_{prefix}_{n}")
        body = json.dumps(envelope).encode()
        out.append((body, hookshield.sign("sensei", SECRET, body)))
    return out


@contextmanager
def redis_url() -> Iterator[str]:
    """``REDIS_URL``, or a throwaway redis-server's URL."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not on PATH and REDIS_URL is not set")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("redis-server did not start") from None
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.kill()
        server.wait()


def run(store: Any, threads: int, seconds: float, per_thread: int) -> dict[str, float]:
    """Deliveries per second, fresh events then redeliveries, over ``threads`` threads
    for about ``seconds`` each."""
    run_id = uuid.uuid4().hex[:8]
    batches = [deliveries(f"{run_id}_{t}", per_thread) for t in range(threads)]
    results: dict[str, float] = {}
    for phase, expected in (("new events", "processed"), ("redeliveries", "duplicate")):
        counts = [0] * threads
        errors: list[str] = []
        start_line = threading.Barrier(threads + 1)
        stop_at = [0.0]

        def worker(t: int) -> None:
            batch = batches[t]
            start_line.wait()
            done = 0
            for body, headers in batch:
                outcome = VERIFIER.process(body, headers, store, _noop)
                if outcome.kind != expected:
                    errors.append(f"{outcome.kind}: {outcome.message}")
                    return
                done += 1
                if done % 64 == 0 and time.perf_counter() >= stop_at[0]:
                    break
            counts[t] = done

        pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
        for th in pool:
            th.start()
        stop_at[0] = time.perf_counter() + seconds
        start_line.wait()
        begun = time.perf_counter()
        for th in pool:
            th.join()
        elapsed = time.perf_counter() - begun
        if errors:
            raise SystemExit(f"unexpected outcome in {phase}: {errors[0]}")
        if phase == "new events":
            # Redeliver exactly what was delivered.
            batches = [batch[:count] for batch, count in zip(batches, counts)]
        results[phase] = sum(counts) / elapsed
    return results


def _noop(event: Any) -> None:
    return None


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0, help="at most, per phase and store")
    parser.add_argument("--per-thread", type=int, default=25_000, help="pre-signed deliveries per thread")
    args = parser.parse_args(argv)
    table: dict[str, dict[str, float]] = {}
    with redis_url() as url:
        stores: dict[str, Callable[[], Any]] = {
            "RedisStore": lambda: hookshield.RedisStore(url, prefix=f"bench-{uuid.uuid4().hex}:"),
            "MemoryStore": lambda: hookshield.MemoryStore(capacity=max(100_000, args.threads * args.per_thread)),
        }
        for name, make in stores.items():
            table[name] = run(make(), args.threads, args.seconds, args.per_thread)
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {args.threads} threads, "
        f"~{args.seconds:g} s per phase, Sensei deliveries of {len(json.dumps(TEMPLATE))} bytes\n"
    )
    print("| store | new events (deliveries/s) | redeliveries (deliveries/s) |")
    print("| --- | ---: | ---: |")
    for name, row in table.items():
        print(f"| {name} | {row['new events']:,.0f} | {row['redeliveries']:,.0f} |")
    return table


if __name__ == "__main__":
    main()
