//! The backends under test, each in a fresh place: a SQLite file in a temporary folder,
//! or a real `redis-server` (Debian package `redis-server`) started on a free 127.0.0.1
//! port with `appendonly yes` and `appendfsync always`, its files in a temporary folder,
//! and stopped at the end.

#[cfg(feature = "redis")]
use std::path::Path;
#[cfg(feature = "redis")]
use std::process::{Child, Command, Stdio};
#[cfg(feature = "redis")]
use std::time::{Duration, Instant};

use hookshield::inbox::Inbox;
use hookshield::{Provider, SignOptions, Verifier};

pub(crate) const SECRET: &str = "whsec_inbox_tests";

/// A lease no test sees end.
pub(crate) const LEASE: std::time::Duration = std::time::Duration::from_secs(30);

pub(crate) struct Fixture {
    pub(crate) url: String,
    #[cfg(feature = "redis")]
    redis: Option<RedisServer>,
    /// Where the SQLite file or Redis's files are; removed when dropped.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    dir: tempfile::TempDir,
}

impl Fixture {
    pub(crate) fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("inbox.db").display());
        Fixture {
            url,
            #[cfg(feature = "redis")]
            redis: None,
            dir,
        }
    }

    #[cfg(feature = "redis")]
    pub(crate) fn redis() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = RedisServer::start(port, dir.path());
        Fixture {
            url: format!("redis://127.0.0.1:{port}/"),
            redis: Some(server),
            dir,
        }
    }

    /// A new handle on the backend, as another process would open it.
    pub(crate) fn open(&self) -> Inbox {
        Inbox::open(&self.url).unwrap()
    }

    /// Kills the Redis server (SIGKILL: no shutdown save) and starts it again over the
    /// same files and port.
    #[cfg(feature = "redis")]
    pub(crate) fn restart_redis(&mut self) {
        let server = self.redis.as_mut().expect("a Redis fixture");
        server.kill();
        let port = server.port;
        *server = RedisServer::start(port, self.dir.path());
    }
}

#[cfg(feature = "redis")]
struct RedisServer {
    child: Child,
    port: u16,
}

#[cfg(feature = "redis")]
impl RedisServer {
    fn start(port: u16, dir: &Path) -> Self {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
            ])
            .args(["--appendonly", "yes", "--appendfsync", "always"])
            .arg("--dir")
            .arg(dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is installed (apt-get install redis-server; .ci/run does it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !answers_ping(port) {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        RedisServer { child, port }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the server answers `PING` with `PONG`: after a restart it accepts connections
/// while it loads its append-only file, but answers `-LOADING` until it has.
#[cfg(feature = "redis")]
fn answers_ping(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0_u8; 5];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG"
}

#[cfg(feature = "redis")]
impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

pub(crate) fn verifier() -> Verifier {
    Verifier::new(Provider::Sensei, [SECRET]).unwrap()
}

/// A Sensei delivery of event `id`, created now, and the headers it was signed with.
pub(crate) fn signed(id: &str) -> (Vec<u8>, Vec<(String, String)>) {
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let created_at = hookshield::timestamp::format_rfc3339(unix as i64);
    let body = format!(
        r#"{{"id":"{id}","type":"migration.started","created_at":"{created_at}","data":{{"migration_id":"mig_{id}"}}}}"#
    )
    .into_bytes();
    let headers =
        hookshield::sign(Provider::Sensei, SECRET, &body, &SignOptions::default()).unwrap();
    (body, headers)
}

/// Accepts `count` distinct deliveries (`{prefix}0`, `{prefix}1`, ...) and returns their keys.
pub(crate) fn accept_many(inbox: &Inbox, prefix: &str, count: usize) -> Vec<String> {
    let verifier = verifier();
    (0..count)
        .map(|i| {
            let key = format!("{prefix}{i}");
            let (body, headers) = signed(&key);
            let outcome = inbox.accept(&verifier, &body, &headers);
            assert_eq!(outcome.kind(), "queued", "{outcome:?}");
            key
        })
        .collect()
}

/// Unix milliseconds, as `accept` records a delivery's received time.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
