//! Deliveries per second through `Verifier::process` from 8 concurrent workers, with the
//! in-memory store and with the Redis store.
//!
//! ```sh
//! cargo run --release --example load -p hookshield --features redis
//! ```
//!
//! Uses `$REDIS_URL` when set; otherwise starts `redis-server` on a free loopback port
//! (persistence off) and stops it at the end.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hookshield::idempotency::RedisStore;
use hookshield::{IdempotencyStore, MemoryStore, ProcessOptions, Provider, SignOptions, Verifier};

const WORKERS: usize = 8;
const DELIVERIES: usize = 40_000;
const SECRET: &str = "whsec_load";

/// A body and the headers it was signed with.
type Delivery = (Vec<u8>, Vec<(String, String)>);

fn deliveries() -> Vec<Delivery> {
    let template =
        hookshield::sample(Provider::Sensei, "migration.phase.completed").unwrap_or_default();
    (0..DELIVERIES)
        .map(|i| {
            let body = template
                .replace("evt_abc123def456", &format!("evt_load_{i}"))
                .into_bytes();
            let headers =
                hookshield::sign(Provider::Sensei, SECRET, &body, &SignOptions::default())
                    .unwrap_or_default();
            (body, headers)
        })
        .collect()
}

fn run(name: &str, verifier: &Verifier, stores: &[Box<dyn IdempotencyStore>], work: &[Delivery]) {
    let started = Instant::now();
    std::thread::scope(|scope| {
        for (worker, store) in stores.iter().enumerate() {
            scope.spawn(move || {
                for (body, headers) in work.iter().skip(worker).step_by(WORKERS) {
                    let outcome = verifier.process(
                        body,
                        headers,
                        store.as_ref(),
                        ProcessOptions::default(),
                        |_| Ok::<_, String>(()),
                    );
                    assert_eq!(outcome.kind(), "processed");
                }
            });
        }
    });
    let elapsed = started.elapsed();
    println!(
        "{name:<8} {DELIVERIES} deliveries, {WORKERS} workers: {:>8.0} deliveries/s",
        DELIVERIES as f64 / elapsed.as_secs_f64()
    );
}

fn main() {
    let verifier = Verifier::new(Provider::Sensei, [SECRET]).expect("a verifier");
    let work = deliveries();

    let memory = std::sync::Arc::new(MemoryStore::new(DELIVERIES * 2));
    let shared: Vec<Box<dyn IdempotencyStore>> = (0..WORKERS)
        .map(|_| Box::new(memory.clone()) as Box<dyn IdempotencyStore>)
        .collect();
    run("memory", &verifier, &shared, &work);

    let mut server = None;
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        server = Some(
            Command::new("redis-server")
                .args([
                    "--port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .stdout(Stdio::null())
                .spawn()
                .expect("redis-server installed"),
        );
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            std::thread::sleep(Duration::from_millis(20));
        }
        format!("redis://127.0.0.1:{port}/")
    });
    // One store (one connection pool) per worker, as separate processes would have.
    let prefix = format!("load-{}:", std::process::id());
    let redis: Vec<Box<dyn IdempotencyStore>> = (0..WORKERS)
        .map(|_| {
            Box::new(
                RedisStore::open(&url)
                    .expect("a Redis URL")
                    .with_prefix(prefix.clone()),
            ) as Box<dyn IdempotencyStore>
        })
        .collect();
    run("redis", &verifier, &redis, &work);
    if let Some(mut child) = server {
        let _ = child.kill();
        let _ = child.wait();
    }
}
