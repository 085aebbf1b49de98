"""What each preset sends and how it is signed: header names, signed content, secrets,
the clock per provider, and signatures made with Python's standard library."""
import base64
import hashlib
import hmac
import json


# What each preset sends, from the providers' documents (see crates/hookshield/src/provider.rs).
SCHEMES = {
    "sentinel": dict(sig="X-Sentinel-Signature", ts="X-Sentinel-Timestamp"),
    "docintell": dict(sig="X-DocIntell-Signature", ts="X-DocIntell-Timestamp", event="X-DocIntell-Event"),
    "sentrasa": dict(sig="X-Sentrasa-Signature"),
    "kyc": dict(sig="X-Webhook-Signature", ts="X-Webhook-Timestamp", id="X-Webhook-ID", content="ts.body"),
    "sensei": dict(sig="X-Sensei-Signature"),
    "github": dict(sig="X-Hub-Signature-256", id="X-GitHub-Delivery", event="X-GitHub-Event"),
    "standard": dict(sig="webhook-signature", ts="webhook-timestamp", id="webhook-id", content="id.ts.body",
                     encoding="base64", prefix="v1,", secret="whsec_base64"),
    # https://docs.stripe.com/webhooks#verify-manually: `t=<unix>,v1=<hex>` over `{t}.{body}`.
    "stripe": dict(sig="Stripe-Signature", tskey="t", sep=",", prefix="v1=", content="ts.body"),
    # https://docs.svix.com/receiving/verifying-payloads/how-manual
    "svix": dict(sig="svix-signature", ts="svix-timestamp", id="svix-id", content="id.ts.body",
                 encoding="base64", prefix="v1,", secret="whsec_base64"),
    # https://api.slack.com/authentication/verifying-requests-from-slack
    "slack": dict(sig="X-Slack-Signature", ts="X-Slack-Request-Timestamp", prefix="v0=", content="v0:ts:body"),
    # https://shopify.dev/docs/apps/build/webhooks/verify-deliveries (and ignore-duplicates)
    "shopify": dict(sig="X-Shopify-Hmac-Sha256", id="X-Shopify-Event-Id", fallback_id="X-Shopify-Webhook-Id",
                    event="X-Shopify-Topic", encoding="base64", prefix=""),
    # https://developer.paddle.com/webhooks/signature-verification: `ts=<unix>;h1=<hex>` over `{ts}:{body}`.
    "paddle": dict(sig="Paddle-Signature", tskey="ts", sep=";", prefix="h1=", content="ts:body"),
}
# What each signed-content shorthand above signs.
CONTENT = {"body": "{body}", "ts.body": "{timestamp}.{body}", "id.ts.body": "{id}.{timestamp}.{body}",
           "v0:ts:body": "v0:{timestamp}:{body}", "ts:body": "{timestamp}:{body}"}
SECRETS = {
    "sentinel": "whsec_your_webhook_secret",
    "docintell": "whsec_abcdefghijklmnopqrstuvwxyz1234567890ABC",
    "sentrasa": "my_webhook_secret",
    "kyc": "kyc_generated_secret_a1b2",
    "sensei": "whsec_your_signing_secret",
    "github": "It's a Secret to Everybody",
    "standard": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "stripe": "whsec_test_secret",  # stripe-node's webhook tests
    "svix": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",  # Svix's documented example
    "slack": "8f742231b10e8888abcd99yyyzzz85a5",  # Slack's documented example
    "shopify": "shpss_hookshield_client_secret",
    "paddle": "pdl_ntfset_01hv8x2af9x7cyye9qhmxb1yv6_hookshield",
}
NOW = {
    "sentinel": 1778839500, "docintell": 1764757800, "sentrasa": 1774000800, "kyc": 1767225600,
    "sensei": 1770043530, "github": 1767225600, "standard": 1767225600, "custom": 1767225600,
    "stripe": 1767225600, "svix": 1767225600, "slack": 1767225600, "shopify": 1767225600, "paddle": 1767225600,
}


# Senders whose bodies, when not JSON, are signed here as forms (GitHub's form cases set
# their Content-Type themselves).
FORMS = {"slack"}


def key_bytes(secret, fmt):
    if isinstance(secret, dict):
        return bytes.fromhex(secret["hex"])
    if fmt == "whsec_base64":
        return base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    return secret.encode()


def signature(scheme, secret, body: bytes, ts=None, msg_id=None):
    """`prefix` + the encoded tag (one entry of the signature header)."""
    template = CONTENT[scheme.get("content", "body")]
    before, after = template.split("{body}")
    fill = lambda text: text.replace("{id}", str(msg_id)).replace("{timestamp}", str(ts)).encode()
    message = fill(before) + body + fill(after)
    tag = hmac.new(key_bytes(secret, scheme.get("secret", "utf8")), message, hashlib.sha256).digest()
    encoded = base64.b64encode(tag).decode() if scheme.get("encoding") == "base64" else tag.hex()
    return scheme.get("prefix", "sha256=") + encoded


def signed_headers(provider, body: bytes, secret=None, ts=None, msg_id=None, event=None, scheme=None):
    scheme = scheme or SCHEMES[provider]
    secret = SECRETS[provider] if secret is None else secret
    ts = NOW.get(provider, 0) if ts is None else ts
    parsed = try_json(body)
    if msg_id is None and "id" in scheme:
        msg_id = parsed.get("id") if isinstance(parsed, dict) and isinstance(parsed.get("id"), str) else "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
    form = parsed is None and provider in FORMS
    headers = [["Content-Type", "application/x-www-form-urlencoded" if form else "application/json"]]
    if "ts" in scheme:
        headers.append([scheme["ts"], str(ts)])
    if "id" in scheme:
        headers.append([scheme["id"], msg_id])
    if "fallback_id" in scheme:
        headers.append([scheme["fallback_id"], msg_id])
    if "event" in scheme:
        if event is None and isinstance(parsed, dict):
            event = parsed.get("event") or parsed.get("type")
        headers.append([scheme["event"], event])
    value = signature(scheme, secret, body, ts, msg_id)
    if "tskey" in scheme:
        value = f"{scheme['tskey']}={ts}{scheme['sep']}{value}"
    headers.append([scheme["sig"], value])
    return headers


def try_json(body: bytes):
    try:
        return json.loads(body)
    except ValueError:
        return None
