#!/usr/bin/env python3
"""Peak memory of `hookshield listen` under oversized requests (Linux).

For each case a fresh `hookshield listen -p sentinel` is started, sent one small genuine
delivery (so that its baseline includes serving a request), then the hostile request;
the growth of its VmHWM (peak resident set, /proc/PID/status) is what that request cost.

Cases:
  declared  Content-Length: 50 MiB, and the 50 MiB body sent after the headers
  chunked   Transfer-Encoding: chunked, 50 MiB in 64 KiB chunks
  header    one 64 MiB header line

Usage: python3 crates/hookshield-cli/bench/memory.py [--bin target/release/hookshield]
Build first: cargo build --release -p hookshield-cli
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time

MIB = 1024 * 1024
SECRET = "whsec_memory_bench"
ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def start(binary):
    process = subprocess.Popen(
        [binary, "listen", "-p", "sentinel", "--secret", SECRET, "--port", "0", "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stderr.readline()
    url = next(word for word in line.split() if word.startswith("http://127.0.0.1:"))
    host, port = url[len("http://"):].rstrip("/").split(":")
    return process, (host, int(port))


def read_status(sock, timeout):
    """The status line's code, or what happened instead."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, BrokenPipeError):
        pass
    except socket.timeout:
        return "no answer in %d s" % timeout
    if not data:
        return "closed, no answer"
    return data.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)[1]


def genuine(binary, address):
    """One genuine Sentinel delivery, signed by `hookshield sign`."""
    signed = json.loads(
        subprocess.run(
            [binary, "sign", "-p", "sentinel", "--secret", SECRET, "--event", "report.generated", "--json"],
            check=True,
            capture_output=True,
        ).stdout
    )
    body = signed["body"].encode()
    head = "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    for name, value in signed["headers"].items():
        head += f"{name}: {value}\r\n"
    head += f"Content-Length: {len(body)}\r\n\r\n"
    with socket.create_connection(address) as sock:
        sock.sendall(head.encode() + body)
        return read_status(sock, 10)


def pieces(case):
    """The request's bytes, in pieces of at most 1 MiB."""
    block = b"a" * MIB
    if case == "declared":
        yield b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (50 * MIB)
        for _ in range(50):
            yield block
    elif case == "chunked":
        yield b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
        for _ in range(50 * 16):
            yield chunk
        yield b"0\r\n\r\n"
    elif case == "header":
        yield b"POST / HTTP/1.1\r\nHost: x\r\nX-Pad: "
        for _ in range(64):
            yield block
        yield b"\r\nContent-Length: 2\r\n\r\n{}"


def send(sock, case, sent):
    try:
        for piece in pieces(case):
            sock.sendall(piece)
            sent[0] += len(piece)
    except OSError:
        pass  # the receiver answered and closed before taking it all


def measure(binary, case):
    process, address = start(binary)
    try:
        warm = genuine(binary, address)
        before = vm_hwm_kib(process.pid)
        sent = [0]
        started = time.monotonic()
        with socket.create_connection(address) as sock:
            sender = threading.Thread(target=send, args=(sock, case, sent), daemon=True)
            sender.start()
            status = read_status(sock, 120)
            try:
                sock.shutdown(socket.SHUT_RDWR)  # stop the sender, if still sending
            except OSError:
                pass  # already reset by the receiver
            sender.join(30)
        seconds = time.monotonic() - started
        time.sleep(0.2)
        after = vm_hwm_kib(process.pid)
        return warm, before, after, status, sent[0], seconds
    finally:
        process.kill()
        process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "hookshield"))
    parser.add_argument("cases", nargs="*", default=["declared", "chunked", "header"])
    args = parser.parse_args()
    print(f"binary: {args.bin}")
    print(f"{'case':<9} {'VmHWM before':>13} {'after':>10} {'growth':>10}  answer  sent by client")
    for case in args.cases:
        warm, before, after, status, sent, seconds = measure(args.bin, case)
        if warm != "200":
            sys.exit(f"the warm-up delivery got {warm}, not 200")
        print(
            f"{case:<9} {before / 1024:>9.1f} MiB {after / 1024:>6.1f} MiB "
            f"{(after - before) / 1024:>6.1f} MiB  {status:<6}  {sent / MIB:.1f} MiB in {seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
