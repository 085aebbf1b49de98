//! Prints the JSON Schema of every documented event, the source of the bindings' event
//! types (see `hookshield::events::schema`). From the repository root:
//!
//! ```text
//! cargo run -q -p hookshield --features schema --example event_schema > crates/hookshield/schema/events.json
//! ```
//!
//! `scripts/test` runs it and fails when the committed file differs.

fn main() {
    let schema = hookshield::events::schema::document();
    let text = serde_json::to_string_pretty(&schema).expect("a JSON value serializes");
    println!("{text}");
}
