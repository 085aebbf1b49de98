//! What the CLI's test files share: the binary, test secrets, running it, and a
//! `hookshield listen` process.
// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_hookshield");
pub(crate) const SECRET: &str = "whsec_cli_test_secret_5f2b";
pub(crate) const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

pub(crate) fn secret_for(provider: &str) -> &'static str {
    if provider == "standard" {
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
    pub(crate) fn start(provider: &str, extra: &[&str]) -> Listen {
        let mut args = vec![
            "listen",
            "-p",
            provider,
            "--secret-env",
            "HOOKSHIELD_TEST_SECRET",
            "--port",
            "0",
        ];
        args.extend_from_slice(extra);
        let mut child = hookshield(&args)
            .env("HOOKSHIELD_TEST_SECRET", secret_for(provider))
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
        assert!(!line.contains(secret_for(provider)));
        Listen { child, url }
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
