"""The same comparison as test_compare.py as one table with ratios, interleaving the
contenders so machine load affects them alike.

    bindings/python/.venv/bin/python bindings/python/benches/compare.py [--rounds 15]
"""

from __future__ import annotations

import argparse
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
        "documented snippet (hmac + compare_digest + json.loads)": (
            "sentinel",
            lambda: documented_snippet(BODY, SENTINEL_HEADERS, SENTINEL_SECRET),
        ),
        "hookshield verify, read event.type": ("sentinel", lambda: sentinel.verify(BODY, SENTINEL_HEADERS).type),
        "hookshield verify, read event.data": ("sentinel", lambda: sentinel.verify(BODY, SENTINEL_HEADERS).data),
        "standardwebhooks Webhook.verify": ("standard", lambda: sw.verify(STANDARD_BODY, STANDARD_HEADERS_LOWER)),
        "svix Webhook.verify + json.loads": ("standard", svix_verify),
        "hookshield verify (standard), read event.data": (
            "standard",
            lambda: standard.verify(STANDARD_BODY, STANDARD_HEADERS).data,
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=5000)
    args = parser.parse_args()
    cases = contenders()
    best = {name: float("inf") for name in cases}
    for _ in range(args.rounds):
        for name, (_, fn) in cases.items():
            best[name] = min(best[name], timeit.timeit(fn, number=args.number) / args.number)
    baselines = {
        "sentinel": best["documented snippet (hmac + compare_digest + json.loads)"],
        "standard": best["standardwebhooks Webhook.verify"],
    }
    print(f"Python {platform.python_version()}, {platform.machine()}, body {len(BODY)} bytes, "
          f"best of {args.rounds} rounds x {args.number} calls\n")
    print("| contender | payload | µs per delivery | speed-up (sentinel: vs the documented snippet; standard: vs standardwebhooks) |")
    print("| --- | --- | ---: | ---: |")
    for name, (payload, _) in cases.items():
        print(f"| {name} | {payload} 1 KiB | {best[name] * 1e6:.2f} | {baselines[payload] / best[name]:.2f}x |")


if __name__ == "__main__":
    main()
