//! Placeholder: the axum example lands with the core benchmarks.
fn main() {}
