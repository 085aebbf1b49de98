//! Criterion benchmarks: placeholder until the real ones land.
fn main() {}
