"""Building a case: the sample bodies, a case's keys, a valid delivery's expected event,
an error, and small edits of headers and bodies."""
import json
from pathlib import Path

from .events import expected_event
from .schemes import NOW, SECRETS

SAMPLES = Path(__file__).resolve().parents[3] / "crates" / "hookshield" / "samples"


def sample(provider, event_type) -> bytes:
    return (SAMPLES / provider / f"{event_type}.json").read_bytes()


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def case(name, provider, body: bytes, headers, expect, *, secrets=None, options=None, now=None, check=None):
    c = {"name": name, "provider": provider,
         "secrets": [SECRETS.get(provider, "custom_secret")] if secrets is None else secrets}
    if options:
        c["options"] = options
    c["now"] = NOW[provider] if now is None else now
    try:
        c["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        c["body_hex"] = body.hex()
    c["headers"] = headers
    if check:
        c["check"] = check
    c["expect"] = expect
    return c


def valid(provider, name, body, headers, untyped=None, omit_data=False, **kw):
    event = expected_event(provider, body, headers, untyped)
    if omit_data:
        # Data no JSON vector file can hold (an unpaired surrogate, nesting past serde_json's
        # limit): each binding checks it against its own JSON parser instead.
        del event["data"]
    return case(name, provider, body, headers, {"event": event}, **kw)


def err(name, provider, body, headers, code, **kw):
    return case(name, provider, body, headers, {"error": code}, **kw)


def put(headers, name, value):
    return [[k, value if k.lower() == name.lower() else v] for k, v in headers]


def drop(headers, name):
    return [h for h in headers if h[0].lower() != name.lower()]


def one_byte_changed(body: bytes) -> bytes:
    """`body` with its last non-space byte changed (`}` -> `]`, else `x` -> `y`)."""
    i = len(body.rstrip()) - 1
    return body[:i] + (b"]" if body[i:i + 1] == b"}" else bytes([body[i] ^ 1])) + body[i + 1:]
