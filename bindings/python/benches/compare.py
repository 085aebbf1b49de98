"""The same comparison as test_compare.py as one table with ratios, interleaving the
contenders so machine load affects them alike: each contender's median round, its best
round, and its median in the process's CPU time (which time spent waiting for a core
held by other work does not count).

    bindings/python/.venv/bin/python bindings/python/benches/compare.py [--rounds 15] [--breakdown]

For the 1 KiB Sentinel body it reports, side by side: (a) hookshield verify alone
(reading `event.type`, so `data` is never built), (b) verify + reading `event.data` (the
whole dict built), (c) the documented snippet (`hmac` + `hmac.compare_digest` +
`json.loads`, the whole object built), and the speed-ups (c)/(a) and (c)/(b); the
issue 12 target is (c)/(b) >= 2. (c) makes the checks `verify` makes before it reads
the JSON: the document's code and, beside it, the 5-minute timestamp check the document
advises (as the Node benchmark's snippet does); the document's code alone, with no
timestamp check, is timed too, and the ratios against it printed. `--breakdown` adds the pieces alone (the signature
check without parsing, `json.loads`, the snippet's HMAC) for where the time goes.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import itertools
import json
import pathlib
import platform
import statistics
import sys
import time
from typing import Any, Callable

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import standardwebhooks
import svix.webhooks

import hookshield
from payloads import (
    BODY,
    SENTINEL_HEADERS,
    SENTINEL_SECRET,
    STANDARD_BODY,
    STANDARD_HEADERS,
    STANDARD_HEADERS_LOWER,
    STANDARD_SECRET,
    documented_code_only,
    documented_snippet,
)


SNIPPET = "(c) documented snippet (hmac + compare_digest + 5-minute timestamp check + json.loads)"
CODE_ONLY = "the document's code alone (hmac + compare_digest + json.loads, no timestamp check)"


def contenders() -> dict[str, tuple[str, Callable[[], Any]]]:
    sentinel = hookshield.Verifier("sentinel", SENTINEL_SECRET)
    standard = hookshield.Verifier("standard", STANDARD_SECRET)
    sw = standardwebhooks.Webhook(STANDARD_SECRET)
    sx = svix.webhooks.Webhook(STANDARD_SECRET)

    def svix_verify() -> Any:
        sx.verify(STANDARD_BODY, STANDARD_HEADERS_LOWER)
        return json.loads(STANDARD_BODY)

    return {
        SNIPPET: (
            "sentinel",
            lambda: documented_snippet(BODY, SENTINEL_HEADERS, SENTINEL_SECRET),
        ),
        CODE_ONLY: (
            "sentinel",
            lambda: documented_code_only(BODY, SENTINEL_HEADERS, SENTINEL_SECRET),
        ),
        "(a) hookshield verify alone, read event.type": (
            "sentinel",
            lambda: sentinel.verify(BODY, SENTINEL_HEADERS).type,
        ),
        "(b) hookshield verify + read event.data": ("sentinel", lambda: sentinel.verify(BODY, SENTINEL_HEADERS).data),
        "standardwebhooks Webhook.verify": ("standard", lambda: sw.verify(STANDARD_BODY, STANDARD_HEADERS_LOWER)),
        "svix Webhook.verify + json.loads": ("standard", svix_verify),
        "hookshield verify (standard), read event.data": (
            "standard",
            lambda: standard.verify(STANDARD_BODY, STANDARD_HEADERS).data,
        ),
    }


def breakdown() -> dict[str, tuple[str, Callable[[], Any]]]:
    """The pieces alone, for where the time of (a) and (b) goes."""
    sentinel = hookshield.Verifier("sentinel", SENTINEL_SECRET)
    secret = SENTINEL_SECRET.encode()
    signature = SENTINEL_HEADERS["X-Sentinel-Signature"]

    def snippet_hmac() -> bool:
        expected = hmac.new(secret, BODY, hashlib.sha256).hexdigest()
        return hmac.compare_digest(f"sha256={expected}", signature)

    return {
        "hookshield verify_signature (size, headers, signature, window; no parse)": (
            "sentinel",
            lambda: sentinel.verify_signature(BODY, SENTINEL_HEADERS),
        ),
        "json.loads of the whole body": ("sentinel", lambda: json.loads(BODY)),
        "the snippet's hmac + compare_digest alone": ("sentinel", snippet_hmac),
    }


def timed(fn: Callable[[], Any], number: int) -> tuple[float, float]:
    """Seconds per call of `fn` over `number` calls: wall-clock and CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in itertools.repeat(None, number):
        fn()
    return (time.perf_counter() - wall) / number, (time.process_time() - cpu) / number


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=5000)
    parser.add_argument("--breakdown", action="store_true", help="also time the pieces alone")
    args = parser.parse_args()
    cases = contenders()
    parts = breakdown() if args.breakdown else {}
    cases.update(parts)
    walls: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, (_, fn) in cases.items():
            wall, cpu = timed(fn, args.number)
            walls[name].append(wall)
            cpus[name].append(cpu)
    median = {name: statistics.median(values) for name, values in walls.items()}
    cpu_median = {name: statistics.median(values) for name, values in cpus.items()}
    snippet = SNIPPET
    baselines = {"sentinel": snippet, "standard": "standardwebhooks Webhook.verify"}
    print(f"Python {platform.python_version()}, {platform.machine()}, body {len(BODY)} bytes, "
          f"{args.rounds} rounds x {args.number} calls (median round; best round and median CPU time beside it)\n")
    print("| contender | payload | median µs | best µs | median CPU µs | speed-up (sentinel: vs the documented snippet; "
          "standard: vs standardwebhooks; by CPU time) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, (payload, _) in cases.items():
        if name in parts:
            continue
        base = baselines[payload]
        print(f"| {name} | {payload} 1 KiB | {median[name] * 1e6:.2f} | {min(walls[name]) * 1e6:.2f} | "
              f"{cpu_median[name] * 1e6:.2f} | {median[base] / median[name]:.2f}x; {cpu_median[base] / cpu_median[name]:.2f}x |")
    alone, with_data = "(a) hookshield verify alone, read event.type", "(b) hookshield verify + read event.data"
    ratio = median[snippet] / median[with_data]
    print(f"\n(c)/(a) = {median[snippet] / median[alone]:.2f}x, (c)/(b) = {ratio:.2f}x "
          f"(by CPU time: {cpu_median[snippet] / cpu_median[alone]:.2f}x, {cpu_median[snippet] / cpu_median[with_data]:.2f}x); "
          f"issue 12 target (c)/(b) >= 2x: {'met' if ratio >= 2 else 'not met'}")
    print(f"against the document's code alone (no timestamp check): "
          f"{median[CODE_ONLY] / median[alone]:.2f}x, {median[CODE_ONLY] / median[with_data]:.2f}x "
          f"(by CPU time: {cpu_median[CODE_ONLY] / cpu_median[alone]:.2f}x, "
          f"{cpu_median[CODE_ONLY] / cpu_median[with_data]:.2f}x)")
    if parts:
        print("\n| piece alone (sentinel 1 KiB) | median µs |")
        print("| --- | ---: |")
        for name in parts:
            print(f"| {name} | {median[name] * 1e6:.2f} |")


if __name__ == "__main__":
    main()
