from __future__ import annotations

import math
import os
import pathlib
import shutil
import socket
import subprocess
import time
import uuid
from typing import Any, Iterator

import pytest

HERE = pathlib.Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent
REPO_ROOT = PACKAGE_ROOT.parent.parent


def vectors_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("HOOKSHIELD_VECTORS", REPO_ROOT / "tests" / "vectors"))


def same(got: Any, expected: Any, *, ordered: bool = True) -> bool:
    """Equal, with the same types all the way down (`0 == 0.0` and `1 == True` are not
    enough), the same sign of zero and, when `ordered`, the same member order."""
    if type(got) is not type(expected):
        return False
    if isinstance(expected, dict):
        keys_match = list(got) == list(expected) if ordered else set(got) == set(expected)
        return keys_match and all(same(got[k], expected[k], ordered=ordered) for k in expected)
    if isinstance(expected, list):
        return len(got) == len(expected) and all(same(g, e, ordered=ordered) for g, e in zip(got, expected))
    if isinstance(expected, float):
        if math.isnan(expected):
            return math.isnan(got)
        return got == expected and math.copysign(1, got) == math.copysign(1, expected)
    return bool(got == expected)


@pytest.fixture
def now() -> int:
    return 1_778_839_500  # 2026-05-15T10:05:00Z, when the samples were sent


class RedisServer:
    """A throwaway `redis-server` on a free 127.0.0.1 port, persistence off.

    `redis-server` must be on PATH (Debian package `redis-server`; `.ci/run` installs it).
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Starts (or restarts, on the same port) the server and waits until it accepts."""
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not on PATH (apt-get install redis-server; .ci/run does it)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One server for the session; tests keep apart with their own key prefix."""
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def own_redis_server() -> Iterator[RedisServer]:
    """A server for one test, which may stop and restart it."""
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def prefix() -> str:
    """A key prefix no other test uses."""
    return f"test-{uuid.uuid4().hex}:"
