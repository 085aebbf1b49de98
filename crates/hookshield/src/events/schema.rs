//! The JSON Schema of every documented event (feature `schema`): the one source of the
//! event types the bindings ship.
//!
//! [`document`] describes each documented event as a binding exposes it: its `provider`,
//! `type`, `family` and the typed `data`, whose schemas come from the data structs
//! themselves. `cargo run -p hookshield --features schema --example event_schema` writes
//! it to `crates/hookshield/schema/events.json`, from which
//! `bindings/python/tools/gen_event_stubs.py` writes the Python stubs' TypedDicts and
//! `bindings/node/scripts/gen-events-dts.mjs` writes `bindings/node/events.d.ts`.
//!
//! ```
//! let schema = hookshield::events::schema::document();
//! let sentinel = &schema["oneOf"][0];
//! assert_eq!(sentinel["title"], "SentinelEvent");
//! assert_eq!(sentinel["oneOf"][0]["properties"]["type"]["const"], "document.completed");
//! assert_eq!(schema["$defs"]["SentinelDocumentCompleted"]["required"][0], "document_id");
//! ```

use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use super::docintell::DocIntellEvent;
use super::kyc;
use super::sensei::SenseiEvent;
use super::sentinel::SentinelEvent;
use super::sentrasa::SentrasaEvent;
use crate::Provider;

/// One documented type of a provider (a family of types for KYC-Webhooks).
#[derive(Debug)]
pub(crate) struct DocumentedType {
    /// The variant of the provider's enum, e.g. `DocumentCompleted`.
    pub(crate) variant: &'static str,
    /// The type string, or the types of a family.
    pub(crate) event_type: EventType,
    /// The documented family, e.g. `document`.
    pub(crate) family: &'static str,
    /// The schema of the data, a reference into the generator's definitions.
    pub(crate) data: Schema,
}

/// The type of a [`DocumentedType`].
#[derive(Debug)]
pub(crate) enum EventType {
    /// Exactly this type, e.g. `document.completed`.
    Exact(&'static str),
    /// Every type that begins with this prefix and goes on (KYC-Webhooks' families,
    /// e.g. `kyc.session.`), with the ones hookshield has samples of.
    Prefixed(&'static str, Vec<&'static str>),
}

/// Each provider with documented events, with its enum's name and types, in
/// [`Provider::ALL`]'s order.
type Types = fn(&mut SchemaGenerator) -> (&'static str, Vec<DocumentedType>);
const PROVIDERS: [(Provider, Types); 5] = [
    (Provider::Sentinel, SentinelEvent::schema_types),
    (Provider::DocIntell, DocIntellEvent::schema_types),
    (Provider::Sentrasa, SentrasaEvent::schema_types),
    (Provider::Kyc, kyc_schema_types),
    (Provider::Sensei, SenseiEvent::schema_types),
];

/// KYC-Webhooks' families, typed as [`kyc::KycEvent::family_of`] reads them.
fn kyc_schema_types(generator: &mut SchemaGenerator) -> (&'static str, Vec<DocumentedType>) {
    let samples = |prefix: &str| {
        let types = kyc::SAMPLE_TYPES.iter().copied();
        types.filter(|t| t.starts_with(prefix)).collect()
    };
    let types = vec![
        DocumentedType {
            variant: "Session",
            event_type: EventType::Prefixed("kyc.session.", samples("kyc.session.")),
            family: "session",
            data: generator.subschema_for::<kyc::SessionData>(),
        },
        DocumentedType {
            variant: "Watchlist",
            event_type: EventType::Prefixed("kyc.watchlist.", samples("kyc.watchlist.")),
            family: "watchlist",
            data: generator.subschema_for::<kyc::WatchlistData>(),
        },
    ];
    ("KycEvent", types)
}

/// The JSON Schema (draft 2020-12) of every documented event: a `oneOf` with one
/// member per provider enum (titled with its name, e.g. `SentinelEvent`), each a
/// `oneOf` with one member per documented type (titled with the provider's prefix and
/// the variant, e.g. `SentinelDocumentCompleted`), whose `data` refers to `$defs`. Each
/// data struct is defined there once, named with the provider's prefix
/// (`SentinelExtractions`), with the fields and doc comments of the Rust struct.
///
/// Every whole-number field is an `integer`, which in JSON Schema includes a number
/// written with a zero fraction (`4.0`), as the core reads it.
pub fn document() -> Value {
    let mut definitions = Map::new();
    let mut providers = Vec::new();
    for (provider, types) in PROVIDERS {
        let mut generator = SchemaSettings::draft2020_12().into_generator();
        let (name, types) = types(&mut generator);
        let prefix = name
            .strip_suffix("Event")
            .expect("a provider enum is named <Prefix>Event");
        let rename = |reference: &str| {
            let local = reference
                .strip_prefix("#/$defs/")
                .expect("a reference into $defs");
            format!("#/$defs/{prefix}{local}")
        };
        for (local, mut schema) in generator.take_definitions(true) {
            rename_references(&mut schema, &rename);
            let previous = definitions.insert(format!("{prefix}{local}"), schema);
            assert!(previous.is_none(), "two data structs named {prefix}{local}");
        }
        let events: Vec<Value> = types
            .into_iter()
            .map(|documented| {
                let mut data = documented.data.to_value();
                rename_references(&mut data, &rename);
                let event_type = match documented.event_type {
                    EventType::Exact(event_type) => json!({ "const": event_type }),
                    EventType::Prefixed(start, samples) => json!({
                        "type": "string",
                        "pattern": format!("^{}.", start.replace('.', "\\.")),
                        "examples": samples,
                    }),
                };
                json!({
                    "title": format!("{prefix}{}", documented.variant),
                    "type": "object",
                    "properties": {
                        "provider": { "const": provider.as_str() },
                        "type": event_type,
                        "family": { "const": documented.family },
                        "data": data,
                    },
                    "required": ["provider", "type", "family", "data"],
                })
            })
            .collect();
        providers.push(json!({ "title": name, "oneOf": events }));
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "DocumentedEvent",
        "description": "Every documented event hookshield types, as a binding exposes it: its provider, type, family and typed data. Written by `cargo run -p hookshield --features schema --example event_schema` from the core's event types; do not edit.",
        "oneOf": providers,
        "$defs": definitions,
    })
}

/// Renames every `$ref` in `schema`.
fn rename_references(schema: &mut Value, rename: &impl Fn(&str) -> String) {
    match schema {
        Value::Object(members) => {
            for (key, value) in members.iter_mut() {
                match value {
                    Value::String(reference) if key == "$ref" => *reference = rename(reference),
                    value => rename_references(value, rename),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rename_references(item, rename)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kyc_families_are_the_ones_the_core_reads() {
        let mut generator = SchemaGenerator::default();
        let (_, types) = kyc_schema_types(&mut generator);
        let mut samples = Vec::new();
        for documented in types {
            let EventType::Prefixed(prefix, examples) = documented.event_type else {
                panic!("KYC-Webhooks types by family");
            };
            assert_eq!(
                kyc::KycEvent::family_of(&format!("{prefix}any.thing")),
                Some(documented.family)
            );
            assert_eq!(kyc::KycEvent::family_of(prefix), None);
            samples.extend(examples);
        }
        assert_eq!(samples, kyc::SAMPLE_TYPES);
    }

    #[test]
    fn every_documented_type_is_described_once() {
        let schema = document();
        let described: Vec<(&str, &str)> = schema["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|provider| provider["oneOf"].as_array().unwrap())
            .filter_map(|event| {
                let properties = &event["properties"];
                Some((
                    properties["provider"]["const"].as_str()?,
                    properties["type"]["const"].as_str()?,
                ))
            })
            .collect();
        let mut expected = Vec::new();
        for (provider, types) in [
            (Provider::Sentinel, SentinelEvent::TYPES),
            (Provider::DocIntell, DocIntellEvent::TYPES),
            (Provider::Sentrasa, SentrasaEvent::TYPES),
            (Provider::Sensei, SenseiEvent::TYPES),
        ] {
            expected.extend(types.iter().map(|t| (provider.as_str(), *t)));
        }
        let mut sorted = described.clone();
        sorted.sort_unstable();
        expected.sort_unstable();
        assert_eq!(sorted, expected);
    }

    #[test]
    fn whole_numbers_are_integers() {
        let schema = document();
        let pages = &schema["$defs"]["SentinelDocumentCompleted"]["properties"]["pages"];
        assert_eq!(pages["type"], json!(["integer", "null"]));
        let phase = &schema["$defs"]["SenseiPhaseCompleted"]["properties"]["phase_number"];
        assert_eq!(phase["type"], "integer");
    }
}
