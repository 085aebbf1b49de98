//! Placeholder: the CLI lands in its own issue.
fn main() {}
