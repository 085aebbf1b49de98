"""Keeps inbox_ack.py working: one tiny run (its own receivers and redis-server), no
figure checked."""

from __future__ import annotations

import inbox_ack


def test_inbox_ack_runs() -> None:
    table = inbox_ack.main(["--senders", "2", "--deliveries", "20"])
    assert len(table) == 4
    for row in table.values():
        assert row["acknowledged/s"] > 0 and row["p50 ms"] <= row["p99 ms"]
