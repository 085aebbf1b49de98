"""interop.json: what the reference libraries accept."""
import base64
from urllib.parse import quote_plus

from .cases import compact, err, sample, valid
from .schemes import signed_headers


def interop_cases():
    """What the reference libraries accept."""
    sbody = sample("standard", "invoice.paid")
    sh = signed_headers("standard", sbody, msg_id="msg_interop")
    good = sh[-1][1]
    skip_bad = [h if h[0] != "webhook-signature" else [h[0], f"v1,bm9wZQ== {good}"] for h in sh]
    padded = "whsec_" + base64.b64encode(b"a key of 25 bytes, padded").decode()
    assert padded.endswith("=")
    uh = signed_headers("standard", sbody, secret=padded, msg_id="msg_interop")
    unpadded = padded.rstrip("=")
    body = sample("sentinel", "document.failed")
    sh2 = signed_headers("sentinel", body)
    sig = sh2[-1]
    bad = ["X-Sentinel-Signature", "sha256=" + "00" * 32]
    gh_json = compact({"zen": "Design for failure.", "hook_id": 1, "hook": {"events": ["push"]}})
    form = b"payload=" + quote_plus(gh_json.decode()).encode()
    gh = [["Content-Type", "application/x-www-form-urlencoded"]] + \
        signed_headers("github", form, event="ping", msg_id="d-form")[1:]
    return [
        valid("standard", "a malformed entry beside a usable one is skipped", sbody, skip_bad),
        err("only malformed entries", "standard", sbody,
            [h if h[0] != "webhook-signature" else [h[0], "v1,bm9wZQ=="] for h in sh], "malformed_signature"),
        valid("standard", "an unpadded whsec_ secret is the same key", sbody, uh, secrets=[unpadded]),
        valid("sentinel", "a repeated signature header: the second holds", body, sh2[:-1] + [bad, sig]),
        valid("sentinel", "a repeated signature header: the first holds", body, sh2[:-1] + [sig, bad]),
        valid("sentinel", "signatures joined with a comma", body, sh2[:-1] + [[sig[0], f"{bad[1]}, {sig[1]}"]]),
        valid("github", "a form-encoded delivery", form, gh),
    ]
