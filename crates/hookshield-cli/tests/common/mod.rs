//! What the CLI's test files share: the binary, test secrets, running it, and a
//! `hookshield listen` process.
// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub(crate) mod inbox;
pub(crate) mod redis;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_hookshield");
pub(crate) const SECRET: &str = "whsec_cli_test_secret_5f2b";
pub(crate) const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

pub(crate) fn secret_for(provider: &str) -> &'static str {
    if matches!(provider, "standard" | "svix") {
        STANDARD_SECRET
    } else {
        SECRET
    }
}

pub(crate) fn hookshield(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args).env_remove("NO_COLOR");
    command
}

pub(crate) fn run(args: &[&str]) -> Output {
    hookshield(args).output().expect("the binary runs")
}

pub(crate) fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = hookshield(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A command that fails before reading its input closes the pipe early.
    if let Err(error) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
    }
    child.wait_with_output().unwrap()
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every sample type of a provider, as the CLI lists them in its error message.
pub(crate) fn sample_types(provider: &str) -> Vec<String> {
    let out = run(&[
        "sign",
        "-p",
        provider,
        "-s",
        secret_for(provider),
        "--event",
        "no.such.event",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let list = stderr
        .split("samples: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no sample list in {stderr:?}"));
    list.trim().split(", ").map(str::to_owned).collect()
}

pub(crate) fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hookshield-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// `sign --json` for a sample: (headers, body).
pub(crate) fn signed(
    provider: &str,
    event: &str,
    extra: &[&str],
) -> (Vec<(String, String)>, String) {
    let mut args = vec![
        "sign",
        "-p",
        provider,
        "-s",
        secret_for(provider),
        "--event",
        event,
        "--json",
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let headers = json["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    (headers, json["body"].as_str().unwrap().to_owned())
}

/// A `hookshield listen` process, killed when dropped.
pub(crate) struct Listen {
    pub(crate) child: Child,
    pub(crate) url: String,
}

impl Listen {
    /// `listen` for `provider` with its test secret (from the environment) on a free
    /// port, and `extra` arguments.
    pub(crate) fn start(provider: &str, extra: &[&str]) -> Listen {
        let mut args = vec!["-p", provider, "--secret-env", "HOOKSHIELD_TEST_SECRET"];
        args.extend_from_slice(extra);
        let mut command = hookshield(&[]);
        command.env("HOOKSHIELD_TEST_SECRET", secret_for(provider));
        let listen = Listen::spawn(command, &args);
        assert!(!listen.first_line.contains(secret_for(provider)));
        listen.listen
    }

    /// `listen ARGS --port 0`, run by `command`; its first line on standard error (which
    /// has the address) with it.
    pub(crate) fn spawn(mut command: Command, args: &[&str]) -> Started {
        let mut child = command
            .arg("listen")
            .args(args)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stderr.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        Started {
            listen: Listen { child, url },
            first_line: line,
        }
    }

    /// Stops the receiver and returns what it printed.
    pub(crate) fn stop(mut self) -> String {
        self.child.kill().unwrap();
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        out
    }
}

/// A `listen` process just started, and what it said first.
pub(crate) struct Started {
    pub(crate) listen: Listen,
    pub(crate) first_line: String,
}

impl Listen {
    /// Waits (up to 10 s) for the receiver to print `count` lines, then stops it and
    /// returns them: for what it reports after answering, or with no answer at all.
    pub(crate) fn stop_after(mut self, count: usize) -> String {
        let stdout = self.child.stdout.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for _ in 0..count {
                match lines.next() {
                    Some(Ok(line)) => sender.send(line).unwrap(),
                    _ => return,
                }
            }
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut out = String::new();
        for _ in 0..count {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let Ok(line) = receiver.recv_timeout(left) else {
                break;
            };
            out += &line;
            out.push('\n');
        }
        out
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A connection to a receiver at `url`, giving up on a read after 10 s.
pub(crate) fn connect(url: &str) -> TcpStream {
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// A POST with these headers and body, asking the receiver to close afterwards.
pub(crate) fn request(headers: &[(&str, &[u8])], body: &[u8]) -> Vec<u8> {
    let mut bytes = b"POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".to_vec();
    for (name, value) in headers {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    bytes.extend_from_slice(body);
    bytes
}

/// An HTTP answer as read off the wire.
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// The `Content-Type` header's value, if any.
    pub(crate) content_type: Option<String>,
    pub(crate) body: String,
}

/// Reads an answer up to the end of the connection. What arrived before a reset counts.
pub(crate) fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut bytes = Vec::new();
    let mut buffer = [0; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
            Err(error) if bytes.is_empty() => panic!("no answer: {error}"),
            Err(_) => break,
        }
    }
    let answer = text(&bytes);
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let content_type = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-type")
            .then(|| value.trim().to_owned())
    });
    Reply {
        status,
        content_type,
        body: body.to_owned(),
    }
}

/// The verifier options a shared vector case asks for, as `--name=value` arguments (so
/// that no value is taken for a flag): provider, "now", secrets, tolerance, size limit
/// and overrides.
pub(crate) fn verifier_arguments(case: &Value) -> Vec<String> {
    let mut args = vec![
        format!("--provider={}", case["provider"].as_str().unwrap()),
        format!("--now={}", case["now"]),
    ];
    for secret in case["secrets"].as_array().unwrap() {
        let secret = secret.as_str().expect("the CLI takes secrets as text");
        args.push(format!("--secret={secret}"));
    }
    let options = &case["options"];
    if let Some(tolerance) = options["tolerance"].as_u64() {
        args.push(format!("--tolerance={tolerance}"));
    }
    if let Some(limit) = options["max_body_bytes"].as_u64() {
        args.push(format!("--max-body-bytes={limit}"));
    }
    if let Some(overrides) = options["overrides"].as_object() {
        for (name, value) in overrides {
            args.push(format!("--set={name}={}", value.as_str().unwrap()));
        }
    }
    args
}

/// Waits (up to 10 s) for `path` to exist.
pub(crate) fn wait_for(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
