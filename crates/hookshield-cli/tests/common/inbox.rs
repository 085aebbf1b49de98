//! What the inbox tests share: signed deliveries over HTTP, `inbox worker` processes, a
//! handler script that logs its runs, and `inbox stats --json`.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use hookshield::{Provider, SignOptions};
use serde_json::Value;

use super::{hookshield, secret_for, text, Listen};

/// A fresh directory for one test's files (its SQLite inbox, its handler's log).
pub(crate) fn test_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hookshield-cli-inbox-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fresh `sqlite:` inbox URL for one test, and the test's directory.
pub(crate) fn sqlite_inbox(name: &str) -> (String, PathBuf) {
    let dir = test_dir(name);
    (format!("sqlite:{}", dir.join("inbox.db").display()), dir)
}

/// `listen -p standard --inbox URL` on a free port.
pub(crate) fn listen(inbox: &str) -> Listen {
    Listen::start("standard", &["--inbox", inbox, "--json"])
}

/// POSTs a Standard Webhooks delivery with message id `id`, signed now with the test
/// secret; the status and the JSON answer (`None` when the receiver could not be
/// reached).
pub(crate) fn post(url: &str, id: &str) -> Option<(u16, Value)> {
    let body = hookshield::sample(Provider::Standard, "invoice.paid").unwrap();
    let headers = hookshield::sign(
        Provider::Standard,
        secret_for("standard"),
        body.as_bytes(),
        &SignOptions::default().id(id),
    )
    .unwrap();
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build(),
    );
    let mut request = agent.post(url);
    for (name, value) in &headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let mut response = request.send(body.as_bytes()).ok()?;
    let status = response.status().as_u16();
    let answer = response.body_mut().read_to_string().unwrap();
    Some((status, serde_json::from_str(&answer).unwrap()))
}

/// POSTs `count` deliveries `{prefix}-0`, `{prefix}-1`, ..., each of which must be
/// answered `200 queued`; returns their idempotency keys.
pub(crate) fn queue(url: &str, prefix: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let (status, answer) = post(url, &format!("{prefix}-{i}")).expect("an answer");
            assert_eq!(
                (status, &answer["outcome"]),
                (200, &"queued".into()),
                "{answer}"
            );
            answer["idempotency_key"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// A handler script in `dir`: it appends `KEY ATTEMPT TYPE` to `dir/runs.log`, keeps the
/// event it read in `dir/events/KEY.json`, then runs `then` (shell code).
pub(crate) fn handler(dir: &Path, then: &str) -> String {
    std::fs::create_dir_all(dir.join("events")).unwrap();
    let script = dir.join("handler.sh");
    std::fs::write(
        &script,
        format!(
            "cat > '{events}'/\"$HOOKSHIELD_IDEMPOTENCY_KEY.json\"\n\
             echo \"$HOOKSHIELD_IDEMPOTENCY_KEY $HOOKSHIELD_ATTEMPT $HOOKSHIELD_EVENT_TYPE\" >> '{log}'\n\
             {then}\n",
            events = dir.join("events").display(),
            log = dir.join("runs.log").display(),
        ),
    )
    .unwrap();
    format!("sh '{}'", script.display())
}

/// The handler's runs: each key with the attempts it ran with, in order.
pub(crate) fn runs(dir: &Path) -> HashMap<String, Vec<u32>> {
    let mut runs: HashMap<String, Vec<u32>> = HashMap::new();
    let log = std::fs::read_to_string(dir.join("runs.log")).unwrap_or_default();
    for line in log.lines() {
        let mut words = line.split(' ');
        let key = words.next().unwrap().to_owned();
        let attempt = words.next().unwrap().parse().unwrap();
        assert!(
            words.next().is_some_and(|t| !t.is_empty()),
            "no type: {line}"
        );
        runs.entry(key).or_default().push(attempt);
    }
    runs
}

/// A running `hookshield inbox worker` for Standard Webhooks with the test secret.
pub(crate) struct Worker {
    /// `None` once stopped.
    child: Option<Child>,
}

impl Worker {
    /// `inbox worker --inbox URL -p standard --secret-env ... --exec COMMAND EXTRA...`.
    pub(crate) fn start(inbox: &str, command: &str, extra: &[&str]) -> Worker {
        let child = hookshield(&["inbox", "worker", "--inbox", inbox, "-p", "standard"])
            .args(["--secret-env", "HOOKSHIELD_TEST_SECRET", "--exec", command])
            .args(extra)
            .env("HOOKSHIELD_TEST_SECRET", secret_for("standard"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Worker { child: Some(child) }
    }

    /// A worker started some other way.
    pub(crate) fn from_child(child: Child) -> Worker {
        Worker { child: Some(child) }
    }

    /// SIGTERM, then waits for the worker to finish what it holds and exit; its output.
    pub(crate) fn stop(mut self) -> Output {
        let child = self.child.take().unwrap();
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        child.wait_with_output().unwrap()
    }

    /// SIGKILL: no chance to finish or give anything back.
    pub(crate) fn kill(mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `inbox stats --inbox URL --json`.
pub(crate) fn stats(inbox: &str) -> Value {
    let out = hookshield(&["inbox", "stats", "--inbox", inbox, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Waits (up to 90 s) until `inbox stats` satisfies `done`; the last stats.
pub(crate) fn wait_until(inbox: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let stats = stats(inbox);
        if done(&stats) {
            return stats;
        }
        assert!(Instant::now() < deadline, "never {what}: {stats}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads a file (up to 10 s for it to have something in it).
pub(crate) fn read_when_written(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut contents = String::new();
        if let Ok(mut file) = std::fs::File::open(path) {
            file.read_to_string(&mut contents).unwrap();
            if contents.ends_with('\n') {
                return contents;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{} never written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}
