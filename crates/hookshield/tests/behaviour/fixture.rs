//! What every module shares: the secrets, the fixed "now", signed samples of each provider
//! and their verified events, and edits of a header list.

use hookshield::{Event, Provider, SignOptions, Verifier};

/// A secret that must never show up anywhere.
pub(crate) const SECRET: &str = "whsec_Behaviour_S3cret_value_do_not_leak";
/// The same idea for Standard Webhooks: `whsec_` + base64("secret-key-for-behaviour-tests").
pub(crate) const STANDARD_SECRET: &str = "whsec_c2VjcmV0LWtleS1mb3ItYmVoYXZpb3VyLXRlc3Rz";
pub(crate) const STANDARD_KEY: &str = "secret-key-for-behaviour-tests";
pub(crate) const NOW: i64 = 1_767_225_600;

pub(crate) fn secret_for(provider: Provider) -> &'static str {
    if provider.scheme().secret_format == hookshield::SecretFormat::WhsecBase64 {
        STANDARD_SECRET
    } else {
        SECRET
    }
}

pub(crate) fn verifier(provider: Provider) -> Verifier {
    Verifier::builder(provider)
        .secret(secret_for(provider))
        .clock(|| NOW)
        .build()
        .unwrap()
}

/// A sample body of `provider`, stamped at `NOW` (a small envelope for the custom
/// provider).
pub(crate) fn sample_body(provider: Provider) -> Vec<u8> {
    match hookshield::sample_types(provider).first() {
        Some(event_type) => sample(provider, event_type).into_bytes(),
        None => br#"{"type":"thing.happened","id":"t_1","data":{"thing_id":"th_1"}}"#.to_vec(),
    }
}

/// The sample of `event_type`, stamped at `NOW`.
pub(crate) fn sample(provider: Provider, event_type: &str) -> String {
    hookshield::sample_at(provider, event_type, NOW).unwrap()
}

pub(crate) fn options(provider: Provider) -> SignOptions {
    let options = SignOptions::at(NOW);
    match provider {
        Provider::GitHub => options
            .event("ping")
            .id("72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        // The topic header names the type: the body is the resource itself.
        Provider::Shopify => options.event("orders/create"),
        _ => options,
    }
}

pub(crate) fn sign(
    provider: Provider,
    body: &[u8],
    options: &SignOptions,
) -> Vec<(String, String)> {
    hookshield::sign(provider, secret_for(provider), body, options).unwrap()
}

pub(crate) fn without(headers: &[(String, String)], name: &str) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
        .cloned()
        .collect()
}

pub(crate) fn with(headers: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out = without(headers, name);
    out.push((name.to_owned(), value.to_owned()));
    out
}

pub(crate) fn processed_event(provider: Provider, event_type: &str) -> Event {
    let body = sample(provider, event_type);
    let body = body.as_bytes();
    let mut options = SignOptions::at(NOW);
    if provider == Provider::GitHub {
        options = options
            .event(event_type.split('.').next().unwrap())
            .id(format!("delivery-{event_type}"));
    }
    if provider == Provider::Shopify {
        options = options.event(event_type);
    }
    verifier(provider)
        .verify(body, &sign(provider, body, &options))
        .unwrap()
}

pub(crate) type Pairs = Vec<(String, String)>;
