"""Receivers on 127.0.0.1 with each framework's own server (werkzeug's `make_server`,
uvicorn), in a thread, and a client that writes raw HTTP/1.1, so a test controls what
is sent: headers without their body, a chunked body, a header twice."""

from __future__ import annotations

import datetime
import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import hookshield

SECRET = "whsec_live_http_test"
LIMIT = 4096  # the receivers' max_body_bytes
SIGNATURE = "X-Sentinel-Signature"


def verifier() -> hookshield.Verifier[Any]:
    return hookshield.Verifier("sentinel", SECRET, max_body_bytes=LIMIT)


def sentinel_body(event_type: str, data: dict[str, Any]) -> bytes:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps({"event": event_type, "timestamp": now, "data": data}).encode()


def signed(body: bytes, secret: str = SECRET) -> list[tuple[str, str]]:
    return list(hookshield.sign("sentinel", secret, body).items())


@dataclass
class Reply:
    status: int
    body: Any  # the JSON body, decoded
    text: str
    content_type: str | None


def exchange(
    port: int,
    path: str,
    headers: list[tuple[str, str]],
    parts: Iterable[bytes] = (),
    *,
    chunked: bool = False,
    timeout: float = 10.0,
) -> Reply:
    """Sends a POST with exactly `headers` (plus Host and `Connection: close`), then
    `parts` as the body (each one a chunk when `chunked`), and reads the answer. A
    receiver may answer before the body is sent: sending then stops."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        head += [f"{name}: {value}" for name, value in headers]
        if chunked:
            head.append("Transfer-Encoding: chunked")
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        try:
            for part in parts:
                sock.sendall(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:  # answered early and closed
            pass
        response = http.client.HTTPResponse(sock)
        response.begin()
        data = response.read()
        text = data.decode("utf-8")
        return Reply(response.status, json.loads(text) if text else None, text, response.getheader("Content-Type"))
    finally:
        sock.close()


def post(port: int, path: str, body: bytes, headers: list[tuple[str, str]]) -> Reply:
    return exchange(port, path, [*headers, ("Content-Length", str(len(body)))], [body])


class CountingInput:
    """A WSGI input stream that counts the bytes the application reads from it."""

    def __init__(self, stream: Any, counts: list[int]) -> None:
        self.stream = stream
        self.counts = counts
        counts.append(0)

    def _count(self, data: bytes) -> bytes:
        self.counts[-1] += len(data)
        return data

    def read(self, *args: Any) -> bytes:
        return self._count(self.stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        return self._count(self.stream.readline(*args))


def counting_wsgi(app: Callable[..., Any], counts: list[int]) -> Callable[..., Any]:
    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        environ["wsgi.input"] = CountingInput(environ["wsgi.input"], counts)
        return app(environ, start_response)

    return wrapped


def counting_asgi(app: Any, counts: list[int]) -> Any:
    """ASGI middleware counting the body bytes the application receives."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        counts.append(0)

        async def counted() -> Any:
            message = await receive()
            counts[-1] += len(message.get("body", b""))
            return message

        await app(scope, counted, send)

    return wrapped


def werkzeug_server(app: Any) -> Iterator[int]:
    """Serves `app` with werkzeug's threaded server; yields its port."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(10)


def uvicorn_server(app: Any) -> Iterator[int]:
    """Serves `app` with uvicorn in a thread; yields its port."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
