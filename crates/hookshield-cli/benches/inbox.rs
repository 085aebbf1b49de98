//! Time to acknowledge: deliveries acknowledged per second, and the p50/p99 time from
//! sending a delivery to having its answer, from 8 concurrent senders over HTTP on
//! 127.0.0.1, against `hookshield listen --inbox sqlite:…`, `--inbox redis://…` (a
//! `redis-server` started here with `appendonly yes`, `appendfsync always`) and inline
//! `listen` (the handler in the request: none, `--exec true`, and a 100 ms
//! `--exec 'sleep 0.1'`), side by side.
//!
//! ```sh
//! cargo bench -p hookshield-cli --bench inbox             # 2,000 deliveries a row
//! cargo bench -p hookshield-cli --bench inbox -- --deliveries 8000
//! ```
//!
//! Each row is a fresh `listen` process (the release-profile binary Cargo builds for
//! benches); 80 deliveries warm it up first. The Standard Webhooks sample is signed
//! beforehand with a new `webhook-id` each, so every one is new to the receiver.
#![allow(missing_docs)]

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hookshield::{Provider, SignOptions};

const BIN: &str = env!("CARGO_BIN_EXE_hookshield");
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SENDERS: usize = 8;
const WARM_UP: usize = 80;

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `hookshield listen -p standard ARGS --port 0`, and its URL.
fn listen(args: &[&str]) -> (Process, String) {
    let mut child = Command::new(BIN)
        .args([
            "listen",
            "-p",
            "standard",
            "--secret-env",
            "BENCH_SECRET",
            "--port",
            "0",
        ])
        .args(args)
        .env("BENCH_SECRET", SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hookshield binary runs");
    let mut line = String::new();
    BufReader::new(child.stderr.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    (Process(child), url)
}

/// A durable `redis-server` on a free port, its files in `dir`.
fn redis_server(dir: &PathBuf) -> (Process, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::create_dir_all(dir).unwrap();
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ])
        .args(["--appendonly", "yes", "--appendfsync", "always", "--dir"])
        .arg(dir)
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server is installed");
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(20));
    }
    (Process(child), format!("redis://127.0.0.1:{port}/"))
}

/// A signed delivery: headers and body.
type Signed = (Vec<(String, String)>, String);

fn deliveries(row: &str, count: usize) -> Vec<Signed> {
    let body = hookshield::sample(Provider::Standard, "invoice.paid").unwrap();
    (0..count)
        .map(|i| {
            let options = SignOptions::default().id(format!("bench-{row}-{i}"));
            let headers =
                hookshield::sign(Provider::Standard, SECRET, body.as_bytes(), &options).unwrap();
            (headers, body.clone())
        })
        .collect()
}

/// Sends `deliveries` from `SENDERS` threads (each with its own keep-alive
/// connection); every answer must be a 2xx with `expected` as its outcome. The time
/// each took, and the wall time.
fn send_all(url: &str, deliveries: Vec<Signed>, expected: &str) -> (Vec<Duration>, Duration) {
    let mut shares: Vec<Vec<Signed>> = (0..SENDERS).map(|_| Vec::new()).collect();
    for (i, delivery) in deliveries.into_iter().enumerate() {
        shares[i % SENDERS].push(delivery);
    }
    let started = Instant::now();
    let threads: Vec<_> = shares
        .into_iter()
        .map(|share| {
            let url = url.to_owned();
            let expected = expected.to_owned();
            std::thread::spawn(move || {
                let agent = ureq::Agent::new_with_config(
                    ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .timeout_global(Some(Duration::from_secs(30)))
                        .build(),
                );
                let mut times = Vec::with_capacity(share.len());
                for (headers, body) in share {
                    let sent = Instant::now();
                    let mut request = agent.post(&url);
                    for (name, value) in &headers {
                        request = request.header(name.as_str(), value.as_str());
                    }
                    let mut response = request.send(body.as_bytes()).expect("an answer");
                    let answer = response.body_mut().read_to_string().unwrap();
                    times.push(sent.elapsed());
                    assert!(
                        response.status().is_success() && answer.contains(&expected),
                        "{} {answer}",
                        response.status()
                    );
                }
                times
            })
        })
        .collect();
    let mut times: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let wall = started.elapsed();
    times.sort_unstable();
    (times, wall)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn main() {
    let mut count = 2000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--deliveries" {
            count = args
                .next()
                .and_then(|n| n.parse().ok())
                .expect("--deliveries N");
        }
    }
    let dir = std::env::temp_dir().join(format!("hookshield-bench-inbox-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (_redis, redis_url) = redis_server(&dir.join("redis"));
    let sqlite_url = format!("sqlite:{}", dir.join("inbox.db").display());

    // (row, listen's arguments, the outcome answered, how many deliveries)
    let rows: [(&str, Vec<&str>, &str, usize); 5] = [
        (
            "listen --inbox sqlite:…",
            vec!["--inbox", &sqlite_url],
            "queued",
            count,
        ),
        (
            "listen --inbox redis://… (appendfsync always)",
            vec!["--inbox", &redis_url],
            "queued",
            count,
        ),
        ("listen (inline, no handler)", vec![], "processed", count),
        (
            "listen --exec true (inline)",
            vec!["--exec", "true"],
            "processed",
            count,
        ),
        (
            "listen --exec 'sleep 0.1' (inline)",
            vec!["--exec", "sleep 0.1"],
            "processed",
            count.min(200),
        ),
    ];
    println!(
        "{count} deliveries a row ({} for the 100 ms handler), {SENDERS} concurrent senders, HTTP/1.1 keep-alive on 127.0.0.1",
        count.min(200)
    );
    println!("| receiver | acknowledged/s | p50 ms | p99 ms |");
    println!("| --- | ---: | ---: | ---: |");
    for (index, (name, args, expected, count)) in rows.into_iter().enumerate() {
        let (_listen, url) = listen(&args);
        let tag = format!("r{index}");
        send_all(&url, deliveries(&format!("{tag}-warm"), WARM_UP), expected);
        let (times, wall) = send_all(&url, deliveries(&tag, count), expected);
        println!(
            "| `{name}` | {:.0} | {:.2} | {:.2} |",
            count as f64 / wall.as_secs_f64(),
            percentile(&times, 0.50),
            percentile(&times, 0.99),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
