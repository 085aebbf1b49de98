"""Time to acknowledge a delivery over HTTP, from concurrent senders: the ASGI receiver
(``hookshield.asgi.WebhookApp``) under uvicorn in a process of its own, running the
handler inline (``process`` with its ``MemoryStore``; the handler an async no-op, or one
that takes 50 ms), beside the same receiver with an inbox (verify, append durably,
answer ``queued``) over a SQLite file and over Redis (``appendonly yes``, ``appendfsync
always``: each append is on disk before Redis answers). Each delivery is a new signed
Sentinel event. Prints deliveries acknowledged per second and the p50/p99 time from
sending a request to reading its answer.

    bindings/python/.venv/bin/python bindings/python/benches/inbox_ack.py [--senders 8] [--deliveries 2000]

The senders are threads of this process with keep-alive connections; the receiver is
one uvicorn process (one event loop). redis-server must be on PATH.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import hookshield

SECRET = "whsec_bench_inbox"

RECEIVER = textwrap.dedent(
    """
    import asyncio, sys
    import uvicorn
    import hookshield
    from hookshield.asgi import WebhookApp

    mode, port, url = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    verifier = hookshield.Verifier("sentinel", sys.argv[4])

    async def noop(event):
        pass

    async def slow(event):
        await asyncio.sleep(0.05)

    if mode == "inbox":
        app = WebhookApp(verifier, inbox=hookshield.Inbox(url))
    else:
        app = WebhookApp(verifier, slow if mode == "slow" else noop)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{what} did not start") from None
            time.sleep(0.02)


@contextmanager
def durable_redis(directory: str) -> Iterator[str]:
    """A redis-server that fsyncs every write (``appendfsync always``)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not on PATH")
    port = free_port()
    args = ["--port", str(port), "--bind", "127.0.0.1", "--dir", directory, "--save", ""]
    server = subprocess.Popen(
        [binary, *args, "--appendonly", "yes", "--appendfsync", "always"], stdout=subprocess.DEVNULL
    )
    try:
        wait_for_port(port, server, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.kill()
        server.wait()


@contextmanager
def receiver(mode: str, url: str = "") -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", RECEIVER, mode, str(port), url, SECRET])
    try:
        wait_for_port(port, process, "the receiver")
        yield port
    finally:
        process.terminate()
        process.wait(10)


def signed_deliveries(count: int) -> list[tuple[bytes, dict[str, str]]]:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = []
    for n in range(count):
        data = {"document_id": f"doc_{os.getpid()}_{time.monotonic_ns()}_{n}", "tenant_id": "ten_xyz", "pages": 4}
        body = json.dumps({"event": "document.completed", "timestamp": now, "data": data}).encode()
        out.append((body, hookshield.sign("sentinel", SECRET, body)))
    return out


def send(port: int, senders: int, deliveries: list[tuple[bytes, dict[str, str]]]) -> dict[str, float]:
    """Sends every delivery from ``senders`` threads; acknowledged/s, p50 and p99 (ms)."""
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []

    def sender(share: list[tuple[bytes, dict[str, str]]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for body, headers in share:
            start = time.perf_counter()
            conn.request("POST", "/", body=body, headers=headers)
            response = conn.getresponse()
            answer = json.loads(response.read())
            mine.append(time.perf_counter() - start)
            if response.status != 200 or answer["outcome"] not in ("processed", "queued"):
                failures.append(f"{response.status} {answer}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=sender, args=(deliveries[n::senders],)) for n in range(senders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} deliveries were not acknowledged, e.g. {failures[0]}")
    latencies.sort()
    return {
        "acknowledged/s": len(latencies) / elapsed,
        "p50 ms": latencies[len(latencies) // 2] * 1000,
        "p99 ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--deliveries", type=int, default=2000)
    args = parser.parse_args(argv)
    table: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as directory:
        cases = [
            ("inline process (MemoryStore), no-op handler", "noop", None),
            ("inline process (MemoryStore), 50 ms handler", "slow", None),
            ("inbox, SQLite file (synchronous=FULL)", "inbox", f"sqlite:{directory}/inbox.db"),
            ("inbox, Redis (appendfsync always)", "inbox", "redis"),
        ]
        for name, mode, url in cases:
            if url == "redis":
                with durable_redis(directory) as redis, receiver(mode, redis) as port:
                    table[name] = send(port, args.senders, signed_deliveries(args.deliveries))
            else:
                with receiver(mode, url or "") as port:
                    table[name] = send(port, args.senders, signed_deliveries(args.deliveries))
    print(f"{args.senders} senders, {args.deliveries} deliveries each case; Python {sys.version.split()[0]}")
    print("| receiver | acknowledged/s | p50 | p99 |\n| --- | ---: | ---: | ---: |")
    for name, row in table.items():
        print(f"| {name} | {row['acknowledged/s']:,.0f} | {row['p50 ms']:.2f} ms | {row['p99 ms']:.2f} ms |")
    return table


if __name__ == "__main__":
    main()
