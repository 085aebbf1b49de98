"""`event.data` and `event.raw` are what `json.loads` gives for the same text, always;
what hookshield cannot type arrives untyped, with the reason."""

from __future__ import annotations

import json
import random
import urllib.parse

import pytest

import hookshield
from conftest import same

SECRET = "whsec_ZGF0YS10ZXN0LWRhdGEtdGVzdC1kYXRh"


def now_text() -> str:
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sensei(data_text: str, event_type: str = "approval.required") -> tuple[bytes, hookshield.Event]:
    """A signed Sensei delivery whose `data` is exactly `data_text`, and its event."""
    body = (
        '{"id":"evt_1","type":"%s","created_at":"%s","data":%s}' % (event_type, now_text(), data_text)
    ).encode()
    event = hookshield.Verifier("sensei", SECRET).verify(body, hookshield.sign("sensei", SECRET, body))
    return body, event


DEEP = '{"a":' * 200 + "1" + "}" * 200
CASES = [
    DEEP,
    "[" * 200 + "]" * 200,
    '{"text":"\\ud83d"}',
    '{"text":"\\udc00 and \\ud83d\\ude00 and \\ud83d"}',
    '{"n":18446744073709551617}',
    '{"n":-18446744073709551617}',
    '{"n":18446744073709551615,"m":-9223372036854775808}',
    '{"n":-0}',
    '{"n":-0.0,"m":0.0}',
    '{"n":4.0,"m":4,"e":1e2,"E":1E+2,"x":-3.0}',
    '{"n":123456789012345678901234567890}',
    '{"n":1.5,"m":0.1,"l":0.30000000000000004,"t":2.2250738585072014e-308,"b":1.7976931348623157e308}',
    '{"long":3.141592653589793238462643383279502884197169399375105820974944592307816406286}',
    '{"half":1.00000000000000011102230246251565404236316680908203125}',
    '{"sub":5e-324,"tiny":4.9406564584124654e-324,"under":1e-400}',
    '{"k":1,"j":0,"k":2}',
    '{"deep":' + DEEP + ',"lone":"\\ud83d","big":18446744073709551617}',
    '{"text":"caf\\u00e9 \u2603 \U0001f600","esc":"\\"\\\\\\/\\b\\f\\n\\r\\t"}',
]


@pytest.mark.parametrize("data_text", CASES, ids=range(len(CASES)))
def test_data_and_raw_equal_json_loads(data_text: str) -> None:
    body, event = sensei(data_text)
    assert event.data is not None
    assert same(event.data, json.loads(data_text)), data_text[:80]
    assert same(event.raw, json.loads(body)), data_text[:80]


def test_random_floats_read_as_json_loads_reads_them() -> None:
    rng = random.Random(11)
    numbers = []
    for _ in range(2000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 25)))
        numbers.append(f"{rng.choice(['', '-'])}{rng.randint(0, 9)}.{digits}e{rng.randint(-330, 300)}")
        numbers.append(repr(rng.uniform(-1e6, 1e6)))
    data_text = "[" + ",".join(numbers) + "]"
    _, event = sensei(data_text, "error.occurred")
    assert same(event.data, json.loads(data_text))


def test_no_data_member_is_none() -> None:
    body = ('{"id":"evt_2","type":"approval.required","created_at":"%s"}' % now_text()).encode()
    event = hookshield.Verifier("sensei", SECRET).verify(body, hookshield.sign("sensei", SECRET, body))
    assert event.data is None
    assert same(event.raw, json.loads(body))


def sentinel_completed(pages: str) -> hookshield.Event:
    body = (
        '{"event":"document.completed","timestamp":"%s","data":{"document_id":"doc_1","pages":%s}}'
        % (now_text(), pages)
    ).encode()
    verifier = hookshield.Verifier("sentinel", SECRET)
    return verifier.verify(body, hookshield.sign("sentinel", SECRET, body))


def test_drifted_field_arrives_untyped_with_the_reason() -> None:
    event = sentinel_completed('"4"')
    assert (event.type, event.documented, event.untyped_reason) == ("document.completed", False, "data_mismatch")
    assert event.untyped_detail and "string \"4\"" in event.untyped_detail
    assert same(event.data, {"document_id": "doc_1", "pages": "4"})


def test_whole_float_is_an_integer_field_and_data_stays_what_json_loads_gives() -> None:
    event = sentinel_completed("4.0")
    assert (event.documented, event.untyped_reason, event.untyped_detail) == (True, None, None)
    assert same(event.data, {"document_id": "doc_1", "pages": 4.0})


def test_a_body_without_a_type_arrives_with_an_empty_type() -> None:
    body = b'{"test": 2432232314}'
    verifier = hookshield.Verifier("standard", SECRET)
    event = verifier.verify(body, hookshield.sign("standard", SECRET, body, id="msg_1"))
    assert (event.type, event.untyped_reason, event.documented) == ("", "missing_type", False)
    assert event.untyped_detail
    assert same(event.raw, {"test": 2432232314})


def test_a_body_that_is_not_an_object_is_its_data() -> None:
    body = b' [1, -0, 18446744073709551617, "\\ud83d"] '
    verifier = hookshield.Verifier("standard", SECRET)
    event = verifier.verify(body, hookshield.sign("standard", SECRET, body, id="msg_2"))
    assert event.untyped_reason == "not_an_object"
    assert same(event.data, json.loads(body)) and same(event.raw, json.loads(body))


def test_github_form_delivery_reads_its_payload() -> None:
    payload = '{"action":"opened","n":-0,"big":18446744073709551617,"f":4.0}'
    body = ("payload=" + urllib.parse.quote_plus(payload)).encode()
    headers = {
        **hookshield.sign("github", SECRET, body, id="d-1", event="issues"),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    event = hookshield.Verifier("github", SECRET).verify(body, headers)
    assert event.type == "issues.opened"
    assert same(event.raw, json.loads(payload)) and same(event.data, json.loads(payload))


def test_repeated_signature_headers_are_all_read() -> None:
    body = hookshield.sample("sentinel", "report.generated")
    good = hookshield.sign("sentinel", SECRET, body)
    bad = hookshield.sign("sentinel", "whsec_other", body)
    name = "X-Sentinel-Signature"
    others = [(k, v) for k, v in good.items() if k != name]
    verifier = hookshield.Verifier("sentinel", SECRET)
    for pairs in (
        [(name, bad[name]), (name.lower(), good[name]), *others],
        [(name, good[name]), (name, bad[name]), *others],
        # A WSGI server joins the occurrences with a bare comma.
        [(name, bad[name] + "," + good[name]), *others],
        [(name, "sha256=bm9wZQ==," + good[name]), *others],
    ):
        assert verifier.verify(body, pairs).type == "report.generated"
    with pytest.raises(hookshield.SignatureError):
        verifier.verify(body, [(name, bad[name]), (name, bad[name]), *others])


def test_check_body_size() -> None:
    verifier = hookshield.Verifier("sentinel", SECRET, max_body_bytes=10)
    verifier.check_body_size(10)
    with pytest.raises(hookshield.PayloadError) as raised:
        verifier.check_body_size(11)
    assert (raised.value.code, raised.value.status) == ("body_too_large", 413)
    assert raised.value.details == {"size": 11, "limit": 10}
