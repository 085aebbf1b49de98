"""Every ```python block of bindings/python/README.md runs, in order, in one namespace."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

import pytest
from conftest import RedisServer

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_python_blocks() -> None:
    assert len(python_blocks()) >= 8


def test_readme_python_blocks_run(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The RedisStore section runs against a real redis-server, started for the tests.
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    namespace: dict[str, object] = {"__name__": "readme"}
    out = io.StringIO()
    for number, block in enumerate(python_blocks(), 1):
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"README.md block {number}", "exec"), namespace)
    printed = out.getvalue()
    # The values the quick start shows in comments are what it prints.
    assert re.search(r"^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d\+00:00$", printed, flags=re.M)
    assert re.search(r"^document\.completed:doc_abc123:20\d\d-[^:]+:[0-9a-f]{32}$", printed, flags=re.M)
    assert "`data` of `document.completed` does not match its documented shape" in printed
    assert "never printed" not in printed
    assert "migration event approval.required" not in printed
    assert "approval needed for" in printed
    assert "migrated evt_" in printed
    # The answers the "Exactly once" section shows are what it prints.
    assert '200 {"outcome":"duplicate","idempotency_key":"evt_abc123def456"}' in printed
    assert (
        '{"outcome":"handler_failed","idempotency_key":"evt_sensei016","error":{"code":"handler_failed",'
        '"message":"the handler failed; the delivery will be retried"}}'
    ) in printed
    assert f"RedisStore('{redis_server.url}', prefix='hookshield:', timeout=2.0)" in printed
    # The inbox section's comments are what it prints.
    assert '{"outcome":"queued","idempotency_key":"evt_sensei010"}' in printed
    assert "working on approval.required attempt 1 key evt_sensei010" in printed
    assert "{'pending': 0, 'in_flight': 0, 'done': 1, 'dead': 0, 'oldest_pending_seconds': None}" in printed
    assert "async work on evt_" in printed
    assert "wsgi got report.generated" in printed
