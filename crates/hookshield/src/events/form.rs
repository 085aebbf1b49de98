//! Verified bodies that are `application/x-www-form-urlencoded` rather than JSON: GitHub's
//! `payload=` deliveries, Slack's slash commands and interactivity.

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::{Error, FormEncoding};

/// The JSON text of a verified `text` that is not JSON (`error` says why), as `form`
/// reads it: the `payload` field's JSON, or (for [`FormEncoding::Fields`], where there is
/// no `payload` field) the fields as an object of strings, in the order sent.
pub(crate) fn decode(
    text: &str,
    form: FormEncoding,
    error: &serde_json::Error,
) -> Result<String, Error> {
    let fields = form_urlencoded::parse(text.as_bytes());
    if let Some((_, payload)) = fields.clone().find(|(name, _)| name == "payload") {
        serde_json::from_str::<&RawValue>(&payload).map_err(|e| Error::InvalidJson {
            reason: format!("the form's `payload` field is not JSON: {e}"),
        })?;
        return Ok(payload.into_owned());
    }
    match form {
        FormEncoding::Fields if is_form(text) => {
            let object: Map<String, Value> = fields
                .map(|(name, value)| (name.into_owned(), Value::String(value.into_owned())))
                .collect();
            Ok(Value::Object(object).to_string())
        }
        FormEncoding::Fields => Err(Error::InvalidJson {
            reason: format!("{error} (nor is it a form of name=value fields)"),
        }),
        FormEncoding::Payload | FormEncoding::None => Err(Error::InvalidJson {
            reason: format!(
                "{error} (nor is it a form with a `payload` field, as GitHub sends \
                 for the content type application/x-www-form-urlencoded)"
            ),
        }),
    }
}

/// Whether `text` is a form: `name=value` pairs joined with `&`.
fn is_form(text: &str) -> bool {
    !text.is_empty()
        && text.split('&').all(|pair| {
            pair.split_once('=')
                .is_some_and(|(name, _)| !name.is_empty())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error() -> serde_json::Error {
        serde_json::from_str::<Value>("x").unwrap_err()
    }

    #[test]
    fn fields_become_an_object_and_a_payload_is_unwrapped() {
        let command = "command=%2Fweather&text=&trigger_id=1.2.3";
        assert_eq!(
            decode(command, FormEncoding::Fields, &error()).unwrap(),
            r#"{"command":"/weather","text":"","trigger_id":"1.2.3"}"#
        );
        let action = "payload=%7B%22type%22%3A%22block_actions%22%7D";
        assert_eq!(
            decode(action, FormEncoding::Fields, &error()).unwrap(),
            r#"{"type":"block_actions"}"#
        );
        for form in [FormEncoding::Fields, FormEncoding::Payload] {
            assert!(decode("not json", form, &error()).is_err());
        }
        assert!(decode("a=1", FormEncoding::Payload, &error()).is_err());
    }
}
