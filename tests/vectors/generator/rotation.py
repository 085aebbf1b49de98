"""rotation.json: several secrets (rotation) and several signatures."""
import base64

from .cases import err, sample, valid
from .schemes import NOW, SCHEMES, SECRETS, signature, signed_headers


def rotation_cases():
    body = sample("docintell", "document.processing.completed")
    old, new = "whsec_old_secret_before_rotation", "whsec_new_secret_after_rotation"
    sbody = sample("standard", "invoice.paid")
    std_old = "whsec_" + base64.b64encode(b"old standard key").decode()
    std_new = "whsec_" + base64.b64encode(b"new standard key").decode()
    sh = signed_headers("standard", sbody, secret=std_old)
    sh[-1][1] += " " + signature(SCHEMES["standard"], std_new, sbody, NOW["standard"], sh[2][1])
    return [
        valid("docintell", "signed with the new secret", body, signed_headers("docintell", body, secret=new),
              secrets=[new, old]),
        valid("docintell", "signed with the old secret", body, signed_headers("docintell", body, secret=old),
              secrets=[new, old]),
        err("signed with neither", "docintell", body, signed_headers("docintell", body, secret="whsec_other"),
            "signature_mismatch", secrets=[new, old]),
        valid("standard", "sender signs with both keys, receiver knows only the new", sbody, sh, secrets=[std_new]),
        valid("standard", "sender signs with both keys, receiver knows only the old", sbody, sh, secrets=[std_old]),
        valid("sentinel", "a secret given as raw bytes equals its text", sample("sentinel", "document.failed"),
              signed_headers("sentinel", sample("sentinel", "document.failed")),
              secrets=[{"hex": SECRETS["sentinel"].encode().hex()}]),
    ]
