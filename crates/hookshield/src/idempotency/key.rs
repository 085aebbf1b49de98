//! Deriving the key that identifies an event across redeliveries.

use sha2::{Digest as _, Sha256};

use crate::events::EventData;
use crate::Provider;

/// What a key is derived from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyInput<'a> {
    pub(crate) provider: Provider,
    pub(crate) event_type: &'a str,
    /// The provider's event (or delivery) id.
    pub(crate) id: Option<&'a str>,
    /// The envelope's `data` as JSON text (the body's text where it has no `data`).
    pub(crate) data: &'a str,
    /// The typed data, whose resource ids spare a scan of `data`.
    pub(crate) typed: Option<&'a EventData>,
    /// The event time as the envelope wrote it.
    pub(crate) event_time: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

/// The idempotency key of an event, as the contract orders the choices:
///
/// 1. the provider's event id where there is one (KYC `id`/`X-Webhook-ID`, Sensei `id`,
///    Standard Webhooks `webhook-id`, GitHub `X-GitHub-Delivery`), as sent;
/// 2. for DocIntell, `{event}:{document_id}:{job_id}` as its document advises;
/// 3. otherwise `{type}:{resource id}:{event time}:{digest}`: the resource id the event is
///    about (Sentinel's `document_id`, `session_id` or `report_id`, Sentrasa's `job_id`
///    or `alert_id`, else the first `*_id` string of `data`; empty if none), the event
///    time as the envelope wrote it (empty if none), and the first 128 bits of the
///    SHA-256 of the data's text without its insignificant whitespace, so two different
///    events of one resource in one second never share a key while a redelivery keeps
///    it, however it is indented;
/// 4. for a body that names no type, `sha256:` and the hex SHA-256 of the body.
///
/// Joined parts are escaped (`%` as `%25`, `:` as `%3A`), so `doc:a` + `b` and
/// `doc` + `a:b` cannot meet.
pub(crate) fn derive_key(input: &KeyInput<'_>) -> String {
    if let Some(id) = input.id {
        return id.to_owned();
    }
    let event_type = input.event_type;
    if event_type.is_empty() {
        return body_key(input.body);
    }
    let typed_resource = match input.typed {
        Some(EventData::DocIntell(event)) => {
            let (document, job) = event.document_and_job();
            return join(&[event_type, document, job]);
        }
        Some(EventData::Sentinel(event)) => Some(event.resource_id()),
        Some(EventData::Sentrasa(event)) => event.resource_id(),
        Some(EventData::Kyc(event)) => event.resource_id(),
        _ => None,
    };
    let data_ids;
    let resource = if let Some(resource) = typed_resource {
        resource
    } else {
        // Not typed: read the ids out of `data`.
        data_ids = crate::events::envelope::data_ids(input.data);
        if input.provider == Provider::DocIntell && input.typed.is_none() {
            if let (Some(document), Some(job)) = (&data_ids.document_id, &data_ids.job_id) {
                return join(&[event_type, document, job]);
            }
        }
        data_ids.first.as_deref().unwrap_or_default()
    };
    let digest = hex::encode(&digest_of_json(input.data)[..16]);
    join(&[
        event_type,
        resource,
        input.event_time.unwrap_or_default(),
        &digest,
    ])
}

/// The SHA-256 of JSON text, leaving out the whitespace between tokens. The text is fed
/// to the hash in the runs between such whitespace, so compact JSON is one run.
fn digest_of_json(text: &str) -> [u8; 32] {
    let bytes = text.as_bytes();
    if !may_have_whitespace_between_tokens(bytes) {
        return Sha256::digest(bytes).into();
    }
    let mut hasher = Sha256::new();
    let mut run_start = 0;
    let mut at = 0;
    while at < bytes.len() {
        // Outside strings, up to the next string: tokens and whitespace.
        let quote = memchr::memchr(b'"', &bytes[at..]).map_or(bytes.len(), |found| at + found);
        for (offset, byte) in bytes[at..quote].iter().enumerate() {
            if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                hasher.update(&bytes[run_start..at + offset]);
                run_start = at + offset + 1;
            }
        }
        // The string, whitespace and all: up to its closing quote, stepping over escapes.
        let mut end = quote + 1;
        while let Some(found) = bytes
            .get(end..)
            .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
        {
            end += found;
            if bytes[end] == b'"' {
                break;
            }
            end += 2;
        }
        at = end + 1;
    }
    hasher.update(&bytes[run_start..]);
    hasher.finalize().into()
}

/// Whether JSON text may have whitespace between its tokens (`false` is certain).
///
/// A raw tab, line feed or carriage return can only stand between tokens (a string must
/// escape them). A space can stand in a string too, but one between tokens always
/// touches a `{}[],:` or another space, since two values are always separated by one of
/// those; the spaces of ordinary text (between words) do not, so such bodies are hashed
/// without a scan.
fn may_have_whitespace_between_tokens(bytes: &[u8]) -> bool {
    let structural =
        |byte: Option<&u8>| matches!(byte, Some(b'{' | b'}' | b'[' | b']' | b',' | b':' | b' '));
    memchr::memchr3(b'\n', b'\r', b'\t', bytes).is_some()
        || memchr::memchr_iter(b' ', bytes).any(|at| {
            structural(at.checked_sub(1).and_then(|before| bytes.get(before)))
                || structural(bytes.get(at + 1))
        })
}

/// `parts` joined with `:`, each escaped so that no join of other parts can equal it.
fn join(parts: &[&str]) -> String {
    let mut key = String::with_capacity(parts.iter().map(|part| part.len() + 1).sum());
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            key.push(':');
        }
        for c in part.chars() {
            match c {
                '%' => key.push_str("%25"),
                ':' => key.push_str("%3A"),
                c => key.push(c),
            }
        }
    }
    key
}

/// `sha256:<hex>` of the body, the key of last resort.
pub(crate) fn body_key(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

#[cfg(test)]
mod tests {
    use super::{digest_of_json, join, may_have_whitespace_between_tokens};

    #[test]
    fn text_in_strings_takes_the_quick_path_and_whitespace_between_tokens_does_not() {
        assert!(!may_have_whitespace_between_tokens(
            br#"{"a":"two words","b":[1,2]}"#
        ));
        for spaced in [
            &br#"{"a": 1}"#[..],
            br#"{"a" :1}"#,
            b"[1 ,2]",
            br#"{ "a":1}"#,
            b"{\"a\":\n1}",
            br#"{"a":"x  y"}"#, // two spaces: taken for whitespace between tokens, safely
        ] {
            assert!(may_have_whitespace_between_tokens(spaced));
        }
        // Either way, the same digest as the compact text.
        assert_eq!(
            digest_of_json(r#"{"a":"two words"}"#),
            digest_of_json(r#"{ "a" : "two words" }"#)
        );
    }

    #[test]
    fn the_digest_ignores_whitespace_between_tokens_only() {
        let compact = digest_of_json(r#"{"a":[1,2],"b":"x y"}"#);
        assert_eq!(
            compact,
            digest_of_json("{ \"a\": [1, 2],\n \"b\": \"x y\" }")
        );
        assert_ne!(compact, digest_of_json(r#"{"a":[1,2],"b":"xy"}"#));
        assert_ne!(
            digest_of_json(r#"{"a":"\" b"}"#),
            digest_of_json(r#"{"a":"\"b"}"#)
        );
    }

    #[test]
    fn joined_parts_cannot_collide() {
        assert_ne!(join(&["t", "doc:a", "b"]), join(&["t", "doc", "a:b"]));
        assert_ne!(join(&["t", "a%3Ab"]), join(&["t", "a:b"]));
        assert_eq!(join(&["t", "d_1", "j_1"]), "t:d_1:j_1");
    }
}
