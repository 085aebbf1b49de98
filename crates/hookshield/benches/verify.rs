//! Criterion benchmarks: what a verification costs beside the HMAC-SHA256 it cannot avoid.
//!
//! For Sentinel bodies of 1 KiB and 64 KiB:
//! - `hmac_sha256/fresh_key`: the floor, a bare HMAC-SHA256 of the body with the `hmac` and
//!   `sha2` crates, keyed per call as a hand-written receiver does;
//! - `hmac_sha256/prekeyed`: the same with the key already absorbed (what the verifier
//!   can at best do, since it keys each secret once);
//! - `verify_signature_at`: size, headers, signature parsing, the constant-time check and
//!   the replay window, without parsing the body;
//! - `verify_at`: all of that, then the body checked to be JSON and its envelope read;
//!   also on a 1 KiB body with many more values (`sentinel_1KiB_many_values`);
//! - `verify_at_typed_keyed`: `verify_at`, then reading the typed data and the
//!   idempotency key, which the event works out on first use;
//! - `verify_within_at_keyed`: `verify_within_at` (which types the data while reading
//!   the body, as `process` and `claim` verify), then the typed data and the key: what
//!   `process` pays.
//!
//! Run: `cargo bench -p hookshield --bench verify` (3 s of measurement per benchmark).
//!
//! On a loaded machine wall-clock figures are noisy; the same binary also counts
//! instructions, which load does not change: with `HOOKSHIELD_BENCH_COUNT=<op>,<bytes>,<n>`
//! (`op`: `hmac_fresh`, `hmac_prekeyed`, `verify_signature_at`, `verify_at`) it runs the
//! operation `n` times and exits, for `valgrind --tool=callgrind` (compare `n` = 0 and
//! `n` = 1000 to get the cost of one call).
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, Mac};
use hookshield::{Provider, SignOptions, Verifier};
use sha2::Sha256;

const SECRET: &str = "whsec_bench_0123456789abcdef0123456789abcdef";
const NOW: i64 = 1_778_839_500;

/// A valid Sentinel `document.completed` delivery of exactly `size` bytes: the document's
/// sample with a `notes` member padded to length.
fn sentinel_body(size: usize) -> Vec<u8> {
    let head = r#"{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z","data":{"document_id":"doc_abc123","tenant_id":"ten_xyz","user_id":"usr_456","document_type":"cas_statement","pages":4,"extractions":{"holdings_count":12,"total_aum":12500000,"currency":"INR"},"confidence":{"average":0.94,"minimum":0.87},"processing_time_ms":45000,"notes":""#;
    let tail = r#""}}"#;
    let pad = size - head.len() - tail.len();
    let mut body = String::with_capacity(size);
    body.push_str(head);
    body.push_str(&"x".repeat(pad));
    body.push_str(tail);
    assert_eq!(body.len(), size);
    body.into_bytes()
}

/// The same event with many more values (six holdings, as in the Node benchmark), padded
/// to exactly 1 KiB: more members to read than one long string.
fn sentinel_body_many_values() -> Vec<u8> {
    let holdings: Vec<String> = (0..6)
        .map(|i| {
            format!(
                r#"{{"isin":"INE00{i}A01020","scheme":"Fund {i} Growth","units":{}.5,"nav":{}.17}}"#,
                1250 + i,
                42 + i
            )
        })
        .collect();
    let head = format!(
        r#"{{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z","data":{{"document_id":"doc_abc123","tenant_id":"ten_xyz","user_id":"usr_456","document_type":"cas_statement","pages":4,"extractions":{{"holdings_count":12,"total_aum":12500000,"currency":"INR","holdings":[{}]}},"confidence":{{"average":0.94,"minimum":0.87}},"processing_time_ms":45000,"notes":""#,
        holdings.join(",")
    );
    let tail = r#""}}"#;
    let body = format!("{head}{}{tail}", "x".repeat(1024 - head.len() - tail.len()));
    assert_eq!(body.len(), 1024);
    body.into_bytes()
}

fn sentinel_verifier() -> Verifier {
    Verifier::builder(Provider::Sentinel)
        .secret(SECRET)
        .max_body_bytes(1 << 20)
        .build()
        .expect("verifier")
}

fn bench_verify(c: &mut Criterion) {
    let verifier = sentinel_verifier();
    for (label, size) in [("1KiB", 1024), ("64KiB", 64 * 1024)] {
        let body = sentinel_body(size);
        let headers = hookshield::sign(Provider::Sentinel, SECRET, &body, &SignOptions::at(NOW))
            .expect("sign");
        // Sanity: the delivery verifies and parses.
        let event = verifier.verify_at(&body, &headers, NOW).expect("valid");
        assert_eq!(event.event_type(), "document.completed");

        let mut group = c.benchmark_group(format!("sentinel_{label}"));
        group.throughput(Throughput::Bytes(size as u64));

        group.bench_function(BenchmarkId::new("hmac_sha256", "fresh_key"), |b| {
            b.iter(|| {
                let mut mac = Hmac::<Sha256>::new_from_slice(black_box(SECRET.as_bytes()))
                    .expect("any key length");
                mac.update(black_box(&body));
                black_box(mac.finalize().into_bytes())
            });
        });
        let keyed = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
        group.bench_function(BenchmarkId::new("hmac_sha256", "prekeyed"), |b| {
            b.iter(|| {
                let mut mac = black_box(&keyed).clone();
                mac.update(black_box(&body));
                black_box(mac.finalize().into_bytes())
            });
        });
        group.bench_function("verify_signature_at", |b| {
            b.iter(|| {
                black_box(
                    verifier
                        .verify_signature_at(black_box(&body), black_box(&headers), NOW)
                        .expect("valid"),
                );
            });
        });
        group.bench_function("verify_at", |b| {
            b.iter(|| {
                black_box(
                    verifier
                        .verify_at(black_box(&body), black_box(&headers), NOW)
                        .expect("valid"),
                );
            });
        });
        group.bench_function("verify_at_typed_keyed", |b| {
            b.iter(|| typed_keyed(&verifier, &body, &headers));
        });
        group.bench_function("verify_within_at_keyed", |b| {
            b.iter(|| within_keyed(&verifier, &body, &headers));
        });
        group.finish();
    }

    let body = sentinel_body_many_values();
    let headers =
        hookshield::sign(Provider::Sentinel, SECRET, &body, &SignOptions::at(NOW)).expect("sign");
    let mut group = c.benchmark_group("sentinel_1KiB_many_values");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("verify_at", |b| {
        b.iter(|| {
            black_box(
                verifier
                    .verify_at(black_box(&body), black_box(&headers), NOW)
                    .expect("valid"),
            );
        });
    });
    group.bench_function("verify_at_typed_keyed", |b| {
        b.iter(|| typed_keyed(&verifier, &body, &headers));
    });
    group.bench_function("verify_within_at_keyed", |b| {
        b.iter(|| within_keyed(&verifier, &body, &headers));
    });
    group.finish();
}

/// Verifies as `process` does (the data typed while reading), then reads the typed data
/// and the idempotency key.
fn within_keyed(verifier: &Verifier, body: &[u8], headers: &[(String, String)]) {
    let event = verifier
        .verify_within_at(
            black_box(body),
            black_box(headers),
            NOW,
            verifier.replay_horizon(),
        )
        .expect("valid");
    black_box(event.data());
    black_box(event.idempotency_key());
}

/// Verifies, then reads the typed data and the idempotency key.
fn typed_keyed(verifier: &Verifier, body: &[u8], headers: &[(String, String)]) {
    let event = verifier
        .verify_at(black_box(body), black_box(headers), NOW)
        .expect("valid");
    black_box(event.data());
    black_box(event.idempotency_key());
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_verify
}
/// Runs one operation `n` times, for instruction counting (see the module docs).
fn count(spec: &str) {
    let parts: Vec<&str> = spec.split(',').collect();
    let [op, size, n] = parts[..] else {
        panic!("HOOKSHIELD_BENCH_COUNT must be <op>,<bytes>,<n>, found {spec:?}");
    };
    let size: usize = size.parse().expect("bytes");
    let n: usize = n.parse().expect("n");
    let verifier = sentinel_verifier();
    let body = sentinel_body(size);
    let headers =
        hookshield::sign(Provider::Sentinel, SECRET, &body, &SignOptions::at(NOW)).expect("sign");
    let keyed = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    for _ in 0..n {
        match op {
            "hmac_fresh" => {
                let mut mac = Hmac::<Sha256>::new_from_slice(black_box(SECRET.as_bytes()))
                    .expect("any key length");
                mac.update(black_box(&body));
                black_box(mac.finalize().into_bytes());
            }
            "hmac_prekeyed" => {
                let mut mac = black_box(&keyed).clone();
                mac.update(black_box(&body));
                black_box(mac.finalize().into_bytes());
            }
            "verify_signature_at" => {
                black_box(
                    verifier
                        .verify_signature_at(black_box(&body), black_box(&headers), NOW)
                        .expect("valid"),
                );
            }
            "verify_at" => {
                black_box(
                    verifier
                        .verify_at(black_box(&body), black_box(&headers), NOW)
                        .expect("valid"),
                );
            }
            other => panic!("unknown operation {other:?}"),
        }
    }
}

fn main() {
    if let Ok(spec) = std::env::var("HOOKSHIELD_BENCH_COUNT") {
        count(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
