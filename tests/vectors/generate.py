#!/usr/bin/env python3
"""Writes the cross-language test vectors in this folder.

Signatures are made with Python's standard library (hmac, hashlib, base64), independent
of the Rust core; expected events follow the rules of the README's provider table and
security model, and the providers' documents. Deterministic: running it twice writes the same files.
The parts live in the `generator` package beside this file; this entry point writes the files.

    python3 tests/vectors/generate.py          # rewrite the files
    python3 tests/vectors/generate.py --check  # fail if they are out of date
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the `generator` package beside this file, from any working directory

from generator.boundaries import boundary_cases  # noqa: E402
from generator.drift import drift_cases  # noqa: E402
from generator.errors import error_cases  # noqa: E402
from generator.interop import interop_cases  # noqa: E402
from generator.keys import key_cases  # noqa: E402
from generator.outcomes import inbox_cases, outcome_cases  # noqa: E402
from generator.providers import provider_files  # noqa: E402
from generator.rotation import rotation_cases  # noqa: E402


def files():
    out = {}
    for provider, cases in provider_files().items():
        out[f"{provider}.json"] = {"description": f"Valid {provider} deliveries: every sample event type and the "
                                                  "provider's particular cases.", "cases": cases}
    out["errors.json"] = {"description": "Every error code, and the order in which checks run.",
                          "cases": error_cases()}
    out["boundaries.json"] = {"description": "Replay window, replay horizon and size limit at and one past their bounds; "
                                             "an event time before 1970, and at and past the ends of the years 0001 to 9999.",
                              "cases": boundary_cases()}
    out["rotation.json"] = {"description": "Several secrets (rotation) and several signatures.",
                            "cases": rotation_cases()}
    out["drift.json"] = {"description": "Authentic deliveries unlike what hookshield expects: every one is an event, "
                                        "typed where it can be, untyped with the reason where not.",
                         "cases": drift_cases()}
    out["keys.json"] = {"description": "Idempotency keys: different events never share one, a redelivery keeps it.",
                        "cases": key_cases()}
    out["process/outcomes.json"] = {"description": "What process answers (outcome, HTTP status, JSON body) for every "
                                           "outcome and the common rejections, per provider.",
                            "cases": outcome_cases()}
    out["process/inbox.json"] = {"description": "What Inbox::accept answers (outcome, HTTP status, JSON body) for a "
                                                "new delivery, one already in the inbox and the common rejections, "
                                                "per provider.",
                                 "cases": inbox_cases()}
    out["interop.json"] = {"description": "What the reference libraries accept: malformed entries skipped, "
                                          "repeated headers, unpadded secrets, GitHub form deliveries.",
                           "cases": interop_cases()}
    return {name: json.dumps(content, indent=1, ensure_ascii=False) + "\n" for name, content in out.items()}


def main():
    check = "--check" in sys.argv
    stale = []
    for name, text in files().items():
        path = HERE / name
        path.parent.mkdir(exist_ok=True)
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        sys.exit(f"out of date: {', '.join(stale)}; run python3 tests/vectors/generate.py")


if __name__ == "__main__":
    main()
