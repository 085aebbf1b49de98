"""The same comparison as test_compare.py as one table with ratios, interleaving the
contenders so machine load affects them alike.

    bindings/python/.venv/bin/python bindings/python/benches/compare.py [--rounds 15] [--breakdown]

For the 1 KiB Sentinel body it reports, side by side: (a) hookshield verify alone
(reading `event.type`, so `data` is never built), (b) verify + reading `event.data` (the
whole dict built), (c) the documented snippet (`hmac` + `hmac.compare_digest` +
`json.loads`, the whole object built), and the speed-ups (c)/(a) and (c)/(b); the
issue 12 target is (c)/(b) >= 2. `--breakdown` adds the pieces alone (the signature
check without parsing, `json.loads`, the snippet's HMAC) for where the time goes.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import pathlib
import platform
import sys
import timeit
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
    documented_snippet,
)


def contenders() -> dict[str, tuple[str, Callable[[], Any]]]:
    sentinel = hookshield.Verifier("sentinel", SENTINEL_SECRET)
    standard = hookshield.Verifier("standard", STANDARD_SECRET)
    sw = standardwebhooks.Webhook(STANDARD_SECRET)
    sx = svix.webhooks.Webhook(STANDARD_SECRET)

    def svix_verify() -> Any:
        sx.verify(STANDARD_BODY, STANDARD_HEADERS_LOWER)
        return json.loads(STANDARD_BODY)

    return {
        "(c) documented snippet (hmac + compare_digest + json.loads)": (
            "sentinel",
            lambda: documented_snippet(BODY, SENTINEL_HEADERS, SENTINEL_SECRET),
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=5000)
    parser.add_argument("--breakdown", action="store_true", help="also time the pieces alone")
    args = parser.parse_args()
    cases = contenders()
    parts = breakdown() if args.breakdown else {}
    cases.update(parts)
    best = {name: float("inf") for name in cases}
    for _ in range(args.rounds):
        for name, (_, fn) in cases.items():
            best[name] = min(best[name], timeit.timeit(fn, number=args.number) / args.number)
    baselines = {
        "sentinel": best["(c) documented snippet (hmac + compare_digest + json.loads)"],
        "standard": best["standardwebhooks Webhook.verify"],
    }
    print(f"Python {platform.python_version()}, {platform.machine()}, body {len(BODY)} bytes, "
          f"best of {args.rounds} rounds x {args.number} calls\n")
    print("| contender | payload | µs per delivery | speed-up (sentinel: vs the documented snippet; standard: vs standardwebhooks) |")
    print("| --- | --- | ---: | ---: |")
    for name, (payload, _) in cases.items():
        if name in parts:
            continue
        print(f"| {name} | {payload} 1 KiB | {best[name] * 1e6:.2f} | {baselines[payload] / best[name]:.2f}x |")
    alone = baselines["sentinel"] / best["(a) hookshield verify alone, read event.type"]
    with_data = baselines["sentinel"] / best["(b) hookshield verify + read event.data"]
    print(f"\n(c)/(a) = {alone:.2f}x, (c)/(b) = {with_data:.2f}x; "
          f"issue 12 target (c)/(b) >= 2x: {'met' if with_data >= 2 else 'not met'}")
    if parts:
        print("\n| piece alone (sentinel 1 KiB) | µs |")
        print("| --- | ---: |")
        for name in parts:
            print(f"| {name} | {best[name] * 1e6:.2f} |")


if __name__ == "__main__":
    main()
