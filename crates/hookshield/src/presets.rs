//! Every preset in the scheme language, each read from its provider's own webhook
//! document (the README's provider table names them). Where a document is silent the
//! preset makes one documented choice; every field can be overridden.

use crate::scheme::{Envelope, FormEncoding, Scheme};
use crate::secret::SecretFormat;
use crate::signature::SignatureEncoding;
use crate::signed_content::SignedContent;
use crate::Provider;

/// The scheme of `provider`.
pub(crate) fn scheme(provider: Provider) -> Scheme {
    let sha256_hex = Scheme::sha256_hex;
    let event_time = |type_fields: &[&str], time_fields: &[&str]| Envelope {
        time_is_event_time: true,
        ..Envelope::with_data(type_fields, &["id"], time_fields)
    };
    match provider {
        Provider::Sentinel => Scheme {
            timestamp_header: Some("X-Sentinel-Timestamp".into()),
            ..sha256_hex(
                "X-Sentinel-Signature",
                event_time(&["event"], &["timestamp"]),
            )
        },
        Provider::DocIntell => Scheme {
            timestamp_header: Some("X-DocIntell-Timestamp".into()),
            event_header: Some("X-DocIntell-Event".into()),
            ..sha256_hex(
                "X-DocIntell-Signature",
                event_time(&["event"], &["timestamp"]),
            )
        },
        // Sentrasa documents only "a signing secret for payload verification". The
        // preset follows the convention of every sibling document: `sha256=<hex>` of
        // the raw body in `X-Sentrasa-Signature`. Override the header if yours differs.
        Provider::Sentrasa => sha256_hex(
            "X-Sentrasa-Signature",
            event_time(&["event", "type"], &["timestamp", "created_at"]),
        ),
        // KYC-Webhooks documents the headers but not the signed content. The preset
        // signs `{timestamp}.{body}`, the choice that binds the timestamp to the
        // signature so a captured delivery cannot be replayed with a fresh timestamp.
        Provider::Kyc => Scheme {
            signed_content: SignedContent::TimestampBody,
            timestamp_header: Some("X-Webhook-Timestamp".into()),
            id_header: Some("X-Webhook-ID".into()),
            ..sha256_hex("X-Webhook-Signature", event_time(&["type"], &["created"]))
        },
        Provider::Sensei => {
            sha256_hex("X-Sensei-Signature", event_time(&["type"], &["created_at"]))
        }
        // GitHub sends no envelope: the type is `X-GitHub-Event` (and the payload's
        // `action`), the data the whole payload, JSON or a form's `payload` field.
        Provider::GitHub => Scheme {
            id_header: Some("X-GitHub-Delivery".into()),
            event_header: Some("X-GitHub-Event".into()),
            ..sha256_hex(
                "X-Hub-Signature-256",
                Envelope {
                    data_field: None,
                    form: FormEncoding::Payload,
                    ..Envelope::with_data(&[], &[], &[])
                },
            )
        },
        Provider::Standard => standard_webhooks("webhook"),
        // https://docs.svix.com/receiving/verifying-payloads/how-manual
        Provider::Svix => standard_webhooks("svix"),
        Provider::Stripe => stripe(),
        Provider::Slack => slack(),
        Provider::Shopify => shopify(),
        Provider::Paddle => paddle(),
        Provider::Custom => sha256_hex(
            "X-Signature",
            Envelope::with_data(
                &["type", "event"],
                &["id"],
                &["timestamp", "created_at", "created"],
            ),
        ),
    }
}

/// Standard Webhooks with headers named `{prefix}-id`, `{prefix}-timestamp` and
/// `{prefix}-signature`.
fn standard_webhooks(prefix: &str) -> Scheme {
    Scheme {
        signature_header: format!("{prefix}-signature"),
        encoding: SignatureEncoding::Base64,
        prefix: "v1,".into(),
        signed_content: SignedContent::IdTimestampBody,
        timestamp_header: Some(format!("{prefix}-timestamp")),
        id_header: Some(format!("{prefix}-id")),
        secret_format: SecretFormat::WhsecBase64,
        ..Scheme::sha256_hex("", Envelope::with_data(&["type"], &[], &["timestamp"]))
    }
}

// The platforms a receiver of the seed providers also meets.

/// <https://docs.stripe.com/webhooks#verify-manually>: `t=<unix>,v1=<hex>` (one `v1` per
/// secret while rolling it), over `{t}.{body}`; the event's `id`, `type` and `created`,
/// its data in `data`.
fn stripe() -> Scheme {
    Scheme {
        prefix: "v1=".into(),
        separator: ",".into(),
        signed_content: SignedContent::TimestampBody,
        timestamp_key: Some("t".into()),
        ..Scheme::sha256_hex(
            "Stripe-Signature",
            Envelope::with_data(&["type"], &["id"], &["created"]),
        )
    }
}

/// <https://api.slack.com/authentication/verifying-requests-from-slack>. Events API bodies
/// are JSON (`event.type`, `event_id`, `event_time`); slash commands and interactivity
/// are forms (a command's fields; a `payload` field of JSON whose `type` is e.g.
/// `block_actions`), both with a `trigger_id`.
fn slack() -> Scheme {
    Scheme {
        prefix: "v0=".into(),
        signed_content: SignedContent::from_static("v0:{timestamp}:{body}"),
        timestamp_header: Some("X-Slack-Request-Timestamp".into()),
        ..Scheme::sha256_hex(
            "X-Slack-Signature",
            Envelope {
                data_field: None,
                form: FormEncoding::Fields,
                ..Envelope::with_data(
                    &["event.type", "type", "command"],
                    &["event_id", "trigger_id"],
                    &["event_time"],
                )
            },
        )
    }
}

/// <https://shopify.dev/docs/apps/build/webhooks/verify-deliveries> and
/// .../ignore-duplicates: base64 of the body's HMAC; the topic names the type;
/// `X-Shopify-Event-Id` is the same for every delivery of one event, else the
/// delivery's `X-Shopify-Webhook-Id`. The body is the resource itself.
fn shopify() -> Scheme {
    Scheme {
        encoding: SignatureEncoding::Base64,
        prefix: String::new(),
        id_header: Some("X-Shopify-Event-Id".into()),
        fallback_id_header: Some("X-Shopify-Webhook-Id".into()),
        event_header: Some("X-Shopify-Topic".into()),
        ..Scheme::sha256_hex(
            "X-Shopify-Hmac-Sha256",
            Envelope {
                data_field: None,
                ..Envelope::with_data(&[], &[], &[])
            },
        )
    }
}

/// <https://developer.paddle.com/webhooks/signature-verification>: `ts=<unix>;h1=<hex>`
/// over `{ts}:{body}`; the event's `event_id`, `event_type`, `occurred_at`.
fn paddle() -> Scheme {
    Scheme {
        prefix: "h1=".into(),
        separator: ";".into(),
        signed_content: SignedContent::from_static("{timestamp}:{body}"),
        timestamp_key: Some("ts".into()),
        ..Scheme::sha256_hex(
            "Paddle-Signature",
            Envelope::with_data(&["event_type"], &["event_id"], &["occurred_at"]),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_one_the_language_parses() {
        for provider in Provider::ALL {
            let content = scheme(provider).signed_content;
            assert_eq!(content.as_str().parse(), Ok(content), "{provider}");
        }
    }
}
