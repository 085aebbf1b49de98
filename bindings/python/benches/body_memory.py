"""Peak memory of a receiver sent an oversized body: each framework helper, each way.

For every helper (Flask ``webhook``, FastAPI ``Webhook`` dependency, FastAPI
``process``) and every way of sending (a declared ``Content-Length``, then the whole
body; ``Transfer-Encoding: chunked``), a fresh receiver process is started on
127.0.0.1 with the framework's own server (werkzeug's ``make_server``; uvicorn), sent
one small signed delivery to warm up, then one body of ``--mib`` MiB. The figure is
the growth of the receiver's ``VmHWM`` (peak resident set, ``/proc/PID/status``)
across the big request: what one hostile request costs. The verifier keeps the
default ``max_body_bytes`` (1 MiB).

    cd bindings/python
    .venv/bin/python benches/body_memory.py            # 50 MiB, every helper, both ways

It measures the ``hookshield`` that the running Python imports: run it before and
after a change to compare. Linux only (``/proc``).

``flask-bare`` is a Flask view that answers 413 without touching the body and without
hookshield: the floor werkzeug's development server sets by itself, since after
answering it reads and discards what the client still sends, up to 10 MB at a time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import time
from typing import Any, Iterator

SECRET = "whsec_body_memory"
HELPERS = ("flask", "flask-bare", "fastapi-webhook", "fastapi-process")
MODES = ("declared", "chunked")
CHUNK = 1 << 20


def flask_app(helper: str) -> Any:
    import flask

    import hookshield
    from hookshield.flask import webhook

    app = flask.Flask("body_memory")
    if helper == "flask-bare":

        @app.post("/hook")
        def bare() -> Any:
            # Answers the warm-up (a small declared body) 200; anything else 413.
            length = flask.request.content_length
            small = length is not None and length < 1 << 20
            return ("", 200) if small else ("", 413)

        return app

    @app.post("/hook")
    @webhook(hookshield.Verifier("sentinel", SECRET), store=hookshield.MemoryStore())
    def hook(event: Any) -> None:
        return None

    return app


def fastapi_app(helper: str) -> Any:
    from fastapi import Depends, FastAPI, Request

    import hookshield
    from hookshield.fastapi import Webhook, process, processed

    app = FastAPI()
    verifier = hookshield.Verifier("sentinel", SECRET)
    store = hookshield.MemoryStore()
    if helper == "fastapi-webhook":
        dependency = Webhook(verifier, store=store)

        @app.post("/hook")
        async def hook(event: Any = Depends(dependency)) -> Any:
            return processed(event)

    else:

        async def hook_process(request: Request) -> Any:
            return await process(request, verifier, store, lambda event: None)

        # The annotation FastAPI reads must be the class itself, not this module's text.
        hook_process.__annotations__["request"] = Request
        app.post("/hook")(hook_process)

    return app


def serve(helper: str) -> None:
    """Runs a receiver; prints its port once it accepts connections."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    if helper.startswith("flask"):
        import logging

        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)

        sock.close()
        server = make_server("127.0.0.1", port, flask_app(helper), threaded=True)
        print(port, flush=True)
        server.serve_forever()
    else:
        import uvicorn

        config = uvicorn.Config(fastapi_app(helper), log_level="error", lifespan="off")
        sock.listen(16)
        print(port, flush=True)
        uvicorn.Server(config).run(sockets=[sock])


def vm_hwm_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/PID/status")


def body_chunks(mib: int) -> Iterator[bytes]:
    chunk = b"x" * CHUNK
    for _ in range(mib):
        yield chunk


def post(port: int, body: bytes | None, headers: dict[str, str], mib: int = 0) -> str:
    """Posts and returns the answer's status (or what went wrong on the connection)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        if body is not None:
            conn.request("POST", "/hook", body=body, headers=headers)
        elif "Content-Length" in headers:
            conn.putrequest("POST", "/hook")
            for name, value in headers.items():
                conn.putheader(name, value)
            conn.endheaders()
            try:
                for chunk in body_chunks(mib):
                    conn.send(chunk)
            except OSError as err:  # the receiver answered early and closed
                sent = type(err).__name__
                try:
                    return f"{conn.getresponse().status} ({sent} while sending)"
                except OSError:
                    return sent
        else:
            conn.request("POST", "/hook", body=body_chunks(mib), headers=headers, encode_chunked=True)
        return str(conn.getresponse().status)
    except OSError as err:
        return type(err).__name__
    finally:
        conn.close()


def measure(helper: str, mode: str, mib: int) -> tuple[int, str]:
    """The receiver's VmHWM growth in KiB for one big request, and its answer."""
    import hookshield

    process = subprocess.Popen(
        [sys.executable, __file__, "serve", helper], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        small = hookshield.sample("sentinel", "document.completed")
        warm = post(port, small, {**hookshield.sign("sentinel", SECRET, small), "Content-Type": "application/json"})
        if warm != "200":
            raise RuntimeError(f"{helper}: the warm-up delivery was answered {warm}")
        time.sleep(0.2)
        before = vm_hwm_kib(process.pid)
        headers = {**hookshield.sign("sentinel", SECRET, small), "Content-Type": "application/json"}
        if mode == "declared":
            headers["Content-Length"] = str(mib * CHUNK)
        answer = post(port, None, headers, mib)
        time.sleep(0.2)
        return vm_hwm_kib(process.pid) - before, answer
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=int, default=50, help="body size in MiB (default 50)")
    parser.add_argument("--helpers", nargs="+", choices=HELPERS, default=list(HELPERS))
    args = parser.parse_args()
    print(f"| helper | body ({args.mib} MiB) | answer | VmHWM growth |")
    print("| --- | --- | --- | ---: |")
    for helper in args.helpers:
        for mode in MODES:
            growth, answer = measure(helper, mode, args.mib)
            print(f"| {helper} | {mode} | {answer} | {growth / 1024:.1f} MiB |", flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
