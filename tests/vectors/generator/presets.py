"""The provider files' cases for Stripe, Svix, Slack, Shopify and Paddle."""
import json
from urllib.parse import urlencode

from .cases import compact, drop, err, one_byte_changed, put, sample, valid
from .schemes import NOW, SCHEMES, signature, signed_headers


def new_preset_cases():
    """Stripe, Svix, Slack, Shopify and Paddle: their documents' published examples where
    they publish any, and the shapes of their headers."""
    out = {}
    # Stripe: stripe-node's webhook tests sign JSON.stringify({id, object}, null, 2) with
    # whsec_test_secret into `t=<ts>,v1=<hex>` (generateTestHeaderString).
    payload = json.dumps({"id": "evt_test_webhook", "object": "event"}, indent=2).encode()
    sh = signed_headers("stripe", payload)
    sig = sh[-1][1]
    good = sig.split(",", 1)[1]
    other = signature(SCHEMES["stripe"], "whsec_rolled_secret", payload, NOW["stripe"])
    v0 = "v0=" + "6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"
    event = json.loads(sample("stripe", "payment_intent.succeeded"))
    event["created"] = NOW["stripe"] - 60
    ebody = json.dumps(event, indent=2).encode()
    out["stripe"] = [
        valid("stripe", "stripe-node's test payload and header", payload, sh),
        valid("stripe", "a v1=potato entry beside the real one (stripe-node)", payload,
              put(sh, "Stripe-Signature", sig + ",v1=potato")),
        valid("stripe", "rolling secrets: two v1 signatures and a v0", payload,
              put(sh, "Stripe-Signature", f"t={NOW['stripe']},{other},{good},{v0}")),
        valid("stripe", "an event with its type, id and created time", ebody, signed_headers("stripe", ebody)),
        err("stripe: one byte of the body changed", "stripe", one_byte_changed(payload), sh, "signature_mismatch"),
        err("stripe: the signed timestamp changed", "stripe", payload,
            put(sh, "Stripe-Signature", sig.replace(f"t={NOW['stripe']}", f"t={NOW['stripe'] + 1}")),
            "signature_mismatch"),
        err("stripe: only a v0 signature (another scheme)", "stripe", payload,
            put(sh, "Stripe-Signature", f"t={NOW['stripe']},{v0}"), "malformed_signature"),
        err("stripe: no t= entry", "stripe", payload, put(sh, "Stripe-Signature", good), "missing_timestamp"),
        err("stripe: t= is not Unix seconds", "stripe", payload,
            put(sh, "Stripe-Signature", f"t=yesterday,{good}"), "malformed_timestamp"),
        err("stripe: t= older than the tolerance", "stripe", payload, sh, "timestamp_too_old",
            now=NOW["stripe"] + 301),
    ]
    # Svix: the documented example of "Verifying Webhooks Manually" and the libraries' tests.
    doc_body = b'{"test": 2432232314}'
    doc = [["svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"], ["svix-timestamp", "1614265330"],
           ["svix-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="]]
    assert signed_headers("svix", doc_body, ts=1614265330, msg_id=doc[0][1])[-1] == doc[-1], "Svix's example"
    out["svix"] = [
        valid("svix", "Svix's documented example", doc_body, doc, now=1614265330),
        err("svix: one byte of the documented body changed", "svix", one_byte_changed(doc_body), doc,
            "signature_mismatch", now=1614265330),
        err("svix: webhook- headers are not svix- headers", "svix", doc_body,
            [[k.replace("svix-", "webhook-"), v] for k, v in doc], "missing_header", now=1614265330),
    ]
    # Slack: the documented example of "Verifying requests from Slack" (a slash command).
    slash = (b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
             b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
             b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
             b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
    documented = [["Content-Type", "application/x-www-form-urlencoded"],
                  ["X-Slack-Request-Timestamp", "1531420618"],
                  ["X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"]]
    assert signed_headers("slack", slash, ts=1531420618) == documented, "Slack's documented example"
    action = {"type": "block_actions", "trigger_id": "13345224609.738474920.8088930838d88f008e0",
              "user": {"id": "U0CA5"}, "actions": [{"action_id": "approve", "value": "yes"}]}
    interactive = urlencode({"payload": json.dumps(action)}).encode()
    challenge = compact({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                         "type": "url_verification"})
    out["slack"] = [
        valid("slack", "Slack's documented example (a slash command)", slash, documented, now=1531420618),
        err("slack: one byte of the documented body changed", "slack", one_byte_changed(slash), documented,
            "signature_mismatch", now=1531420618),
        err("slack: the documented example 301 s later", "slack", slash, documented, "timestamp_too_old",
            now=1531420618 + 301),
        valid("slack", "interactivity: the payload field's JSON", interactive, signed_headers("slack", interactive)),
        valid("slack", "the Events API's url_verification", challenge, signed_headers("slack", challenge)),
    ]
    # Shopify: the key is X-Shopify-Event-Id, else X-Shopify-Webhook-Id.
    order = sample("shopify", "orders/create")
    both = signed_headers("shopify", order, event="orders/create", msg_id="evt-7d6f8a1c")
    both = put(both, "X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    out["shopify"] = [
        valid("shopify", "X-Shopify-Event-Id and X-Shopify-Webhook-Id: the event's id", order, both),
        valid("shopify", "without X-Shopify-Event-Id: the delivery's id", order, drop(both, "X-Shopify-Event-Id")),
        err("shopify: neither id header", "shopify", order,
            drop(drop(both, "X-Shopify-Event-Id"), "X-Shopify-Webhook-Id"), "missing_header"),
        err("shopify: without X-Shopify-Topic", "shopify", order, drop(both, "X-Shopify-Topic"), "missing_header"),
        err("shopify: one byte of the body changed", "shopify", one_byte_changed(order), both, "signature_mismatch"),
    ]
    # Paddle: `ts=…;h1=…`, two h1 while a secret is rotated.
    txn = sample("paddle", "transaction.completed")
    ph = signed_headers("paddle", txn)
    rotated = signature(SCHEMES["paddle"], "pdl_ntfset_previous_secret", txn, NOW["paddle"])
    out["paddle"] = [
        valid("paddle", "two h1 signatures while a secret rotates", txn, put(ph, "Paddle-Signature", f"{ph[-1][1]};{rotated}")),
        err("paddle: one byte of the body changed", "paddle", one_byte_changed(txn), ph, "signature_mismatch"),
        err("paddle: ts= older than the tolerance", "paddle", txn, ph, "timestamp_too_old", now=NOW["paddle"] + 301),
    ]
    return out
