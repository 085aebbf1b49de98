"""Keeps load_redis.py working: one tiny run (its own redis-server), no figure checked."""

from __future__ import annotations

import load_redis


def test_load_redis_runs() -> None:
    table = load_redis.main(["--threads", "2", "--seconds", "0.2", "--per-thread", "40"])
    assert set(table) == {"RedisStore", "MemoryStore"}
    for row in table.values():
        assert row["new events"] > 0 and row["redeliveries"] > 0
